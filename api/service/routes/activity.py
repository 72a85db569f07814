"""Activity of a visit (counts only): record, read, correct, delete; a territory's records.

Rules (README, section API service):

- a record's ``approach`` is the one given (a :class:`planner.taxonomy.Approach` value, else a
  French 422 listing them) or, when absent, the visit's own (stored with the visit);
- one record per visit: ``POST`` creates it (201) or replaces it (200), ``PUT`` corrects an
  existing one, ``DELETE`` removes it; concurrent writers of one visit are serialised
  (:func:`api.service.db.repo.lock_visit`) and the store's upsert never meets the unique
  constraint;
- only the visits of the territory's official plan (:func:`api.service.db.repo.official_plan`)
  whose session has started (visit date and start time, Europe/Paris) take counts;
- a visit whose week the manager has locked (:mod:`api.service.week_locks`) is neither
  recorded, corrected nor deleted (409) until the week is unlocked;
- every create, correction and deletion writes an audit entry (:mod:`api.service.audit`) in
  the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service import audit, week_locks
from api.service.auth import Principal, require_territory
from api.service.clock import NowDep
from api.service.db import repo
from api.service.db.models import ActivityRow, PartnerRow, PlanRow, VisitRow
from api.service.deps import PrincipalDep, SessionDep
from api.service.errors import ConflictError
from api.service.responses import PARIS, clock
from api.service.routes.plan_outputs import done_plan
from api.service.routes.plans import PlanId
from api.service.routes.territories import TerritoryId
from api.service.schemas.activity import ActivitiesPublic, ActivityCreate, ActivityPublic
from api.service.schemas.common import ERRORS, ErrorPublic
from planner.errors import InvalidProblemError, NotFoundError

router = APIRouter(tags=["terrain"], responses=ERRORS)

VisitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Identifiant de la visite.")]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorPublic, "description": "Visite hors du plan officiel."}
}
#: the audited values of a record
AUDITED = ("approach", "contacts", "reperes", "mobilises", "partner_met", "revision")


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC (SQLite stores a datetime's wall clock: store UTC only; a naive value
    read back from SQLite was stored in UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def target_of(plan_id: str, visit_id: int) -> str:
    return f"plans/{plan_id}/visits/{visit_id}/activity"


def snapshot(row: ActivityRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in AUDITED}


def activity_public(row: ActivityRow, visit: VisitRow, official_id: str | None) -> dict:
    return {
        "id": row.id,
        "visit_id": visit.id,
        "plan_id": visit.plan_id,
        "territory_id": row.territory_id,
        "date": visit.date,
        "slot": visit.slot,
        "van": visit.van,
        "stop_id": visit.stop_id,
        "stop_name": visit.stop_name,
        "approach": row.approach,
        "contacts": row.contacts,
        "reperes": row.reperes,
        "mobilises": row.mobilises,
        "partner_met": row.partner_met,
        "recorded_at": utc(row.recorded_at),
        "revision": row.revision,
        "recorded_by": row.recorded_by,
        "recorded_role": row.recorded_role,
        "official": visit.plan_id == official_id,
    }


def _visit(s: Session, who: Principal, plan_id: str, visit_id: int, action: str) -> VisitRow:
    plan = repo.get_plan(s, plan_id)
    require_territory(who, plan.territory_id, action=action)
    done_plan(plan)
    return repo.get_visit(s, plan_id, visit_id)


def _official(s: Session, plan: PlanRow, visit: VisitRow) -> PlanRow:
    """The official plan, which must be ``plan`` (409 otherwise)."""
    official = repo.official_plan(s, plan.territory_id)
    if official is not None and official.id == plan.id:
        return official
    which = (
        f"plan officiel : {official.id}"
        if official is not None
        else "le territoire n'a pas de plan officiel"
    )
    raise ConflictError(
        f"La visite {visit.id} appartient au plan {plan.id}, qui n'est pas le plan officiel du "
        f"territoire {plan.territory_id} ({which}) : son activité ne serait pas comptée.",
        hint=(
            f"Saisissez l'activité sur la visite du même créneau dans le plan officiel "
            f"(GET /plans/{official.id})."
            if official is not None
            else "Attendez qu'un plan du territoire soit le plan officiel."
        ),
    )


def started(visit: VisitRow, now: dt.datetime) -> bool:
    """Whether the visit's session (date and start time, Europe/Paris) has begun at ``now``:
    only such a visit takes counts."""
    return clock(visit.date, visit.start_s) <= now


def _started(visit: VisitRow, now: dt.datetime) -> None:
    """422 unless the visit's session has begun (:func:`started`)."""
    if started(visit, now):
        return
    start = clock(visit.date, visit.start_s)
    here = now.astimezone(PARIS)
    raise InvalidProblemError(
        f"Séance pas encore commencée : la visite {visit.id} ({visit.stop_name or visit.stop_id}"
        f", {visit.slot}) commence le {start:%d/%m/%Y à %H:%M} (heure de Paris) ; il est "
        f"{here:%d/%m/%Y %H:%M}.",
        hint="Saisissez l'activité une fois la séance commencée (une saisie par visite faite).",
    )


def writable(
    s: Session, who: Principal, plan_id: str, visit_id: int, now: dt.datetime
) -> tuple[PlanRow, VisitRow]:
    """The plan and visit ``who`` may record counts for at ``now``: its territory (403), a
    finished plan, the official one (409), a week not locked (409), a started session (422)."""
    plan = repo.get_plan(s, plan_id)
    require_territory(who, plan.territory_id, action="saisir l'activité")
    done_plan(plan)
    visit = repo.get_visit(s, plan_id, visit_id)
    _official(s, plan, visit)
    week_locks.refuse_locked(s, plan.territory_id, visit.date, "saisie des comptes")
    _started(visit, now)
    return plan, visit


def _missing(plan_id: str, visit_id: int) -> NotFoundError:
    return NotFoundError(
        f"Aucune activité saisie pour la visite {visit_id} du plan {plan_id}.",
        hint=f"Saisissez-la d'abord avec POST /{target_of(plan_id, visit_id)}.",
    )


def _partner_of(s: Session, territory_id: str, key: str) -> PartnerRow:
    """The territory's partner ``key`` (the partner met of a record), or the French 422."""
    row = s.scalar(
        select(PartnerRow).where(PartnerRow.territory_id == territory_id, PartnerRow.key == key)
    )
    if row is None:
        raise InvalidProblemError(
            f"Partenaire rencontré inconnu : attendu l'identifiant d'un partenaire du territoire "
            f"{territory_id}, reçu « {key[:100]} ».",
            hint=f"Choisissez-le dans GET /territories/{territory_id}/partners (champ id) ; "
            "sans partenaire rencontré, omettez partner_met ou envoyez null.",
        )
    return row


def _write(
    s: Session,
    who: Principal,
    plan: PlanRow,
    visit: VisitRow,
    body: ActivityCreate,
    now: dt.datetime,
    *,
    must_exist: bool,
) -> tuple[ActivityRow, bool]:
    """Upsert the record under the visit's lock and audit it; ``True`` when created."""
    now = utc(now)
    repo.lock_visit(s, visit.id)
    old = repo.get_activity(s, visit.id)
    if old is None and must_exist:
        raise _missing(plan.id, visit.id)
    before = None if old is None else snapshot(old)
    values = body.model_dump(mode="json")
    if values["partner_met"] is not None:
        _partner_of(s, plan.territory_id, values["partner_met"])
    if values["approach"] is None:  # not given: the approach the plan gave the visit
        values["approach"] = visit.approach
    row = repo.upsert_activity(
        s,
        visit,
        plan.territory_id,
        values,
        at=now,
        token_id=who.token_id,
        role=who.role.value,
    )
    action = "activity.create" if before is None else "activity.correct"
    target = target_of(plan.id, visit.id)
    audit.record(
        s, who, action, target, before, snapshot(row), territory_id=plan.territory_id, at=now
    )
    s.commit()
    return row, before is None


@router.post(
    "/plans/{plan_id}/visits/{visit_id}/activity",
    response_model=ActivityPublic,
    status_code=201,
    responses={200: {"description": "Saisie existante remplacée."}, **CONFLICT},
    summary="Saisir l'activité d'une visite (comptes uniquement ; 201 créée, 200 remplacée)",
)
def record_activity(
    plan_id: PlanId,
    visit_id: VisitId,
    body: ActivityCreate,
    response: Response,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> dict:
    plan, visit = writable(s, who, plan_id, visit_id, now)
    row, created = _write(s, who, plan, visit, body, now, must_exist=False)
    response.status_code = 201 if created else 200
    return activity_public(row, visit, plan.id)


@router.get(
    "/plans/{plan_id}/visits/{visit_id}/activity",
    response_model=ActivityPublic,
    summary="Lire l'activité saisie d'une visite",
)
def read_activity(plan_id: PlanId, visit_id: VisitId, s: SessionDep, who: PrincipalDep) -> dict:
    visit = _visit(s, who, plan_id, visit_id, "lire l'activité")
    row = repo.get_activity(s, visit.id)
    if row is None:
        raise _missing(plan_id, visit_id)
    official = repo.official_plan(s, row.territory_id)
    return activity_public(row, visit, official.id if official else None)


@router.put(
    "/plans/{plan_id}/visits/{visit_id}/activity",
    response_model=ActivityPublic,
    responses=CONFLICT,
    summary="Corriger l'activité saisie d'une visite",
)
def correct_activity(
    plan_id: PlanId,
    visit_id: VisitId,
    body: ActivityCreate,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> dict:
    plan, visit = writable(s, who, plan_id, visit_id, now)
    row, _ = _write(s, who, plan, visit, body, now, must_exist=True)
    return activity_public(row, visit, plan.id)


@router.delete(
    "/plans/{plan_id}/visits/{visit_id}/activity",
    status_code=204,
    summary="Supprimer l'activité saisie d'une visite",
)
def delete_activity(
    plan_id: PlanId, visit_id: VisitId, s: SessionDep, who: PrincipalDep, now: NowDep
) -> Response:
    visit = _visit(s, who, plan_id, visit_id, "supprimer l'activité")
    now = utc(now)
    repo.lock_visit(s, visit.id)
    row = repo.get_activity(s, visit.id)
    if row is None:
        raise _missing(plan_id, visit_id)
    week_locks.refuse_locked(s, row.territory_id, visit.date, "suppression des comptes")
    before = snapshot(row)
    territory_id = row.territory_id
    repo.delete_activity(s, row)
    target = target_of(plan_id, visit_id)
    audit.record(s, who, "activity.delete", target, before, None, territory_id=territory_id, at=now)
    s.commit()
    return Response(status_code=204)


@router.get(
    "/territories/{territory_id}/activity",
    response_model=ActivitiesPublic,
    summary="Activité saisie du territoire, par visite (managers et conseillers)",
)
def territory_activity(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire l'activité saisie")
    repo.get_territory(s, territory_id)
    official = repo.official_plan(s, territory_id)
    official_id = official.id if official else None
    data = [activity_public(a, v, official_id) for a, v in repo.list_activity(s, territory_id)]
    return {
        "territory_id": territory_id,
        "official_plan_id": official_id,
        "totals": repo.activity_totals(s, territory_id),
        "data": data,
        "count": len(data),
    }
