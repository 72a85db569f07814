"""``milo territory``: the French summary of a territory (rich table) and its GeoJSON export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.app import DataDir, console, fail, open_territory
from geo_data.outputs import write_territory_geojson
from planner.amenities import AMENITIES, AMENITY_LABELS, amenity_state
from planner.errors import MiloError
from planner.fleet import WEEKDAYS_FR
from planner.taxonomy import FrrClass, PartnerType
from planner.territory import Territory


def _fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", "\u202f")


def territory_summary(territory: Territory) -> Table:
    """A two-column table: what the territory contains."""
    c = territory.communes
    table = Table(title=f"Territoire : {territory.name} ({territory.id})", show_header=False)
    table.add_column("indicateur", style="bold")
    table.add_column("valeur")
    table.add_row("Communes", _fmt(len(c)))
    table.add_row("Population légale", _fmt(c["population"].sum()))
    table.add_row(
        "Jeunes 16-25 ans (estimés)", f"{_fmt(c['young'].sum())} — {territory.young_method}"
    )
    frr = c["frr_class"].value_counts()
    table.add_row(
        "Classes FRR",
        " ; ".join(f"{FrrClass(k).label} : {_fmt(n)}" for k, n in frr.items()),
    )
    table.add_row(
        "QPV",
        f"{len(territory.qpv)} ({', '.join(territory.qpv['name'].astype(str)) or 'aucun'})",
    )
    types = territory.partners["type"].value_counts()
    table.add_row(
        "Partenaires",
        " ; ".join(f"{PartnerType(k).label} : {_fmt(n)}" for k, n in types.items()),
    )
    unknown = {k: sum(amenity_state(x) is None for x in territory.partners[k]) for k in AMENITIES}
    table.add_row(
        "Équipements « à vérifier » (aucune source ne les indique)",
        " ; ".join(f"{AMENITY_LABELS[k]} : {_fmt(n)} lieu(x)" for k, n in unknown.items()),
    )
    table.add_row(
        "Bases",
        " ; ".join(
            f"{b.name} ({'siège' if b.kind == 'siege' else 'antenne'})" for b in territory.bases
        ),
    )
    table.add_row(
        "Véhicules / équipes",
        ", ".join(
            f"{v.label} ({v.base}{', ' + ' + '.join(v.crew) if v.crew else ''})"
            for v in territory.vans
        ),
    )
    if territory.people:
        table.add_row(
            "Personnes",
            " ; ".join(
                f"{p.name or p.id} ({', '.join(WEEKDAYS_FR[d] for d in p.working_days)})"
                for p in territory.people
            ),
        )
    if territory.maraudes:
        table.add_row(
            "Lieux de maraude",
            " ; ".join(f"{m.name}{' (privé)' if m.private else ''}" for m in territory.maraudes),
        )
    rules = territory.rules
    if rules.partner_pins or rules.events:
        table.add_row(
            "Séances convenues / événements",
            f"{len(rules.partner_pins)} séance(s) épinglée(s) chez des partenaires, "
            f"{len(rules.events)} événement(s)",
        )
    if not territory.activity.empty:
        act = territory.activity
        label = " — données fictives" if territory.activity_synthetic else ""
        table.add_row(
            "Activité enregistrée",
            f"{_fmt(act['sessions'].sum())} séances, {_fmt(act['reperes'].sum())} repérés, "
            f"{_fmt(act['mobilises'].sum())} mobilisés{label}",
        )
    if territory.approximation:
        table.add_row("Approximation", territory.approximation)
    table.add_row("Données (source, édition, origine)", "\n".join(territory.sources))
    return table


def print_summary(territory: Territory, console: Console) -> None:
    console.print(territory_summary(territory))


def territory(
    spec: Annotated[str, typer.Argument(help="Fichier .toml du territoire, ou nom d'une démo.")],
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out"),
    data_dir: DataDir = None,
) -> None:
    """Résumé d'un territoire et export territory.geojson."""
    try:
        t = open_territory(spec, data_dir)
    except MiloError as exc:
        fail(exc)
        return
    print_summary(t, console)
    path = write_territory_geojson(t, out / t.id / "territory.geojson")
    console.print(f"Écrit : {path}")
