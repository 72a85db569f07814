"""Repository functions: every read and write of the store goes through here.

Functions take a :class:`~sqlalchemy.orm.Session`; the caller commits. ``save_plan_result``
writes a finished plan (document and visit rows) in the caller's single transaction, so a
failure part-way leaves no partial plan.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.service.db.models import (
    ActivityRow,
    PartnerRow,
    PlanRow,
    TerritoryRow,
    TokenRow,
    VisitRow,
    utcnow,
)
from planner.errors import NotFoundError
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.plan_schema import VISIT

# -- territories ---------------------------------------------------------------------------


def list_territories(s: Session) -> Sequence[TerritoryRow]:
    return s.scalars(select(TerritoryRow).order_by(TerritoryRow.id)).all()


def get_territory(s: Session, territory_id: str) -> TerritoryRow:
    row = s.get(TerritoryRow, territory_id)
    if row is None:
        known = ", ".join(t.id for t in list_territories(s)) or "aucun"
        raise NotFoundError(
            f"Territoire {territory_id!r} inconnu.", hint=f"Territoires enregistrés : {known}."
        )
    return row


def add_territory(
    s: Session,
    *,
    territory_id: str,
    name: str,
    source_kind: str,
    source: str,
    meta: dict[str, Any],
    partners: list[dict[str, Any]],
) -> TerritoryRow:
    row = TerritoryRow(
        id=territory_id,
        name=name,
        source_kind=source_kind,
        source=source,
        meta=meta,
        partners_rev=0,
    )
    s.add(row)
    s.flush()
    for p in partners:
        s.add(PartnerRow(territory_id=territory_id, **p))
    return row


# -- partners --------------------------------------------------------------------------------


def list_partners(s: Session, territory_id: str) -> Sequence[PartnerRow]:
    q = select(PartnerRow).where(PartnerRow.territory_id == territory_id).order_by(PartnerRow.key)
    return s.scalars(q).all()


def get_partner(s: Session, territory_id: str, key: str) -> PartnerRow:
    row = s.scalar(
        select(PartnerRow).where(PartnerRow.territory_id == territory_id, PartnerRow.key == key)
    )
    if row is None:
        raise NotFoundError(
            f"Partenaire {key!r} inconnu dans le territoire {territory_id}.",
            hint="Listez les partenaires avec GET /territories/{id}/partners.",
        )
    return row


def _bump(s: Session, territory_id: str) -> None:
    get_territory(s, territory_id).partners_rev += 1


def create_partner(s: Session, territory_id: str, values: dict[str, Any]) -> PartnerRow:
    row = PartnerRow(territory_id=territory_id, key=f"api-{uuid.uuid4().hex[:10]}", **values)
    s.add(row)
    _bump(s, territory_id)
    s.flush()
    return row


def update_partner(s: Session, territory_id: str, key: str, values: dict[str, Any]) -> PartnerRow:
    row = get_partner(s, territory_id, key)
    for name, value in values.items():
        setattr(row, name, value)
    _bump(s, territory_id)
    s.flush()
    return row


def upsert_partners(
    s: Session, territory_id: str, records: Sequence[dict[str, Any]]
) -> tuple[list[str], list[str]]:
    """Add each record (its ``key`` is the partner id) or replace the stored partner with that
    key, in one partners revision; the keys added and the keys replaced."""
    stored = {r.key: r for r in list_partners(s, territory_id)}
    added: list[str] = []
    replaced: list[str] = []
    for values in records:
        row = stored.get(values["key"])
        if row is None:
            s.add(PartnerRow(territory_id=territory_id, **values))
            added.append(values["key"])
            continue
        for name, value in values.items():
            setattr(row, name, value)
        replaced.append(row.key)
    _bump(s, territory_id)
    s.flush()
    return added, replaced


def delete_partner(s: Session, territory_id: str, key: str) -> None:
    s.delete(get_partner(s, territory_id, key))
    _bump(s, territory_id)
    s.flush()


# -- plans -----------------------------------------------------------------------------------


def create_plan(
    s: Session,
    *,
    territory_id: str,
    start: dt.date,
    weeks: int,
    options: dict[str, Any],
    parent_id: str | None = None,
    changes: list[Any] | None = None,
    base_version: int | None = None,
    created_by: dict[str, Any] | None = None,
) -> PlanRow:
    """A queued draft numbered ``max + 1`` of its territory (the territory row is locked on
    PostgreSQL; on SQLite the number is computed inside the INSERT, under the write lock)."""
    lock_territory(s, territory_id)
    row = PlanRow(
        id=uuid.uuid4().hex,
        territory_id=territory_id,
        status="queued",
        start=start,
        weeks=weeks,
        options=options,
        parent_id=parent_id,
        changes=changes,
        stage="draft",
        version=select(func.coalesce(func.max(PlanRow.version), 0) + 1)
        .where(PlanRow.territory_id == territory_id)
        .scalar_subquery(),
        base_version=base_version,
        created_by=created_by,
    )
    s.add(row)
    s.flush()
    s.refresh(row, ["version"])
    return row


def lock_territory(s: Session, territory_id: str) -> None:
    """Lock the territory row until commit (PostgreSQL ``FOR UPDATE``; SQLite has one writer)."""
    s.execute(select(TerritoryRow.id).where(TerritoryRow.id == territory_id).with_for_update())


def get_plan(s: Session, plan_id: str) -> PlanRow:
    row = s.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(
            f"Plan {plan_id!r} inconnu.",
            hint="Listez les plans du territoire avec GET /territories/{id}/plans.",
        )
    return row


def list_plans(s: Session, territory_id: str) -> Sequence[PlanRow]:
    q = select(PlanRow).where(PlanRow.territory_id == territory_id).order_by(PlanRow.version.desc())
    return s.scalars(q).all()


def plan_state(s: Session, plan_id: str) -> tuple[str, int]:
    """The stage of a plan and the revision of its locks (two small columns: the plan index
    re-checks them often; ``PUT /plans/{id}/locks`` counts its edits in ``locks_rev``)."""
    got = s.execute(select(PlanRow.stage, PlanRow.options).where(PlanRow.id == plan_id)).first()
    if got is None:
        row = get_plan(s, plan_id)
        return row.stage, locks_rev(row)
    return got[0], int((got[1] or {}).get("locks_rev", 0))


def locks_rev(row: PlanRow) -> int:
    """How many times the plan's locks were set (``PUT /plans/{id}/locks``)."""
    return int((row.options or {}).get("locks_rev", 0))


def official_plan(s: Session, territory_id: str) -> PlanRow | None:
    """The territory's published plan (the one conseillers, exports and official figures use),
    or None when no plan is published."""
    q = select(PlanRow).where(PlanRow.territory_id == territory_id, PlanRow.stage == "published")
    return s.scalar(q)


def set_status(
    s: Session, plan_id: str, status: str, *, error: dict[str, str] | None = None
) -> None:
    row = get_plan(s, plan_id)
    row.status = status
    if error is not None:
        row.error = error
    if status in ("done", "failed"):
        row.finished_at = utcnow()


def visit_row(plan_id: str, seq: int, visit: Visit) -> VisitRow:
    """The stored row of ``visit`` (the stored fields of the plan schema; need, FRR class and
    QPV stay in the document)."""
    return VisitRow(
        plan_id=plan_id, seq=seq, **{f.name: getattr(visit, f.name) for f in VISIT.stored}
    )


def save_plan_result(s: Session, plan_id: str, plan: Plan) -> PlanRow:
    """Store the visits and the document of a finished plan (the caller commits once)."""
    row = get_plan(s, plan_id)
    document = plan.to_json()
    for seq, (visit, record) in enumerate(zip(plan.visits, document["visits"], strict=True)):
        stored = visit_row(plan_id, seq, visit)
        s.add(stored)
        s.flush()
        record["id"] = stored.id
    row.document = document
    row.status = "done"
    row.error = None
    row.finished_at = utcnow()
    s.flush()
    return row


def get_visit(s: Session, plan_id: str, visit_id: int) -> VisitRow:
    row = s.get(VisitRow, visit_id)
    if row is None or row.plan_id != plan_id:
        raise NotFoundError(
            f"Visite {visit_id} inconnue dans le plan {plan_id}.",
            hint="Les identifiants de visite sont le champ « id » des visites de GET /plans/{id}.",
        )
    return row


# -- activity --------------------------------------------------------------------------------


def lock_visit(s: Session, visit_id: int) -> None:
    """Serialise the writers of one visit's activity until the caller's commit.

    A no-op ``UPDATE`` of the visit row: PostgreSQL locks that row, SQLite takes its database
    write lock (``SELECT ... FOR UPDATE`` does not lock in SQLite). A second writer waits, then
    reads the first one's committed record, so "created" or "replaced" and the audit's
    ``before`` are exact under concurrency.
    """
    visits = VisitRow.__table__.c
    s.execute(update(VisitRow.__table__).where(visits.id == visit_id).values(seq=visits.seq))


def get_activity(s: Session, visit_id: int) -> ActivityRow | None:
    q = select(ActivityRow).where(ActivityRow.visit_id == visit_id)
    return s.scalar(q.execution_options(populate_existing=True))


def upsert_activity(
    s: Session,
    visit: VisitRow,
    territory_id: str,
    counts: dict[str, Any],
    *,
    at: dt.datetime,
    token_id: int | None,
    role: str,
) -> ActivityRow:
    """The one record of ``visit``: inserted, or replaced with ``revision + 1``.

    ``INSERT ... ON CONFLICT (visit_id) DO UPDATE`` (SQLite and PostgreSQL): a concurrent
    writer never meets the unique constraint, whatever the caller locked.
    """
    values = counts | {"recorded_at": at, "recorded_by": token_id, "recorded_role": role}
    dialect = s.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(ActivityRow).values(
        visit_id=visit.id, plan_id=visit.plan_id, territory_id=territory_id, revision=1, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ActivityRow.visit_id],
        set_=values | {"revision": ActivityRow.revision + 1},
    )
    s.execute(stmt)
    row = get_activity(s, visit.id)
    assert row is not None  # just written in this transaction
    return row


def delete_activity(s: Session, row: ActivityRow) -> None:
    s.delete(row)
    s.flush()


def list_activity(s: Session, territory_id: str) -> Sequence[tuple[ActivityRow, VisitRow]]:
    """Every record of a territory with its visit, by date, slot start and van."""
    visits = VisitRow.__table__.c
    q = (
        select(ActivityRow, VisitRow)
        .join(VisitRow, visits.id == ActivityRow.visit_id)
        .where(ActivityRow.territory_id == territory_id)
        .order_by(visits.date, visits.start_s, visits.van, ActivityRow.id)
    )
    return [(a, v) for a, v in s.execute(q).all()]


def plan_visits_activity(s: Session, plan_id: str) -> list[tuple[VisitRow, ActivityRow | None]]:
    """Every visit of a plan with its activity record (or None), in the plan's order."""
    visits = VisitRow.__table__.c
    q = (
        select(VisitRow, ActivityRow)
        .outerjoin(ActivityRow, ActivityRow.visit_id == visits.id)
        .where(visits.plan_id == plan_id)
        .order_by(visits.seq)
    )
    return [(v, a) for v, a in s.execute(q).all()]


def activity_totals(s: Session, territory_id: str) -> dict[str, int]:
    """Sessions (visits with recorded activity), contacts, repérés, mobilisés of a territory.

    Only the records of the official plan's visits count: a superseded plan's record of the
    same half-day is not counted a second time.
    """
    official = official_plan(s, territory_id)
    if official is None:
        return {"sessions": 0, "contacts": 0, "reperes": 0, "mobilises": 0}
    q = select(
        func.count(ActivityRow.id),
        func.coalesce(func.sum(ActivityRow.contacts), 0),
        func.coalesce(func.sum(ActivityRow.reperes), 0),
        func.coalesce(func.sum(ActivityRow.mobilises), 0),
    ).where(
        ActivityRow.territory_id == territory_id,
        ActivityRow.plan_id == official.id,
    )
    sessions, contacts, reperes, mobilises = s.execute(q).one()
    return {
        "sessions": int(sessions),
        "contacts": int(contacts),
        "reperes": int(reperes),
        "mobilises": int(mobilises),
    }


# -- tokens ----------------------------------------------------------------------------------


def add_token(
    s: Session,
    *,
    token_hash: str,
    role: str,
    territory_id: str | None,
    label: str = "",
    expires_at: dt.datetime | None = None,
    created_by: str | None = None,
) -> TokenRow:
    row = TokenRow(
        token_hash=token_hash,
        role=role,
        territory_id=territory_id,
        label=label,
        expires_at=expires_at,
        created_by=created_by,
    )
    s.add(row)
    s.flush()
    return row


def get_token(s: Session, token_id: int) -> TokenRow:
    row = s.get(TokenRow, token_id)
    if row is None:
        raise NotFoundError(
            f"Jeton {token_id} inconnu.",
            hint="Voir les identifiants avec « milo token list » ou GET /territories/{id}/tokens.",
        )
    return row


def list_tokens(
    s: Session, *, territory_id: str | None = None, role: str | None = None
) -> Sequence[TokenRow]:
    query = select(TokenRow).order_by(TokenRow.id)
    if territory_id is not None:
        query = query.where(TokenRow.territory_id == territory_id)
    if role is not None:
        query = query.where(TokenRow.role == role)
    return s.scalars(query).all()


def touch_token(s: Session, token_id: int, now: dt.datetime, *, every_s: float) -> bool:
    """Set ``last_used_at`` to ``now`` unless it was set less than ``every_s`` ago (one
    conditional UPDATE, so concurrent processes write it at most once per period)."""
    since = now - dt.timedelta(seconds=every_s)
    done = s.execute(
        update(TokenRow)
        .where(TokenRow.id == token_id)
        .where((TokenRow.last_used_at.is_(None)) | (TokenRow.last_used_at < since))
        .values(last_used_at=now)
        # no evaluation against the session's rows (SQLite gives their dates back naive)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


def find_token(s: Session, token_hash: str) -> TokenRow | None:
    return s.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash))


def carry_activity(s: Session, from_plan_id: str, to_plan_id: str) -> int:
    """Move the activity records of ``from_plan_id`` to the same visits (date, van, slot, stop)
    of ``to_plan_id``, which replaces it as the published plan: the counts of sessions that the
    new version keeps stay official. A record whose visit the new version does not have stays on
    the archived plan (listed, not counted). Returns how many records moved."""
    c = VisitRow.__table__.c
    fields = (c.id, c.date, c.van, c.slot, c.stop_id)
    old = {r[0]: tuple(r[1:]) for r in s.execute(select(*fields).where(c.plan_id == from_plan_id))}
    new = {tuple(r[1:]): r[0] for r in s.execute(select(*fields).where(c.plan_id == to_plan_id))}
    taken = set(s.scalars(select(ActivityRow.visit_id).where(ActivityRow.plan_id == to_plan_id)))
    moved = 0
    for row in s.scalars(select(ActivityRow).where(ActivityRow.plan_id == from_plan_id)).all():
        target = new.get(old.get(row.visit_id, ()))
        if target is None or target in taken:
            continue
        row.visit_id, row.plan_id = target, to_plan_id
        taken.add(target)
        moved += 1
    s.flush()
    return moved
