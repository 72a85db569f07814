"""A plan's lifecycle in the store: draft -> published -> archived.

- A new plan or a re-plan is a ``draft`` (the manager's what-if); its job ``status`` is separate.
- ``publish`` makes a finished draft the territory's one ``published`` plan and archives the
  previous one, in the caller's single transaction. Optimistic concurrency: a re-plan records
  the version it started from (``base_version``); a draft can be published only while the plan
  it derives from (through drafts only) is still the published one. Of two drafts re-planned
  from version 3, the first published wins and the second is refused (409, « re-planifiez
  depuis la version 4 »). The territory row is locked (PostgreSQL), the previous plan is
  archived by a conditional UPDATE (its stage must still be ``published``) and a partial unique
  index refuses a second published plan: concurrent publishes never leave two.
- ``archive`` retires a plan (read-only from then on); archiving the published plan leaves the
  territory without official plan.

Functions take a :class:`~sqlalchemy.orm.Session`; the caller commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.service.db import repo
from api.service.db.models import PlanRow, VisitRow, utcnow
from api.service.errors import ConflictError

STAGE_FR = {"draft": "brouillon", "published": "publié", "archived": "archivé"}
RUNNING = ("queued", "running")


def label(row: PlanRow) -> str:
    """« plan <id> (version N, brouillon) »."""
    return f"plan {row.id} (version {row.version}, {STAGE_FR.get(row.stage, row.stage)})"


def origin(s: Session, row: PlanRow) -> PlanRow | None:
    """The first ancestor of ``row`` that is not a draft (None when every ancestor is a draft,
    for example a new plan): a draft stays current while this is the published plan."""
    seen = {row.id}
    parent_id = row.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = repo.get_plan(s, parent_id)
        if parent.stage != "draft":
            return parent
        parent_id = parent.parent_id
    return None


def stale_conflict(row: PlanRow, published: PlanRow | None, *, action: str) -> ConflictError:
    """The French 409 of a draft (or a re-plan) whose starting version is no longer current."""
    start = f"depuis la version {row.base_version}" if row.base_version else "d'un autre plan"
    if published is None:
        hint = "Aucun plan n'est publié : publiez d'abord un plan du territoire, puis re-planifiez."
    else:
        hint = (
            f"Re-planifiez depuis la version {published.version} (plan {published.id}, "
            "POST /plans/{id}/replan) pour partir du plan en vigueur."
        )
    current = "aucune" if published is None else str(published.version)
    return ConflictError(
        f"Impossible de {action} le {label(row)} : il a été re-planifié {start}, mais la version "
        f"publiée est maintenant {current}.",
        hint=hint,
    )


def check_current(s: Session, row: PlanRow, *, action: str) -> PlanRow | None:
    """Refuse (409) a draft derived from a plan that is no longer the published one; return the
    published plan (or None)."""
    published = repo.official_plan(s, row.territory_id)
    root = origin(s, row)
    if root is not None and (published is None or root.id != published.id):
        raise stale_conflict(row, published, action=action)
    return published


def publish(s: Session, plan_id: str, by: dict[str, Any]) -> tuple[PlanRow, PlanRow | None]:
    """Publish a finished draft; returns it and the plan it archived (or None). The activity
    recorded on the archived plan's visits moves to the same visits of the new one
    (:func:`repo.carry_activity`), in the same transaction.

    Publishing the published plan again changes nothing. Raises :class:`ConflictError` (409)
    for a plan not finished, an archived plan, a draft no longer current, or a publish that
    raced another one."""
    row = repo.get_plan(s, plan_id)
    if row.stage == "published":
        return row, None
    if row.status != "done" or row.document is None:
        raise ConflictError(
            f"Impossible de publier le {label(row)} : son calcul n'est pas terminé "
            f"(état : {row.status}).",
            hint="Seul un plan à l'état « done » peut être publié (GET /plans/{id}).",
        )
    if row.stage == "archived":
        raise ConflictError(
            f"Impossible de publier le {label(row)} : un plan archivé reste en lecture seule.",
            hint="Re-planifiez depuis la version publiée pour obtenir un nouveau brouillon.",
        )
    repo.lock_territory(s, row.territory_id)
    published = check_current(s, row, action="publier")
    now = utcnow()
    try:
        if published is not None:
            done = s.execute(
                update(PlanRow)
                .where(PlanRow.id == published.id, PlanRow.stage == "published")
                .values(stage="archived", archived_at=now)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise _raced(row)
        done = s.execute(
            update(PlanRow)
            .where(PlanRow.id == row.id, PlanRow.stage == "draft")
            .values(stage="published", published_at=now, published_by=by)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise _raced(row)
        s.flush()
        if published is not None:
            repo.carry_activity(s, published.id, row.id)
    except IntegrityError:  # the partial unique index: another plan was published meanwhile
        s.rollback()
        raise _raced(row) from None
    s.expire_all()
    return repo.get_plan(s, plan_id), (
        repo.get_plan(s, published.id) if published is not None else None
    )


def _raced(row: PlanRow) -> ConflictError:
    return ConflictError(
        f"Impossible de publier le {label(row)} : un autre plan du territoire vient d'être "
        "publié en même temps.",
        hint="Relisez l'historique (GET /territories/{id}/plans) et re-planifiez depuis la "
        "version publiée.",
    )


def archive(s: Session, plan_id: str) -> PlanRow:
    """Archive a plan whose job is over (archiving an archived plan changes nothing)."""
    row = repo.get_plan(s, plan_id)
    if row.stage == "archived":
        return row
    if row.status in RUNNING:
        raise ConflictError(
            f"Impossible d'archiver le {label(row)} : son calcul est en cours "
            f"(état : {row.status}).",
            hint="Attendez la fin du calcul (GET /plans/{id}), puis archivez-le.",
        )
    repo.lock_territory(s, row.territory_id)
    row.stage = "archived"
    row.archived_at = utcnow()
    s.flush()
    return row


def followed(s: Session, visit: VisitRow) -> VisitRow:
    """The same session (date, van, slot, stop) in the territory's published plan when
    ``visit`` belongs to a version archived since (a report queued on a phone before the
    publication reaches the visit its counts would have moved to, :func:`repo.carry_activity`);
    ``visit`` itself otherwise (a draft's visit is never followed)."""
    plan = s.get(PlanRow, visit.plan_id)
    if plan is None or plan.stage != "archived":
        return visit
    published = repo.official_plan(s, plan.territory_id)
    if published is None:
        return visit
    c = VisitRow.__table__.c
    same = s.scalar(
        select(VisitRow).where(
            c.plan_id == published.id,
            c.date == visit.date,
            c.van == visit.van,
            c.slot == visit.slot,
            c.stop_id == visit.stop_id,
        )
    )
    return visit if same is None else same
