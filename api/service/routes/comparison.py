"""GET /comparison: the regional comparison, small counts suppressed (the ARML's view)."""

from __future__ import annotations

from fastapi import APIRouter

from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.routes.territories import shared_comparison
from api.service.schemas.activity import ComparisonPublic
from api.service.schemas.common import ERRORS

router = APIRouter(tags=["région"], responses=ERRORS)


@router.get(
    "/comparison",
    response_model=ComparisonPublic,
    summary="Comparaison des territoires (comptes < 11 masqués)",
)
def comparison(state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    table = shared_comparison(state, s).to_json_dict()
    data = table["territories"]
    return {
        "suppression": table["suppression"],
        "notes": table["notes"],
        "data": data,
        "count": len(data),
    }
