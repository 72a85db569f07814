"""The manager's partner pins and events as written (``partner_pins``, ``events`` of the rules).

Same table format for the spec's ``[planning]``, the API's ``rules`` and ``plan.json``::

    [[planning.partner_pins]]          # a session agreed with a partner, held by a team
    partner = "interim-montceau"       # a partner id of the territory
    weekday = "jeudi"
    slot = "matin"
    week_of_month = 1                  # optional: the first Thursday of each month (1-5)
    frequency = "monthly"              # without week_of_month: weekly, fortnightly, monthly
    team = "equipe-1"                  # optional: this team only

    [[planning.events]]                # a one-off event (forum, fête, market, match)
    id = "forum-emploi"
    name = "Forum de l'emploi"
    date = 2026-12-09                  # TOML date, or "2026-12-09"
    start = "14:00"
    end = "17:00"
    commune = "71306"                  # its town hall, unless lon and lat are given
    lon = 4.37                         # optional
    lat = 46.67                        # optional
    host = "Espace Jean Jaurès"        # optional
    required = true                    # default: the plan must hold it or say why not
    reperes = 10                       # optional: repérés expected (default: a prior)
    contacts = 30                      # optional

:func:`parse_sessions` checks the form, :func:`check_sessions` checks them against the
territory (partners, communes, slots, teams).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from planner.errors import InvalidSpecError
from planner.fleet import WEEKDAYS_FR, Slot, Van, parse_hhmm
from planner.rules import FREQUENCIES, Event, PartnerPin, PlanningRules
from planner.rules_parse import (
    check_keys,
    check_slot,
    check_worked,
    listed,
    parse_code,
    parse_frequency,
    parse_table,
    parse_text,
    parse_weekday,
)

PARTNER_PIN_KEYS = ("partner", "weekday", "slot", "team", "frequency", "week_of_month")
EVENT_KEYS = (
    "id", "name", "date", "start", "end", "commune", "lon", "lat", "host", "required",
    "reperes", "contacts",
)  # fmt: skip


def _list(value: Any, where: str, section: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise InvalidSpecError(
            f"{where} : liste attendue, reçu {value!r}.",
            hint=f"Écrivez chaque élément sous [[{section}]].",
        )
    return list(value)


def _partner_pin(table: Any, where: str) -> PartnerPin:
    example = '{ partner = "interim-montceau", weekday = "jeudi", slot = "matin" }'
    table = parse_table(table, where, example)
    check_keys(table, PARTNER_PIN_KEYS, where)
    for key in ("partner", "weekday", "slot"):
        if key not in table:
            raise InvalidSpecError(
                f"{where} : clé obligatoire {key} absente.",
                hint="Une séance épinglée donne partner, weekday et slot (team, frequency, "
                "week_of_month en option).",
            )
    team = table.get("team")
    week = table.get("week_of_month")
    if week is not None and (isinstance(week, bool) or not isinstance(week, int)):
        raise InvalidSpecError(
            f"{where}.week_of_month : entier de 1 à 5 attendu, reçu {week!r}.",
            hint="week_of_month = 1 pour « chaque premier jeudi du mois ».",
        )
    try:
        return PartnerPin(
            partner=parse_text(table["partner"], f"{where}.partner", "interim-montceau"),
            weekday=parse_weekday(table["weekday"], f"{where}.weekday"),
            slot=parse_text(table["slot"], f"{where}.slot", "matin"),
            team=None if team is None else parse_text(team, f"{where}.team", "equipe-1"),
            frequency=parse_frequency(
                table.get("frequency", "monthly"), f"{where}.frequency", FREQUENCIES[:3]
            ),
            week_of_month=week,
        )
    except InvalidSpecError as exc:
        raise InvalidSpecError(f"{where} : {exc.message}", hint=exc.hint) from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidSpecError(
            f"{where} : date {value!r} illisible (attendu AAAA-MM-JJ).",
            hint='Écrivez par exemple date = "2026-12-09".',
        ) from None


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSpecError(
            f"{where} : nombre attendu, reçu {value!r}.", hint="Par exemple 4.37 ou 10."
        )
    return float(value)


def _event(table: Any, where: str) -> Event:
    example = '{ id = "forum", name = "Forum", date = "2026-12-09", start = "14:00", ...}'
    table = parse_table(table, where, example)
    check_keys(table, EVENT_KEYS, where)
    for key in ("id", "name", "date", "start", "end", "commune"):
        if key not in table:
            raise InvalidSpecError(
                f"{where} : clé obligatoire {key} absente.",
                hint="Un événement donne id, name, date, start, end et commune.",
            )
    required = table.get("required", True)
    if not isinstance(required, bool):
        raise InvalidSpecError(
            f"{where}.required : true ou false attendu, reçu {required!r}.",
            hint="required = true : le plan doit le tenir ou dire pourquoi.",
        )
    host = table.get("host", "")
    try:
        return Event(
            id=parse_text(table["id"], f"{where}.id", "forum-emploi"),
            name=parse_text(table["name"], f"{where}.name", "Forum de l'emploi"),
            date=_date(table["date"], f"{where}.date"),
            start_min=parse_hhmm(str(table["start"]), key=f"{where}.start"),
            end_min=parse_hhmm(str(table["end"]), key=f"{where}.end"),
            commune=parse_code(table["commune"], f"{where}.commune"),
            lon=_number(table.get("lon"), f"{where}.lon"),
            lat=_number(table.get("lat"), f"{where}.lat"),
            host=parse_text(host, f"{where}.host", "Salle des fêtes") if host else "",
            required=required,
            reperes=_number(table.get("reperes"), f"{where}.reperes"),
            contacts=_number(table.get("contacts"), f"{where}.contacts"),
        )
    except InvalidSpecError as exc:
        if exc.message.startswith(where):
            raise
        raise InvalidSpecError(f"{where} : {exc.message}", hint=exc.hint) from None


def parse_sessions(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The ``partner_pins`` / ``events`` of a rules table as PlanningRules field values."""
    out: dict[str, Any] = {}
    if "partner_pins" in table:
        key = f"{where}.partner_pins"
        items = _list(table["partner_pins"], key, "planning.partner_pins")
        out["partner_pins"] = tuple(_partner_pin(p, f"{key}[{i}]") for i, p in enumerate(items))
    if "events" in table:
        key = f"{where}.events"
        items = _list(table["events"], key, "planning.events")
        events = tuple(_event(e, f"{key}[{i}]") for i, e in enumerate(items))
        ids = [e.id for e in events]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise InvalidSpecError(
                f"{key} : identifiant(s) en double {', '.join(twice)}.",
                hint="Donnez un id unique à chaque événement.",
            )
        out["events"] = events
    return out


def sessions_to_table(rules: PlanningRules) -> dict[str, Any]:
    """``partner_pins`` and ``events`` in the table format (JSON-ready)."""

    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    pins = [
        {
            "partner": p.partner,
            "weekday": WEEKDAYS_FR[p.weekday],
            "slot": p.slot,
            **({"team": p.team} if p.team is not None else {}),
            "frequency": p.frequency,
            **({"week_of_month": p.week_of_month} if p.week_of_month is not None else {}),
        }
        for p in rules.partner_pins
    ]
    events = [
        {
            "id": e.id,
            "name": e.name,
            "date": e.date.isoformat(),
            "start": clock(e.start_min),
            "end": clock(e.end_min),
            "commune": e.commune,
            **({"lon": e.lon, "lat": e.lat} if e.lon is not None else {}),
            **({"host": e.host} if e.host else {}),
            "required": e.required,
            **({"reperes": e.reperes} if e.reperes is not None else {}),
            **({"contacts": e.contacts} if e.contacts is not None else {}),
        }
        for e in rules.events
    ]
    return {"partner_pins": pins, "events": events}


def check_sessions(
    rules: PlanningRules,
    *,
    partners: Iterable[str],
    communes: Iterable[str],
    slots: tuple[Slot, ...],
    vans: tuple[Van, ...],
    where: str = "planning",
) -> None:
    """Raise when a partner pin names a partner, slot or team the territory does not have (or
    a weekday its team does not work), or an event a commune it does not have."""
    known = set(partners)
    slot_names = [s.name for s in slots]
    teams = {v.id: v for v in vans if v.kind == "equipe"}
    seen: set[str] = set()
    for i, pin in enumerate(rules.partner_pins):
        key = f"{where}.partner_pins[{i}]"
        if pin.partner not in known:
            raise InvalidSpecError(
                f"{key}.partner : partenaire {pin.partner!r} inconnu dans le territoire.",
                hint=f"Partenaires du territoire : {listed(known)}.",
            )
        if pin.partner in seen:
            raise InvalidSpecError(
                f"{key} : le partenaire {pin.partner} est épinglé deux fois.",
                hint="Une séance convenue par partenaire (un jour et un créneau).",
            )
        seen.add(pin.partner)
        check_slot(pin.slot, slot_names, key)
        if not teams:
            raise InvalidSpecError(
                f"{key} : aucune équipe dans le territoire pour tenir cette séance.",
                hint="Déclarez une équipe [[teams]] (une ou deux personnes, sans véhicule).",
            )
        if pin.team is not None and pin.team not in teams:
            raise InvalidSpecError(
                f"{key}.team : équipe {pin.team!r} inconnue.",
                hint=f"Équipes du territoire : {listed(teams)}.",
            )
        working = [teams[pin.team]] if pin.team is not None else list(teams.values())
        who = f"l’équipe {pin.team}" if pin.team else "aucune équipe"
        check_worked(pin.weekday, working, who, key)
    codes = set(communes)
    for i, event in enumerate(rules.events):
        if event.commune not in codes:
            raise InvalidSpecError(
                f"{where}.events[{i}].commune : commune {event.commune} inconnue dans le "
                "territoire.",
                hint=f"Communes du territoire : {listed(codes)}.",
            )
