"""The spec's people, teams, maraude places and partner-type defaults (every approach).

```toml
[[people]]                           # who goes out: an id the Mission Locale chooses
id = "conseillere-a"
name = "Conseillère A"               # optional
working_days = ["lundi", "mardi", "mercredi", "jeudi"]   # default Monday-Friday

[[vans]]
id = "milo-mobile"
base = "le-creusot"
crew = ["conseillere-a", "conseiller-b"]   # optional: the people on board

[[teams]]                            # one or two conseillers, no vehicle
id = "equipe-montceau"
base = "montceau"
mode = "voiture"                     # voiture | transports | pied
crew = ["conseillere-a", "conseillere-c"]
working_days = ["mardi", "jeudi"]    # and start, end, max_drive_minutes, sessions_per_week

[[maraudes]]                         # a public place for street outreach
id = "plessis-nord"
name = "Rives du Plessis, nord"
lon = 4.3712                         # or qpv = "QN07109M" (its point inside the QPV)
lat = 46.6768
private = true                       # optional: keep the exact place off public outputs
session_minutes = 120                # optional

[partner_types.agence_interim]       # override a type's defaults (planner.approaches)
session_minutes = 90
days = ["mardi"]
reperes = 3                          # prior repérés per session
contacts = 6
```

A person is on at most one resource a day; a resource works only the days all its crew work.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from planner.approaches import SESSION_DEFAULTS, SessionDefaults
from planner.errors import InvalidSpecError
from planner.fleet import TRAVEL_MODES, WEEKDAYS_FR, Person, Van
from planner.rules_parse import parse_weekday
from planner.taxonomy import Approach, PartnerType

PEOPLE_KEYS = {"id", "name", "working_days"}
TEAM_KEYS = {
    "id", "base", "working_days", "start", "end", "max_drive_minutes", "sessions_per_week",
    "mode", "crew",
}  # fmt: skip
MARAUDE_KEYS = {"id", "name", "lon", "lat", "qpv", "private", "session_minutes"}
TYPE_KEYS = {"session_minutes", "days", "reperes", "contacts", "approach"}


@dataclass(frozen=True)
class MaraudeEntry:
    """A ``[[maraudes]]`` table as written: a point, or a QPV code the loader places."""

    id: str
    name: str
    lon: float | None
    lat: float | None
    qpv: str
    private: bool
    session_min: int


def _keys(table: dict[str, Any], allowed: set[str], section: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InvalidSpecError(
            f"Clé(s) inconnue(s) {unknown} dans [{section}] du fichier de territoire.",
            hint=f"Clés possibles : {', '.join(sorted(allowed))} (voir le README).",
        )


def _text(table: dict[str, Any], key: str, section: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidSpecError(
            f"{section}.{key} : texte attendu, reçu {value!r}.",
            hint=f'Écrivez par exemple {key} = "..." dans [{section}].',
        )
    return value.strip()


def _days(value: Any, key: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidSpecError(
            f"{key} : liste de jours attendue, reçu {value!r}.",
            hint='Par exemple working_days = ["mardi", "jeudi"].',
        )
    return tuple(sorted({parse_weekday(day, key) for day in value}))


def parse_crew(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise InvalidSpecError(
            f"{key} : liste d'identifiants de personnes attendue, reçu {value!r}.",
            hint='Par exemple crew = ["conseillere-a", "conseiller-b"] (voir [[people]]).',
        )
    return tuple(value)


def parse_people(tables: list[dict[str, Any]]) -> tuple[Person, ...]:
    """The ``[[people]]`` tables."""
    people = []
    for i, table in enumerate(tables):
        section = f"people[{i}]"
        _keys(table, PEOPLE_KEYS, "people")
        days = table.get("working_days", list(WEEKDAYS_FR[:5]))
        people.append(
            Person(
                id=_text(table, "id", section),
                name=str(table.get("name", "")),
                working_days=_days(days, f"{section}.working_days"),
            )
        )
    return tuple(people)


def team_from(van: Van, table: dict[str, Any], section: str) -> Van:
    """The team of ``[[teams]]`` ``table``, from the van its common keys made."""
    mode = table.get("mode", "voiture")
    if mode not in TRAVEL_MODES:
        raise InvalidSpecError(
            f"{section}.mode : mode {mode!r} inconnu (attendu {', '.join(TRAVEL_MODES)}).",
            hint='Par exemple mode = "pied" pour une équipe qui se déplace à pied.',
        )
    return dataclasses.replace(van, kind="equipe", mode=mode)


def check_crews(vans: tuple[Van, ...], people: tuple[Person, ...]) -> None:
    """Every crew member is a declared person."""
    known = {p.id for p in people}
    for van in vans:
        unknown = sorted(set(van.crew) - known)
        if unknown:
            raise InvalidSpecError(
                f"{van.label} : personne(s) {', '.join(unknown)} absente(s) de [[people]].",
                hint=f"Personnes déclarées : {', '.join(sorted(known)) or 'aucune'} ; ajoutez "
                "une section [[people]] par personne.",
            )
    ids = [p.id for p in people]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidSpecError(
            f"people.id : identifiants en double {twice}.", hint="Donnez des id uniques."
        )


def parse_maraudes(tables: list[dict[str, Any]]) -> tuple[MaraudeEntry, ...]:
    """The ``[[maraudes]]`` tables."""
    out = []
    for i, table in enumerate(tables):
        section = f"maraudes[{i}]"
        _keys(table, MARAUDE_KEYS, "maraudes")
        mid = _text(table, "id", section)
        has_point = "lon" in table or "lat" in table
        qpv = str(table.get("qpv", ""))
        if not has_point and not qpv:
            raise InvalidSpecError(
                f"{section} ({mid}) : donnez lon et lat, ou qpv (le code du quartier).",
                hint='Par exemple qpv = "QN07109M", ou lon = 4.37, lat = 46.68.',
            )
        lon, lat = table.get("lon"), table.get("lat")
        if has_point and not all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in (lon, lat)
        ):
            raise InvalidSpecError(
                f"{section} ({mid}) : lon et lat numériques attendus, reçu {lon!r}, {lat!r}.",
                hint="Écrivez lon = 4.37 et lat = 46.68 (degrés décimaux).",
            )
        private = table.get("private", False)
        if not isinstance(private, bool):
            raise InvalidSpecError(
                f"{section}.private : true ou false attendu, reçu {private!r}.",
                hint="private = true garde le lieu exact hors des sorties publiques.",
            )
        minutes = table.get("session_minutes", 120)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 30 <= minutes <= 600:
            raise InvalidSpecError(
                f"{section}.session_minutes : {minutes!r} invalide (attendu 30 à 600 min).",
                hint="Par exemple session_minutes = 120.",
            )
        out.append(
            MaraudeEntry(
                id=mid,
                name=_text(table, "name", section),
                lon=float(lon) if has_point else None,  # type: ignore[arg-type]
                lat=float(lat) if has_point else None,  # type: ignore[arg-type]
                qpv=qpv,
                private=private,
                session_min=minutes,
            )
        )
    ids = [m.id for m in out]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidSpecError(
            f"maraudes.id : identifiants en double {twice}.", hint="Donnez des id uniques."
        )
    return tuple(out)


def parse_partner_types(table: Any) -> dict[str, SessionDefaults]:
    """``[partner_types.<type>]`` overrides on top of :data:`SESSION_DEFAULTS`."""
    if not isinstance(table, dict):
        raise InvalidSpecError(
            "[partner_types] : table attendue.", hint="Écrivez [partner_types.agence_interim]."
        )
    types = {t.value for t in PartnerType}
    out: dict[str, SessionDefaults] = {}
    for name, values in table.items():
        section = f"partner_types.{name}"
        if name not in types:
            raise InvalidSpecError(
                f"[{section}] : type de partenaire {name!r} inconnu.",
                hint=f"Types : {', '.join(sorted(types))}.",
            )
        if not isinstance(values, dict):
            raise InvalidSpecError(f"[{section}] : table attendue.", hint="Voir le README.")
        _keys(values, TYPE_KEYS, section)
        base = SESSION_DEFAULTS.get(name) or SessionDefaults(
            120, (0, 1, 2, 3, 4), Approach.ACTEURS_PROXIMITE.value, 1.0, 3.0, ""
        )
        changes: dict[str, Any] = {"grounds": "valeurs du territoire (spécification)"}
        if "session_minutes" in values:
            changes["session_min"] = values["session_minutes"]
        if "days" in values:
            changes["best_days"] = _days(values["days"], f"{section}.days")
        for key in ("reperes", "contacts"):
            if key in values:
                value = values[key]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise InvalidSpecError(
                        f"{section}.{key} : nombre attendu, reçu {value!r}.",
                        hint=f"Par exemple {key} = 3 (par séance).",
                    )
                changes[key] = float(value)
        if "approach" in values:
            changes["approach"] = values["approach"]
        try:
            out[name] = dataclasses.replace(base, **changes)
        except InvalidSpecError as exc:
            raise InvalidSpecError(f"[{section}] : {exc.message}", hint=exc.hint) from None
    return out
