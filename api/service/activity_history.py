"""The loop closes: the counts recorded on visits join the territory's activity history.

A plan job learns its expected repérés and contacts per session from ``territory.activity``
(:func:`planner.workflows.expected.expected_table`; the seed or imported history, columns
:data:`planner.territory.ACTIVITY_COLUMNS`). :func:`recorded_history` turns the records of the
territory's published plans (any version, archived ones too: a record stays on the visit it was
entered for, or moves with it to the next version, so each visit counts once) into history
rows, and :func:`with_recorded` merges them into the territory the job plans on:

- one row per visit: ``period_start = period_end`` = the visit's date, one session;
- ``place_id`` as the history names places: the commune's INSEE code for a van stop (the stop
  id), the partner id of a partner session (``partenaire-<id>``), the place id of a maraude
  (``maraude-<id>``), the event id of an event (``evenement-<id>``); ``commune``: the visit's;
- the record's approach, contacts and repérés; ``mobilises`` at most the repérés (the history's
  rule; a record may mobilise a young person already known, :class:`~api.service.schemas.
  activity.ActivityCreate`: the expectation learns repérés and contacts only);
- a record whose session the history already holds (same day, commune and approach, a one-day
  row: an activity file that includes the app's reports) is left out, never counted twice;
  so is one dated after today or in a commune the territory no longer has.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.service.db.models import ActivityRow, PlanRow, VisitRow
from planner.territory import ACTIVITY_COLUMNS, Territory
from planner.workflows.territory_arrays import commune_codes

#: stop id prefixes of the sessions that are not van stops -> the history's place id is the rest
PLACE_PREFIXES = ("partenaire-", "maraude-", "evenement-")
#: plan stages whose visits took counts (only the official plan takes them; it is archived when
#: the next version is published)
COUNTED_STAGES = ("published", "archived")


def place_of(stop_id: str) -> str:
    """The history's ``place_id`` of a visit's stop (see the module docstring)."""
    for prefix in PLACE_PREFIXES:
        if stop_id.startswith(prefix):
            return stop_id[len(prefix) :]
    return stop_id


def recorded_fingerprint(s: Session, territory_id: str) -> tuple[int, int, str]:
    """What changes whenever a record of the territory is written, corrected or deleted (how
    many, their revisions, the last write): a value derived from :func:`recorded_history` and
    cached is rebuilt when this changes."""
    count, revisions, last = s.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ActivityRow.revision), 0),
            func.max(ActivityRow.recorded_at),
        ).where(ActivityRow.territory_id == territory_id)
    ).one()
    return int(count), int(revisions), str(last)


def recorded_history(s: Session, territory_id: str) -> pd.DataFrame:
    """The territory's recorded visit counts as history rows (:data:`ACTIVITY_COLUMNS`), by
    date."""
    visits = VisitRow.__table__.c
    q = (
        select(ActivityRow, VisitRow)
        .join(VisitRow, visits.id == ActivityRow.visit_id)
        .join(PlanRow, PlanRow.id == ActivityRow.plan_id)
        .where(ActivityRow.territory_id == territory_id, PlanRow.stage.in_(COUNTED_STAGES))
        .order_by(visits.date, visits.start_s, ActivityRow.id)
    )
    rows = [
        {
            "period_start": v.date,
            "period_end": v.date,
            "place_id": place_of(str(v.stop_id)),
            "commune": str(v.commune or v.stop_id),
            "approach": a.approach,
            "sessions": 1,
            "contacts": int(a.contacts),
            "reperes": int(a.reperes),
            "mobilises": min(int(a.mobilises), int(a.reperes)),
        }
        for a, v in s.execute(q).all()
    ]
    return pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS))


def _held(history: pd.DataFrame) -> set[tuple[dt.date, str, str]]:
    """(day, commune, approach) of the history's one-day rows."""
    if not len(history):
        return set()
    start = pd.to_datetime(history["period_start"], errors="coerce").dt.date
    end = pd.to_datetime(history["period_end"], errors="coerce").dt.date
    same = start == end
    return set(
        zip(
            start[same],
            history["commune"][same].astype(str),
            history["approach"][same].astype(str),
            strict=True,
        )
    )


def with_recorded(
    territory: Territory, recorded: pd.DataFrame, *, today: dt.date | None = None
) -> Territory:
    """``territory`` whose activity history also holds ``recorded`` (rows the history does not
    already hold, dated up to ``today``, in its communes); unchanged without such rows."""
    if not len(recorded):
        return territory
    today = today or dt.date.today()
    held = _held(territory.activity)
    known = set(commune_codes(territory))
    keep = [
        day <= today and commune in known and (day, commune, approach) not in held
        for day, commune, approach in zip(
            recorded["period_start"], recorded["commune"], recorded["approach"], strict=True
        )
    ]
    new = recorded[keep]
    if not len(new):
        return territory
    base = territory.activity
    parts = [base[list(ACTIVITY_COLUMNS)]] if len(base) else []
    merged = pd.concat([*parts, new], ignore_index=True)
    return dataclasses.replace(territory, activity=merged)
