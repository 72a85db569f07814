"""What the Activité page and the phone's « Bilan de séance » share: a started session of the
official plan with its record (:class:`Held`), what a person typed in its form
(:class:`Entry`) and how it becomes the API's body (:func:`checked`, the API's French
messages), and the partners a report may name as met (:func:`partner_choices`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service.db import repo
from api.service.db.models import ActivityRow, AuditRow, PartnerRow, PlanRow, VisitRow
from api.service.errors import message_fr
from api.service.routes.activity import started, target_of
from api.service.schemas.activity import ActivityCreate
from api.service.week_locks import locked_week, monday_of
from api.web.routes.activity_locks import locked_mondays
from api.web.routes.journal import actor_fr, people
from maps.plan_input import SLOT_LABELS
from planner.itinerary.plan_fields import hhmm
from planner.session_labels import APPROACH_VALUES, approach_label, resource_label
from planner.taxonomy import PartnerType

#: the counts of a session, as the form names and labels them
COUNTS = (("contacts", "Contacts"), ("reperes", "Repérés"), ("mobilises", "Mobilisés"))
COUNT_LABELS = dict(COUNTS)
APPROACHES = tuple((value, approach_label(value)) for value in APPROACH_VALUES)
WRITES = ("activity.create", "activity.correct")
INTEGER = re.compile(r"[+-]?\d{1,6}")


# -- sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """A started session of the official plan, its record (or None), its last writer and
    whether its week is locked (no entry buttons)."""

    visit: VisitRow
    record: ActivityRow | None
    by: tuple[str, str] | None
    locked: bool = False
    #: the name of the partner met (the record's ``partner_met``), "" when none
    partner: str = ""

    @property
    def when(self) -> str:
        return f"{hhmm(self.visit.start_s)}–{hhmm(self.visit.end_s)}"

    @property
    def slot(self) -> str:
        return SLOT_LABELS.get(self.visit.slot, self.visit.slot)

    @property
    def resource(self) -> str:
        return resource_label(self.visit.resource, self.visit.van)

    @property
    def approach(self) -> str:
        return self.record.approach if self.record is not None else self.visit.approach

    @property
    def approach_label(self) -> str:
        return approach_label(self.approach)


@dataclass
class Entry:
    """What a person typed in a row's form, and why it was refused."""

    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)


def writers(
    s: Session, territory_id: str, pairs: Sequence[tuple[VisitRow, ActivityRow | None]]
) -> dict[int, tuple[str, str]]:
    """Who last entered or corrected each recorded visit (from the audit log; a record older
    than the log, or carried from a previous plan, falls back to its token and role)."""
    recorded = {target_of(v.plan_id, v.id): (v, a) for v, a in pairs if a is not None}
    if not recorded:
        return {}
    q = (
        select(AuditRow)
        .where(
            AuditRow.territory_id == territory_id,
            AuditRow.target.in_(list(recorded)),
            AuditRow.action.in_(WRITES),
        )
        .order_by(AuditRow.id.desc())
    )
    last: dict[str, AuditRow] = {}
    for row in s.scalars(q):
        last.setdefault(row.target, row)
    users = people(s, [r.actor_user_id for r in last.values()])
    out = {}
    for target, (visit, record) in recorded.items():
        entry = last.get(target)
        assert record is not None
        out[visit.id] = (
            actor_fr(users, entry.actor_user_id, entry.actor_token_id, entry.actor_role)
            if entry is not None
            else actor_fr({}, None, record.recorded_by, record.recorded_role)
        )
    return out


def held_sessions(s: Session, plan: PlanRow | None, now: dt.datetime) -> list[Held]:
    """The official plan's started sessions with their records, newest first (none without
    a plan)."""
    if plan is None:
        return []
    pairs = [(v, a) for v, a in repo.plan_visits_activity(s, plan.id) if started(v, now)]
    pairs.sort(key=lambda p: (p[0].date, p[0].start_s, p[0].van), reverse=True)
    by = writers(s, plan.territory_id, pairs)
    locked = locked_mondays(s, plan.territory_id)
    met = partner_names(s, plan.territory_id, [a.partner_met for _, a in pairs if a is not None])
    return [Held(v, a, by.get(v.id), monday_of(v.date) in locked, met_of(a, met)) for v, a in pairs]


def held_one(s: Session, visit: VisitRow) -> Held:
    record = repo.get_activity(s, visit.id)
    territory_id = repo.get_plan(s, visit.plan_id).territory_id
    by = writers(s, territory_id, [(visit, record)]).get(visit.id)
    locked = locked_week(s, territory_id, visit.date) is not None
    met = partner_names(s, territory_id, [record.partner_met] if record is not None else [])
    return Held(visit, record, by, locked, met_of(record, met))


# -- the partner met -------------------------------------------------------------------------


def partner_names(s: Session, territory_id: str, keys: Sequence[str | None]) -> dict[str, str]:
    """The names of the territory's partners ``keys`` (a key no longer stored is left out)."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    q = select(PartnerRow.key, PartnerRow.name).where(
        PartnerRow.territory_id == territory_id, PartnerRow.key.in_(wanted)
    )
    return {str(key): str(name) for key, name in s.execute(q)}


def met_of(record: ActivityRow | None, names: dict[str, str]) -> str:
    """What a row shows of its partner met: its name, or its key when the partner was deleted
    since."""
    if record is None or not record.partner_met:
        return ""
    return names.get(record.partner_met, record.partner_met)


def partner_choices(s: Session, territory_id: str, host: str = "") -> list[tuple[str, str]]:
    """(key, label) of the territory's partners a report may name as met: the session's host
    (by name, as a visit names it) first, then the others by name; labels say the type."""
    q = select(PartnerRow.key, PartnerRow.name, PartnerRow.type).where(
        PartnerRow.territory_id == territory_id
    )
    rows = sorted(s.execute(q).all(), key=lambda r: (r.name != host, r.name.casefold(), r.key))
    return [(str(r.key), f"{r.name} ({PartnerType(r.type).label.lower()})") for r in rows]


def totals(held: Sequence[Held]) -> dict[str, int]:
    recorded = [h.record for h in held if h.record is not None]
    out = {name: sum(getattr(r, name) for r in recorded) for name, _ in COUNTS}
    return out | {"recorded": len(recorded), "held": len(held)}


# -- the form --------------------------------------------------------------------------------


def entry_of(held: Held) -> Entry:
    """The form of a row, filled with its record (or empty counts and the visit's approach)."""
    record = held.record
    values = {name: "" if record is None else str(getattr(record, name)) for name, _ in COUNTS}
    met = "" if record is None else record.partner_met or ""
    return Entry(values | {"approach": held.approach, "partner_met": met})


def checked(entry: Entry) -> ActivityCreate | None:
    """The API's body from the form, or None with ``entry``'s errors (the API's messages)."""
    body: dict[str, Any] = {
        "approach": entry.values["approach"] or None,
        "partner_met": entry.values.get("partner_met") or None,
    }
    for name, label in COUNTS:
        text = entry.values[name].strip()
        if INTEGER.fullmatch(text):
            body[name] = int(text)
            continue
        came = "un champ vide" if not text else f"« {text[:20]} »"
        entry.errors.append(f"{label} : nombre entier attendu, reçu {came} (0 si personne).")
        entry.invalid.add(name)
    if entry.errors:
        return None
    try:
        return ActivityCreate.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            where = str(err["loc"][0]) if err.get("loc") else ""
            message = message_fr(err)
            if where in COUNT_LABELS:
                entry.errors.append(f"{COUNT_LABELS[where]} : {message}.")
                entry.invalid.add(where)
            elif where == "approach":
                entry.errors.append(f"Démarche : {message}.")
                entry.invalid.add(where)
            elif where == "partner_met":
                entry.errors.append(f"Partenaire rencontré : {message}.")
                entry.invalid.add(where)
            else:  # the counts together (repérés or mobilisés above the contacts)
                entry.errors.append(f"{message}.")
                entry.invalid.update(name for name, _ in COUNTS)
        return None
