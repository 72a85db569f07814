"""GET /health."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from api.service.db.models import TerritoryRow
from api.service.deps import SessionDep
from api.service.schemas.common import HealthPublic

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthPublic, summary="État du service (sans jeton)")
def health(s: SessionDep) -> dict:
    count = s.scalar(select(func.count()).select_from(TerritoryRow))
    return {"status": "ok", "database": s.get_bind().dialect.name, "territories": int(count or 0)}
