"""Calendar identities of visits: a UID that survives re-plans and a SEQUENCE that grows.

A calendar app that subscribed to a plan's iCalendar export keeps its events by UID and takes an
update only when the event's SEQUENCE is higher than the one it holds (RFC 5545, 3.8.7.4). So:

- a visit of a first plan has the UID of its place (:func:`visit_uid`: territory, date, van,
  slot, stop) and SEQUENCE 0 (the fields ``uid`` / ``sequence`` of the visit stay empty / 0:
  the UID is derived);
- a re-plan (:func:`carry`) gives every visit of the new plan its identity explicitly: a kept
  visit keeps the UID and SEQUENCE it had; a moved visit keeps the UID of the visit it replaces
  and its SEQUENCE grows by one; a retimed visit (same session, arrival changed) grows by one;
  an added visit gets the UID of its place and a SEQUENCE above every SEQUENCE of the plan it
  repairs (a place cancelled earlier and planned again must beat the cancellation);
- a removed or cancelled visit is recorded in the plan's ``changes`` with its UID and its
  SEQUENCE plus one, which the export writes as ``STATUS:CANCELLED``.

Re-plans chain (a re-plan of a re-plan...): the identities are carried from plan to plan, so the
SEQUENCE of a visit counts the re-plans that changed it since it was first planned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from planner.itinerary.plan import Plan, PlanChange, Visit
from planner.itinerary.replan_diff import PlanDiff, key


def visit_uid(territory: str, date: dt.date, van: str, slot: str, stop_id: str) -> str:
    """The iCalendar UID of the visit first planned at ``(date, van, slot, stop_id)``."""
    return f"{territory}-{date.isoformat()}-{van}-{slot}-{stop_id}@milo-nomade"


def identity(territory: str, visit: Visit) -> tuple[str, int]:
    """The UID and SEQUENCE of ``visit`` (a derived UID when the plan did not carry one)."""
    uid = visit.uid or visit_uid(territory, visit.date, visit.van, visit.slot, visit.stop_id)
    return uid, visit.sequence


def change_identity(territory: str, change: PlanChange) -> tuple[str, int]:
    """The UID and SEQUENCE of the event a change record stands for (a file written before
    identities were carried: the UID of the change's place and SEQUENCE 1)."""
    if change.uid:
        return change.uid, change.sequence
    return visit_uid(territory, change.date, change.van, change.slot, change.stop_id), 1


def carry(old: Plan, new: Plan, diff: PlanDiff, changes: tuple[PlanChange, ...]) -> Plan:
    """``new`` (a re-plan of ``old``, ``diff`` between them) with the calendar identities of its
    visits and of its removal records (see the module docstring)."""
    territory = old.territory
    before = {key(v): identity(territory, v) for v in old.visits}
    top = max((seq for _, seq in before.values()), default=0)
    after: dict[tuple[dt.date, str, str, str], tuple[str, int]] = {}
    for v in diff.kept:
        after[key(v)] = before[key(v)]
    for _, b in diff.retimed:
        uid, seq = before[key(b)]
        after[key(b)] = (uid, seq + 1)
    for a, b in diff.moved:
        uid, seq = before[key(a)]
        after[key(b)] = (uid, seq + 1)
    for v in diff.added:
        after[key(v)] = (visit_uid(territory, v.date, v.van, v.slot, v.stop_id), top + 1)
    visits = tuple(
        dataclasses.replace(v, uid=after[key(v)][0], sequence=after[key(v)][1]) for v in new.visits
    )
    return dataclasses.replace(
        new, visits=visits, changes=tuple(_with_identity(c, before, after) for c in changes)
    )


def _with_identity(
    c: PlanChange,
    before: dict[tuple[dt.date, str, str, str], tuple[str, int]],
    after: dict[tuple[dt.date, str, str, str], tuple[str, int]],
) -> PlanChange:
    old_key = (c.date, c.van, c.slot, c.stop_id)
    if c.change == "removed":
        uid, seq = before[old_key]
        return dataclasses.replace(c, uid=uid, sequence=seq + 1)
    if c.change == "moved" and c.new_date:
        new_key = (dt.date.fromisoformat(c.new_date), c.new_van, c.new_slot, c.stop_id)
        uid, seq = after[new_key]
        return dataclasses.replace(c, uid=uid, sequence=seq)
    uid, seq = after.get(old_key, before.get(old_key, ("", 0)))
    return dataclasses.replace(c, uid=uid, sequence=seq)
