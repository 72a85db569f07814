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

from sqlalchemy import func, select
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


def plan_stage(s: Session, plan_id: str) -> str:
    """The stage of a plan (one column read: the plan index re-checks it often)."""
    stage = s.scalar(select(PlanRow.stage).where(PlanRow.id == plan_id))
    return stage if stage is not None else get_plan(s, plan_id).stage


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


def record_activity(
    s: Session, visit: VisitRow, territory_id: str, counts: dict[str, Any]
) -> ActivityRow:
    """Counts of a visit; recording again replaces the previous counts."""
    row = s.scalar(select(ActivityRow).where(ActivityRow.visit_id == visit.id))
    if row is None:
        row = ActivityRow(visit_id=visit.id, plan_id=visit.plan_id, territory_id=territory_id)
        s.add(row)
    for name, value in counts.items():
        setattr(row, name, value)
    row.recorded_at = utcnow()
    s.flush()
    return row


def activity_totals(s: Session, territory_id: str) -> dict[str, int]:
    """Sessions (visits with recorded activity), contacts, repérés, mobilisés of a territory."""
    q = select(
        func.count(ActivityRow.id),
        func.coalesce(func.sum(ActivityRow.contacts), 0),
        func.coalesce(func.sum(ActivityRow.reperes), 0),
        func.coalesce(func.sum(ActivityRow.mobilises), 0),
    ).where(ActivityRow.territory_id == territory_id)
    sessions, contacts, reperes, mobilises = s.execute(q).one()
    return {
        "sessions": int(sessions),
        "contacts": int(contacts),
        "reperes": int(reperes),
        "mobilises": int(mobilises),
    }


# -- tokens ----------------------------------------------------------------------------------


def add_token(s: Session, *, token_hash: str, role: str, territory_id: str | None) -> TokenRow:
    row = TokenRow(token_hash=token_hash, role=role, territory_id=territory_id)
    s.add(row)
    s.flush()
    return row


def find_token(s: Session, token_hash: str) -> TokenRow | None:
    return s.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash))
