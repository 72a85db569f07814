"""The « Planifier » form: its values, read from a territory or a posted form, as a
:class:`~api.service.schemas.plans.PlanCreate` body, and its errors in French.

The form holds what ``PlanCreate`` accepts: start, weeks, time limit, the open-partner rule,
each van's or team's working days and caps (``vans``), and the rules ``access_minutes``,
``exclude``, ``pins`` and ``frequency``. A value equal to the territory's is not sent (the plan
keeps the territory's rule); a value that differs replaces it for this plan. Posted texts are
kept as they came, so that a refused form is shown again with what the manager typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.service.errors import message_fr
from planner.fleet import RESOURCE_LABELS, WEEKDAYS_FR
from planner.itinerary.calendar import MAX_WEEKS
from planner.rules import FREQUENCIES
from planner.territory import Territory

DEFAULT_WEEKS = 4
#: empty pin and frequency rows offered below the territory's own
SPARE_ROWS = 3
#: rows read from a posted form, at most
MAX_ROWS = 30
FREQUENCY_FR = {
    "weekly": "chaque semaine",
    "fortnightly": "toutes les deux semaines",
    "monthly": "toutes les quatre semaines",
    "once": "une fois",
}
#: frequencies a pin may take (a pinned stop repeats)
PIN_FREQUENCIES = FREQUENCIES[:3]
FIELD_FR = {
    "start": "Date de début",
    "weeks": "Nombre de semaines",
    "time_limit": "Limite de calcul",
    "require_host": "Partenaire ouvert",
    "rules": "Règles",
    "access_minutes": "Temps d'accès",
    "exclude": "Communes exclues",
    "pins": "Arrêts épinglés",
    "frequency": "Fréquences imposées",
    "working_days": "jours travaillés",
    "max_drive_minutes": "conduite par jour",
    "sessions_per_week": "séances par semaine",
}
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_DECIMAL = re.compile(r"[+-]?\d{1,9}[.,]\d{1,6}")


def next_monday(today: dt.date) -> dt.date:
    """The Monday after ``today`` (a week ahead when today is a Monday)."""
    return today + dt.timedelta(days=7 - today.weekday())


@dataclass
class VanRow:
    """One van or team of the form: its working days and caps as typed."""

    id: str
    label: str
    days: list[str]
    max_drive: str = ""
    sessions: str = ""


@dataclass
class PlanForm:
    """The values of the form, as texts (what the page shows back)."""

    start: str
    weeks: str
    time_limit: str
    access_minutes: str
    require_host: bool
    vans: list[VanRow]
    exclude: list[str]
    pins: list[dict[str, str]]
    frequencies: list[dict[str, str]]
    errors: list[tuple[str, str]] = field(default_factory=list)

    def invalid(self, name: str) -> bool:
        """Whether an error names the field ``name`` (its label in :data:`FIELD_FR`)."""
        label = FIELD_FR.get(name, name)
        return any(where.startswith(label) for where, _ in self.errors)


def _van_label(territory: Territory, van_id: str) -> str:
    van = next(v for v in territory.vans if v.id == van_id)
    return van.label if van.kind == "equipe" else f"{RESOURCE_LABELS[van.kind]} {van.id}"


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def territory_pins(territory: Territory) -> list[dict[str, str]]:
    return [
        {
            "commune": p.commune,
            "weekday": WEEKDAYS_FR[p.weekday],
            "slot": p.slot,
            "van": p.van or "",
            "frequency": p.frequency,
        }
        for p in territory.rules.pins
    ]


def territory_frequencies(territory: Territory) -> list[dict[str, str]]:
    return [
        {"commune": code, "frequency": value}
        for code, value in sorted(territory.rules.frequency.items())
    ]


def _spare(rows: list[dict[str, str]], keys: tuple[str, ...]) -> list[dict[str, str]]:
    return rows + [dict.fromkeys(keys, "") for _ in range(SPARE_ROWS)]


PIN_KEYS = ("commune", "weekday", "slot", "van", "frequency")
#: pin keys sent even when empty (the schema says what is missing); van and frequency have
#: defaults
REQUIRED_PIN = ("commune", "weekday", "slot")
FREQ_KEYS = ("commune", "frequency")


def defaults(territory: Territory, *, today: dt.date, time_limit: float) -> PlanForm:
    """The form as it opens: next Monday, 4 weeks, the territory's days, caps and rules."""
    return PlanForm(
        start=next_monday(today).isoformat(),
        weeks=str(min(DEFAULT_WEEKS, MAX_WEEKS)),
        time_limit=f"{time_limit:g}",
        access_minutes=str(territory.rules.access_min),
        require_host=False,
        vans=[
            VanRow(
                v.id,
                _van_label(territory, v.id),
                [WEEKDAYS_FR[d] for d in v.working_days],
                _text(v.max_drive_min),
                _text(v.sessions_per_week),
            )
            for v in territory.vans
        ],
        exclude=sorted(territory.rules.exclude),
        pins=_spare(territory_pins(territory), PIN_KEYS),
        frequencies=_spare(territory_frequencies(territory), FREQ_KEYS),
    )


def _one(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _rows(form: FormData, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows ``prefix-<i>-<key>`` of the form that have a commune, then spare rows."""
    rows = []
    for i in range(MAX_ROWS):
        row = {k: _one(form, f"{prefix}-{i}-{k}") for k in keys}
        if row["commune"]:
            rows.append(row)
    return _spare(rows, keys)


def read_form(form: FormData, territory: Territory) -> PlanForm:
    """The values of a posted form (texts kept as typed)."""
    vans = []
    for i, v in enumerate(territory.vans):
        days = [d for d in form.getlist(f"van-{i}-day") if isinstance(d, str)]
        vans.append(
            VanRow(
                v.id,
                _van_label(territory, v.id),
                days,
                _one(form, f"van-{i}-drive"),
                _one(form, f"van-{i}-sessions"),
            )
        )
    return PlanForm(
        start=_one(form, "start"),
        weeks=_one(form, "weeks"),
        time_limit=_one(form, "time_limit"),
        access_minutes=_one(form, "access_minutes"),
        require_host=_one(form, "require_host") == "oui",
        vans=vans,
        exclude=[c for c in form.getlist("exclude") if isinstance(c, str) and c],
        pins=_rows(form, "pin", PIN_KEYS),
        frequencies=_rows(form, "freq", FREQ_KEYS),
    )


def number(text: str) -> Any:
    """A typed number as a number (``1,5`` reads 1.5), else the text itself, so that the
    schema says what was expected."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text.replace(",", "."))
    return text


def _cap(text: str, current: int | None) -> tuple[bool, Any]:
    """(send it, value) of a van cap: an emptied field removes the territory's cap."""
    if not text:
        return current is not None, None
    value = number(text)
    return value != current, value


def _van_caps(row: VanRow, territory: Territory, index: int) -> dict[str, Any]:
    van = territory.vans[index]
    out: dict[str, Any] = {}
    if sorted(row.days, key=_day_order) != [WEEKDAYS_FR[d] for d in van.working_days]:
        out["working_days"] = row.days
    for key, text, current in (
        ("max_drive_minutes", row.max_drive, van.max_drive_min),
        ("sessions_per_week", row.sessions, van.sessions_per_week),
    ):
        send, value = _cap(text, current)
        if send:
            out[key] = value
    return out


def _day_order(name: str) -> int:
    return WEEKDAYS_FR.index(name) if name in WEEKDAYS_FR else len(WEEKDAYS_FR)


def _used(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["commune"]]


def plan_body(values: PlanForm, territory: Territory) -> dict[str, Any]:
    """The ``PlanCreate`` body of the form: only what differs from the territory."""
    body: dict[str, Any] = {"start": values.start, "weeks": number(values.weeks)}
    if values.time_limit:
        body["time_limit"] = number(values.time_limit)
    if values.require_host:
        body["require_host"] = True
    rules: dict[str, Any] = {}
    if values.access_minutes and number(values.access_minutes) != territory.rules.access_min:
        rules["access_minutes"] = number(values.access_minutes)
    if set(values.exclude) != set(territory.rules.exclude):
        rules["exclude"] = sorted(set(values.exclude))
    pins = _used(values.pins)
    if pins != territory_pins(territory):
        rules["pins"] = [{k: v for k, v in p.items() if v or k in REQUIRED_PIN} for p in pins]
    frequencies = _used(values.frequencies)
    if frequencies != territory_frequencies(territory):
        rules["frequency"] = {r["commune"]: r["frequency"] for r in frequencies}
    if rules:
        body["rules"] = rules
    vans = {
        row.id: caps for i, row in enumerate(values.vans) if (caps := _van_caps(row, territory, i))
    }
    if vans:
        body["vans"] = vans
    return body


def _where(loc: tuple[Any, ...], values: PlanForm) -> str:
    """The French name of the field an error's location points to."""
    parts = [p for p in loc if p not in ("body",)]
    if not parts:
        return "Formulaire"
    head = str(parts[0])
    if head == "vans" and len(parts) > 1:
        van = next((r.label for r in values.vans if r.id == parts[1]), str(parts[1]))
        tail = f", {FIELD_FR.get(str(parts[2]), str(parts[2]))}" if len(parts) > 2 else ""
        return f"{van}{tail}"
    if head == "rules" and len(parts) > 1:
        name = FIELD_FR.get(str(parts[1]), str(parts[1]))
        if len(parts) > 2 and isinstance(parts[2], int):
            return f"{name}, ligne {parts[2] + 1}"
        return name
    return FIELD_FR.get(head, head)


def validation_errors(exc: ValidationError, values: PlanForm) -> list[tuple[str, str]]:
    """(field, message) pairs in French for a refused ``PlanCreate``."""
    return [(_where(tuple(e.get("loc", ())), values), message_fr(e)) for e in exc.errors()]
