"""GET /territories/{id}/audit: the territory's audit trail (manager only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.service import audit
from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import PrincipalDep, SessionDep
from api.service.routes.territories import TerritoryId
from api.service.schemas.audit import AuditPublic
from api.service.schemas.common import ERRORS

router = APIRouter(tags=["territoires"], responses=ERRORS)


@router.get(
    "/territories/{territory_id}/audit",
    response_model=AuditPublic,
    summary="Journal des changements du territoire : qui, quand, avant / après (manager)",
)
def territory_audit(
    territory_id: TerritoryId,
    s: SessionDep,
    who: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Entrées par page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Entrées sautées.")] = 0,
) -> dict:
    require_manager(who, territory_id, action="lire le journal des changements")
    repo.get_territory(s, territory_id)
    rows, total = audit.entries(s, territory_id, limit=limit, offset=offset)
    data = [audit.public(r) for r in rows]
    return {"territory_id": territory_id, "data": data, "count": len(data), "total": total}
