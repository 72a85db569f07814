"""POST /plans/{plan_id}/visits/{visit_id}/activity: counts of one visit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.service.auth import require_territory
from api.service.db import repo
from api.service.deps import PrincipalDep, SessionDep
from api.service.routes.plan_outputs import done_plan
from api.service.routes.plans import PlanId
from api.service.schemas.activity import ActivityCreate, ActivityPublic
from api.service.schemas.common import ERRORS

router = APIRouter(tags=["terrain"], responses=ERRORS)

VisitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Identifiant de la visite.")]


@router.post(
    "/plans/{plan_id}/visits/{visit_id}/activity",
    response_model=ActivityPublic,
    status_code=201,
    summary="Saisir l'activité d'une visite (comptes uniquement)",
)
def record_activity(
    plan_id: PlanId, visit_id: VisitId, body: ActivityCreate, s: SessionDep, who: PrincipalDep
) -> dict:
    plan = repo.get_plan(s, plan_id)
    require_territory(who, plan.territory_id, action="saisir l'activité")
    done_plan(plan)
    visit = repo.get_visit(s, plan_id, visit_id)
    row = repo.record_activity(s, visit, plan.territory_id, body.model_dump(mode="json"))
    s.commit()
    return {
        "id": row.id,
        "visit_id": visit.id,
        "plan_id": plan_id,
        "territory_id": plan.territory_id,
        "date": visit.date,
        "stop_id": visit.stop_id,
        "approach": row.approach,
        "contacts": row.contacts,
        "reperes": row.reperes,
        "mobilises": row.mobilises,
        "recorded_at": row.recorded_at,
    }
