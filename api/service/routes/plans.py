"""Plans: create (background job), list, read, re-plan, cancel a job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.concurrency import run_in_threadpool

from api.service import responses
from api.service.auth import Principal, require_manager, require_territory
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.deps import AppState, PrincipalDep, SessionDep, StateDep
from api.service.errors import ConflictError
from api.service.jobs import state as job_state
from api.service.plan_index import PlanEntry
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.plans import PlanCreate, PlanPublic, PlansPublic, PlanSummary, ReplanCreate
from planner.workflows.rules import with_overrides

router = APIRouter(tags=["plans"], responses=ERRORS)

PlanId = Annotated[
    str,
    Path(
        description="Identifiant du plan.",
        max_length=64,
        examples=["0f3c9a4b7d2e4f1a9b8c7d6e5f4a3b2c"],
    ),
]


def not_ready(plan_id: str, status: str) -> ConflictError:
    return ConflictError(
        f"Le plan {plan_id} n'est pas terminé (état : {status}).",
        hint="Attendez l'état « done » (GET /plans/{id}).",
    )


def readable_plan(s, who: Principal, plan_id: str, *, action: str) -> PlanRow:
    """The plan, if the caller may read its territory."""
    row = repo.get_plan(s, plan_id)
    require_territory(who, row.territory_id, action=action)
    return row


def submit(state: AppState, s, row: PlanRow) -> PlanRow:
    """Commit the queued plan, run or queue its job, and return its current row."""
    s.commit()
    state.jobs.submit(row.id)
    s.refresh(row)
    return row


@router.post(
    "/territories/{territory_id}/plans",
    response_model=PlanSummary,
    status_code=202,
    summary="Calculer un plan (tâche de fond)",
)
def create_plan(
    territory_id: TerritoryId,
    body: PlanCreate,
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> dict:
    require_manager(who, territory_id, action="calculer un plan")
    repo.get_territory(s, territory_id)
    cfg = state.settings
    job_state.check_quota(s, territory_id, cfg.job_quota)
    cap = cfg.time_limit_cap(who.role.value)
    limit = min(body.time_limit or cfg.default_time_limit, cap)
    options = {
        "solver": body.solver,
        "time_limit": limit,
        "seed": body.seed,
        "require_host": body.require_host,
    }
    overrides = body.overrides()
    if overrides is not None:  # unknown commune, slot, van: a 422 now, not a failed job
        territory, _ = state.territories.get(territory_id, s)
        with_overrides(territory, overrides)
        options["overrides"] = overrides
    row = repo.create_plan(
        s, territory_id=territory_id, start=body.start, weeks=body.weeks, options=options
    )
    return responses.plan_summary(submit(state, s, row))


@router.get(
    "/territories/{territory_id}/plans", response_model=PlansPublic, summary="Plans du territoire"
)
def list_plans(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire les plans")
    repo.get_territory(s, territory_id)
    data = [responses.plan_summary(r) for r in repo.list_plans(s, territory_id)]
    return {"data": data, "count": len(data)}


async def plan_entry(state: AppState, who: Principal, plan_id: str, *, action: str) -> PlanEntry:
    """The plan from the in-memory index (the store is read in the thread pool on a miss)."""
    entry = state.plans.cached(plan_id)
    if entry is None:
        entry = await run_in_threadpool(state.plans.load, plan_id)
    require_territory(who, entry.territory_id, action=action)
    return entry


@router.get(
    "/plans/{plan_id}", response_model=PlanPublic, summary="Un plan : état du calcul, puis le plan"
)
async def get_plan(plan_id: PlanId, state: StateDep, who: PrincipalDep) -> Response:
    entry = await plan_entry(state, who, plan_id, action="lire un plan")
    return Response(entry.body, media_type="application/json")


@router.post(
    "/plans/{plan_id}/replan",
    response_model=PlanSummary,
    status_code=202,
    summary="Re-planifier après un changement (nouveau plan)",
)
def replan(
    plan_id: PlanId, body: ReplanCreate, state: StateDep, s: SessionDep, who: PrincipalDep
) -> dict:
    parent = repo.get_plan(s, plan_id)
    require_manager(who, parent.territory_id, action="re-planifier")
    if parent.status != "done":
        raise not_ready(plan_id, parent.status)
    job_state.check_quota(s, parent.territory_id, state.settings.job_quota)
    changes = [c.model_dump(mode="json") for c in body.changes]
    row = repo.create_plan(
        s,
        territory_id=parent.territory_id,
        start=parent.start,
        weeks=parent.weeks,
        options={**parent.options, "replan_mode": body.mode, "fill_freed": body.fill_freed},
        parent_id=plan_id,
        changes=changes,
    )
    return responses.plan_summary(submit(state, s, row))


@router.post(
    "/plans/{plan_id}/cancel",
    response_model=PlanSummary,
    summary="Annuler un calcul en attente ou en cours",
)
def cancel_plan(plan_id: PlanId, state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    row = repo.get_plan(s, plan_id)
    require_manager(who, row.territory_id, action="annuler un calcul")
    row = job_state.cancel(s, plan_id)
    s.commit()
    return responses.plan_summary(row)
