"""Territory spec (TOML): parse and check every key; unknown keys are errors naming the fix.

```toml
[territory]
id = "marches-de-bourgogne"          # required, lower-case slug
name = "Marches de Bourgogne"        # required
epci = ["242101491"]                 # EPCI SIREN codes (all member communes)
communes = ["21425"]                 # and/or INSEE codes of current communes
approximation = "..."                # optional: say how this perimeter approximates reality

[[bases]]                            # at least one
id = "montbard"
name = "Mission Locale, Montbard"
commune = "21425"                    # the town hall point, or lon = ..., lat = ...
kind = "siege"                       # siege | antenne

[[vans]]                             # at least one
id = "van-1"
base = "montbard"
working_days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
start = "08:00"
end = "18:00"
max_drive_minutes = 180              # optional: driving per day at most (1 .. shift length)
sessions_per_week = 8                # optional: sessions per week at most (1 .. days x slots)

[calendar]                           # optional
setup_minutes = 30
school_zone = "A"
slots = [{ name = "matin", start = "09:00", end = "12:00" },
         { name = "apres-midi", start = "14:00", end = "17:00" }]

[data]                               # optional user files, relative to the spec file
partners = "partenaires.csv"
activity = "activite.csv"
young = "population-16-25.csv"

[planning]                           # optional: what the manager decides
access_minutes = 15                  # 1-120: a stop serves the communes this close by car
exploration_share = 0.2              # 0-1: share of sessions kept for exploring
exclude = ["21425"]                  # communes never planned ("exclue par le responsable")

[[planning.pins]]                    # a stop held on a weekday and slot (market day)
commune = "21154"
weekday = "jeudi"                    # a working day of the van (of some van without van)
slot = "matin"                       # a slot name of [calendar]
van = "van-1"                        # optional: this van only
frequency = "weekly"                 # optional: weekly (default), fortnightly, monthly

[planning.frequency]                 # forced frequency: weekly, fortnightly, monthly, once
"21154" = "weekly"

[planning.forbid]                    # frequencies a commune must not get; the next lower
"21425" = ["weekly"]                 # allowed one replaces a forbidden one
```

People, teams, maraude places and partner-type defaults: :mod:`geo_data.spec_approaches`;
the public contact (``[contact]``): :mod:`geo_data.spec_contact`;
partner pins and events (``[[planning.partner_pins]]``, ``[[planning.events]]``):
:mod:`planner.rules_sessions`.

A pinned commune is required, gets its pin's frequency and is visited only on its weekday,
slot (and van). The rules are read by :func:`planner.rules_table.parse_rules` (the same keys
as the API's ``rules`` object) and checked against the communes, slots and vans by the loader.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo_data.spec_approaches import (
    TEAM_KEYS,
    MaraudeEntry,
    check_crews,
    parse_crew,
    parse_maraudes,
    parse_partner_types,
    parse_people,
    team_from,
)
from geo_data.spec_contact import parse_contact
from planner.approaches import SessionDefaults
from planner.errors import InvalidSpecError
from planner.fleet import WEEKDAYS_FR, CalendarSettings, Person, Slot, Van, parse_hhmm
from planner.rules import PlanningRules
from planner.rules_table import check_van_caps, parse_rules, parse_van_caps
from planner.territory import Contact

ALLOWED = {
    "": {
        "territory",
        "bases",
        "vans",
        "teams",
        "people",
        "maraudes",
        "partner_types",
        "calendar",
        "data",
        "planning",
        "contact",
    },  # fmt: skip
    "territory": {"id", "name", "epci", "communes", "approximation"},
    "bases": {"id", "name", "commune", "lon", "lat", "kind"},
    "vans": {
        "id",
        "base",
        "working_days",
        "start",
        "end",
        "max_drive_minutes",
        "sessions_per_week",
        "crew",
    },
    "teams": TEAM_KEYS,
    "calendar": {"setup_minutes", "school_zone", "slots"},
    "calendar.slots": {"name", "start", "end"},
    "data": {"partners", "activity", "young"},
}


@dataclass(frozen=True)
class BaseEntry:
    """A ``[[bases]]`` table as written: a commune code or a point (the loader makes the
    :class:`planner.fleet.Base`)."""

    id: str
    name: str
    commune: str | None
    lon: float | None
    lat: float | None
    kind: str


@dataclass(frozen=True)
class TerritorySpec:
    id: str
    name: str
    epci: tuple[str, ...]
    communes: tuple[str, ...]
    bases: tuple[BaseEntry, ...]
    vans: tuple[Van, ...]
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    data: dict[str, Path] = field(default_factory=dict)
    approximation: str = ""
    rules: PlanningRules = field(default_factory=PlanningRules)
    people: tuple[Person, ...] = ()
    maraudes: tuple[MaraudeEntry, ...] = ()
    session_defaults: dict[str, SessionDefaults] = field(default_factory=dict)
    contact: Contact = field(default_factory=Contact)


def _check_keys(table: dict[str, Any], section: str) -> None:
    unknown = sorted(set(table) - ALLOWED[section])
    if unknown:
        where = f"[{section}]" if section else "la racine"
        raise InvalidSpecError(
            f"Clé(s) inconnue(s) {unknown} dans {where} du fichier de territoire.",
            hint=f"Clés possibles : {', '.join(sorted(ALLOWED[section]))} (voir le README).",
        )


def _require(table: dict[str, Any], key: str, section: str, kind: type) -> Any:
    if key not in table:
        raise InvalidSpecError(
            f"Clé obligatoire {section}.{key} absente.",
            hint=f"Ajoutez {key} = ... dans [{section}].",
        )
    value = table[key]
    if not isinstance(value, kind):
        raise InvalidSpecError(
            f"{section}.{key} : type {type(value).__name__} reçu, {kind.__name__} attendu.",
            hint="Voir le README pour le format de chaque clé.",
        )
    return value


def _codes(values: Any, key: str, pattern: str, example: str) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise InvalidSpecError(
            f"{key} : liste attendue, reçu {values!r}.", hint=f'Écrivez {key} = ["{example}"].'
        )
    out = []
    for value in values:
        text = str(value)
        if not re.fullmatch(pattern, text):
            raise InvalidSpecError(
                f"{key} : code {text!r} mal formé (attendu par exemple {example!r}).",
                hint="Écrivez les codes entre guillemets, sans espace.",
            )
        out.append(text)
    return tuple(out)


def _weekday(name: Any, key: str) -> int:
    text = str(name).strip().lower()
    if text in WEEKDAYS_FR:
        return WEEKDAYS_FR.index(text)
    raise InvalidSpecError(
        f"{key} : jour {name!r} inconnu (attendu {', '.join(WEEKDAYS_FR)}).",
        hint="Écrivez les jours en toutes lettres, en minuscules.",
    )


def parse_spec(text: str, *, base_dir: Path | None = None) -> TerritorySpec:
    """Parse and check a territory spec given as TOML text."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidSpecError(
            f"Fichier de territoire illisible : {exc}.", hint="Vérifiez la syntaxe TOML."
        ) from None
    _check_keys(raw, "")
    territory = raw.get("territory")
    if not isinstance(territory, dict):
        raise InvalidSpecError(
            "Section [territory] absente.", hint="Ajoutez [territory] avec id et name."
        )
    _check_keys(territory, "territory")
    tid = _require(territory, "id", "territory", str)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", tid):
        raise InvalidSpecError(
            f"territory.id {tid!r} invalide (attendu minuscules, chiffres et tirets).",
            hint='Par exemple id = "marches-de-bourgogne".',
        )
    epci = _codes(territory.get("epci", []), "territory.epci", r"\d{9}", "242101491")
    communes = _codes(
        territory.get("communes", []), "territory.communes", r"\d[\dAB]\d{3}", "21425"
    )
    if not epci and not communes:
        raise InvalidSpecError(
            "Le territoire ne liste ni EPCI ni commune.",
            hint="Ajoutez epci = [...] et/ou communes = [...] dans [territory].",
        )
    bases = tuple(_parse_base(b, i) for i, b in enumerate(_tables(raw, "bases")))
    if not bases:
        raise InvalidSpecError("Aucune base ([[bases]]).", hint="Déclarez au moins une base.")
    _unique([b.id for b in bases], "bases.id")
    base_ids = {b.id for b in bases}
    vans = tuple(_parse_van(t, i, base_ids) for i, t in enumerate(_tables(raw, "vans")))
    vans += tuple(
        _parse_van(t, i, base_ids, section="teams") for i, t in enumerate(_tables(raw, "teams"))
    )
    if not vans:
        raise InvalidSpecError(
            "Aucun véhicule ([[vans]]) ni équipe ([[teams]]).",
            hint="Déclarez au moins un véhicule ou une équipe.",
        )
    _unique([v.id for v in vans], "vans.id / teams.id")
    people = parse_people(_tables(raw, "people"))
    check_crews(vans, people)
    calendar = _parse_calendar(raw.get("calendar", {}))
    check_van_caps(vans, calendar.slots)
    rules = parse_rules(raw.get("planning", {}), where="planning")
    data_table = raw.get("data", {})
    _check_keys(data_table, "data")
    root = base_dir or Path(".")
    data = {key: (root / str(value)) for key, value in data_table.items()}
    return TerritorySpec(
        id=tid,
        name=_require(territory, "name", "territory", str),
        epci=epci,
        communes=communes,
        bases=bases,
        vans=vans,
        calendar=calendar,
        data=data,
        approximation=str(territory.get("approximation", "")),
        rules=rules,
        people=people,
        maraudes=parse_maraudes(_tables(raw, "maraudes")),
        session_defaults=parse_partner_types(raw.get("partner_types", {})),
        contact=parse_contact(raw.get("contact")),
    )


def read_spec(path: Path) -> TerritorySpec:
    """Read a spec file (the only I/O of this module)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidSpecError(
            f"Fichier de territoire {path} illisible ({exc.strerror}).",
            hint="Vérifiez le chemin du fichier .toml.",
        ) from None
    return parse_spec(text, base_dir=path.parent)


def _tables(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise InvalidSpecError(
            f"{key} : tableau de tables attendu.", hint=f"Écrivez chaque élément sous [[{key}]]."
        )
    return value


def _unique(ids: list[str], key: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise InvalidSpecError(
            f"{key} : identifiants en double {sorted(seen)}.", hint="Donnez des id uniques."
        )


def _parse_base(table: dict[str, Any], i: int) -> BaseEntry:
    _check_keys(table, "bases")
    section = f"bases[{i}]"
    bid = _require(table, "id", section, str)
    has_commune = "commune" in table
    has_point = "lon" in table or "lat" in table
    if has_commune == has_point:
        raise InvalidSpecError(
            f"{section} ({bid}) : donnez soit commune, soit lon et lat.",
            hint='Par exemple commune = "21425" ou lon = 4.33, lat = 47.62.',
        )
    lon = lat = None
    if has_point:
        lon, lat = table.get("lon"), table.get("lat")
        if not all(isinstance(x, int | float) for x in (lon, lat)):
            raise InvalidSpecError(
                f"{section} ({bid}) : lon et lat numériques attendus, reçu {lon!r}, {lat!r}.",
                hint="Écrivez lon = 4.33 et lat = 47.62 (degrés décimaux).",
            )
    return BaseEntry(
        id=bid,
        name=_require(table, "name", section, str),
        commune=str(table["commune"]) if has_commune else None,
        lon=float(lon) if lon is not None else None,
        lat=float(lat) if lat is not None else None,
        kind=str(table.get("kind", "siege")),
    )


def _parse_van(table: dict[str, Any], i: int, base_ids: set[str], *, section: str = "vans") -> Van:
    _check_keys(table, section)
    where = section
    section = f"{section}[{i}]"
    vid = _require(table, "id", section, str)
    base = _require(table, "base", section, str)
    if base not in base_ids:
        raise InvalidSpecError(
            f"{section} ({vid}) : base {base!r} inconnue.",
            hint=f"Bases déclarées : {', '.join(sorted(base_ids))}.",
        )
    days = table.get("working_days", list(WEEKDAYS_FR[:5]))
    if not isinstance(days, list) or not days:
        raise InvalidSpecError(
            f"{section}.working_days : liste de jours attendue.",
            hint='Par exemple working_days = ["lundi", "mardi"].',
        )
    van = Van(
        id=vid,
        base=base,
        working_days=tuple(sorted({_weekday(d, f"{section}.working_days") for d in days})),
        start_min=parse_hhmm(str(table.get("start", "08:00")), key=f"{section}.start"),
        end_min=parse_hhmm(str(table.get("end", "18:00")), key=f"{section}.end"),
        crew=parse_crew(table["crew"], f"{section}.crew") if "crew" in table else (),
        **parse_van_caps(table, section),
    )
    return team_from(van, table, section) if where == "teams" else van


def _parse_calendar(table: dict[str, Any]) -> CalendarSettings:
    if not isinstance(table, dict):
        raise InvalidSpecError("[calendar] : table attendue.", hint="Voir le README.")
    _check_keys(table, "calendar")
    kwargs: dict[str, Any] = {}
    if "setup_minutes" in table:
        kwargs["setup_min"] = int(table["setup_minutes"])
    if "school_zone" in table:
        kwargs["school_zone"] = str(table["school_zone"])
    if "slots" in table:
        slots = []
        for i, slot in enumerate(table["slots"]):
            _check_keys(slot, "calendar.slots")
            key = f"calendar.slots[{i}]"
            slots.append(
                Slot(
                    name=_require(slot, "name", key, str),
                    start_min=parse_hhmm(
                        str(_require(slot, "start", key, str)), key=f"{key}.start"
                    ),
                    end_min=parse_hhmm(str(_require(slot, "end", key, str)), key=f"{key}.end"),
                )
            )
        kwargs["slots"] = tuple(slots)
    return CalendarSettings(**kwargs)
