"""Region specs for the ARML comparison: many territories from one parse of the official files.

```toml
[region]
id = "bfc"
name = "Bourgogne-Franche-Comté"
approximation = "..."            # optional, shown with every output
group_by = "arrondissement"      # optional: one territory per arrondissement, from its EPCIs

[[territories]]                  # the ARML's real list, one table per Mission Locale
id = "ml-dijon"
name = "Mission Locale de Dijon"
epci = ["242100410"]             # and/or communes = [...]
bases = ["21231"]                # optional: INSEE codes of its sites (first = head office)
```

With ``group_by = "arrondissement"`` each EPCI joins the arrondissement holding most of its
population, and each group's base is its most populous commune: an approximation, declared.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo_data.loader import build_territory
from geo_data.official import OfficialData, load_official
from geo_data.spec import BaseEntry, TerritorySpec, _codes, _require
from planner.errors import InvalidSpecError
from planner.fleet import Van
from planner.territory import Territory

REGION_KEYS = {
    "": {"region", "territories"},
    "region": {"id", "name", "approximation", "group_by"},
    "territories": {"id", "name", "epci", "communes", "bases"},
}
GROUPINGS = ("arrondissement",)
GROUPING_NOTE = (
    "Territoires approchés : un territoire par arrondissement, formé des EPCI dont la plus grande "
    "part de la population y réside ; base placée dans la commune la plus peuplée. La liste réelle "
    "des Missions Locales peut être fournie par l'ARML ([[territories]])."
)


@dataclass(frozen=True)
class RegionSpec:
    id: str
    name: str
    approximation: str
    group_by: str | None
    territories: tuple[dict[str, Any], ...]


def parse_region(text: str) -> RegionSpec:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidSpecError(
            f"Fichier de région illisible : {exc}.", hint="Vérifiez la syntaxe TOML."
        ) from None
    for section, allowed in REGION_KEYS.items():
        tables = [raw] if not section else raw.get(section, [])
        for table in tables if isinstance(tables, list) else [tables]:
            unknown = sorted(set(table) - allowed)
            if unknown:
                where = f"[{section}]" if section else "la racine"
                raise InvalidSpecError(
                    f"Clé(s) inconnue(s) {unknown} dans {where} du fichier de région.",
                    hint=f"Clés possibles : {', '.join(sorted(allowed))}.",
                )
    region = raw.get("region")
    if not isinstance(region, dict):
        raise InvalidSpecError(
            "Section [region] absente.", hint="Ajoutez [region] avec id et name."
        )
    group_by = region.get("group_by")
    if group_by is not None and group_by not in GROUPINGS:
        raise InvalidSpecError(
            f"region.group_by {group_by!r} inconnu (attendu {', '.join(GROUPINGS)}).",
            hint='Écrivez group_by = "arrondissement" ou listez les [[territories]].',
        )
    territories = tuple(raw.get("territories", []))
    for i, table in enumerate(territories):
        key = f"territories[{i}]"
        _require(table, "id", key, str)
        _require(table, "name", key, str)
        for field, pattern, example in (
            ("epci", r"\d{9}", "242101491"),
            ("communes", r"\d[\dAB]\d{3}", "21425"),
            ("bases", r"\d[\dAB]\d{3}", "21425"),
        ):
            _codes(table.get(field, []), f"{key}.{field}", pattern, example)
    if not territories and group_by is None:
        raise InvalidSpecError(
            "La région ne liste aucun territoire.",
            hint='Ajoutez des [[territories]] ou group_by = "arrondissement".',
        )
    return RegionSpec(
        id=_require(region, "id", "region", str),
        name=_require(region, "name", "region", str),
        approximation=str(region.get("approximation", GROUPING_NOTE if group_by else "")),
        group_by=group_by,
        territories=territories,
    )


def _territory_spec(
    tid: str,
    name: str,
    epci: tuple[str, ...],
    communes: tuple[str, ...],
    bases: list[str],
    note: str,
) -> TerritorySpec:
    base_specs = tuple(
        BaseEntry(
            id=f"base-{code}",
            name=f"Site {code}",
            commune=code,
            lon=None,
            lat=None,
            kind="siege" if i == 0 else "antenne",
        )
        for i, code in enumerate(bases)
    )
    return TerritorySpec(
        id=tid,
        name=name,
        epci=epci,
        communes=communes,
        bases=base_specs,
        vans=(Van(id=f"van-{tid}", base=base_specs[0].id),),
        approximation=note,
    )


def region_territory_specs(region: RegionSpec, official: OfficialData) -> list[TerritorySpec]:
    """One :class:`TerritorySpec` per territory of the region (grouped or listed)."""
    current = official.current
    specs: list[TerritorySpec] = []
    if region.group_by == "arrondissement":
        members = official.epci.join(current[["arrondissement", "population"]], how="inner")
        weight = members.groupby(["epci", "arrondissement"])["population"].sum().reset_index()
        main = weight.sort_values(["population", "arrondissement"]).drop_duplicates(
            "epci", keep="last"
        )
        for arr, group in main.groupby("arrondissement"):
            epci = tuple(sorted(group["epci"]))
            codes = members.index[members["epci"].isin(epci)]
            seat = str(current.loc[codes, "population"].idxmax())
            specs.append(
                _territory_spec(
                    f"arr-{arr}",
                    f"Arrondissement {arr} ({current.loc[seat, 'name']})",
                    epci,
                    (),
                    [seat],
                    region.approximation,
                )
            )
    for i, table in enumerate(region.territories):
        key = f"territories[{i}]"
        tid = _require(table, "id", key, str)
        epci = _codes(table.get("epci", []), f"{key}.epci", r"\d{9}", "242101491")
        communes = _codes(table.get("communes", []), f"{key}.communes", r"\d[\dAB]\d{3}", "21425")
        bases = list(_codes(table.get("bases", []), f"{key}.bases", r"\d[\dAB]\d{3}", "21425"))
        if not bases:
            codes = list(official.epci.index[official.epci["epci"].isin(epci)]) + list(communes)
            codes = [c for c in codes if c in current.index]
            if not codes:
                raise InvalidSpecError(f"{key} ({tid}) : aucune commune.", hint="Vérifiez epci.")
            bases = [str(current.loc[codes, "population"].idxmax())]
        specs.append(
            _territory_spec(
                tid, _require(table, "name", key, str), epci, communes, bases, region.approximation
            )
        )
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise InvalidSpecError(
            "territories : identifiants en double.", hint="Donnez des id uniques."
        )
    return specs


def load_region(
    path: Path, *, data_dir: Path | None = None, official: OfficialData | None = None
) -> tuple[RegionSpec, list[Territory]]:
    """Read a region spec and build every territory from one parse of the official files."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidSpecError(
            f"Fichier de région {path} illisible ({exc.strerror}).", hint="Vérifiez le chemin."
        ) from None
    region = parse_region(text)
    official = official or load_official(folder=data_dir)
    return region, [build_territory(s, official) for s in region_territory_specs(region, official)]
