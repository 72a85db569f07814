"""Weeks whose counts are locked: list (manager and conseillers), lock and unlock (manager).

``PUT /territories/{id}/activity/locks/{week_start}`` locks the week starting on that Monday
(201 when it was open, 200 when it already was); ``DELETE`` unlocks it (204; 404 when it was
not locked). See :mod:`api.service.week_locks` for what a lock refuses.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.service import week_locks
from api.service.auth import require_territory
from api.service.clock import NowDep
from api.service.db import repo
from api.service.deps import PrincipalDep, SessionDep
from api.service.routes.activity import utc
from api.service.routes.territories import TerritoryId
from api.service.schemas.activity import WeekLockPublic, WeekLocksPublic
from api.service.schemas.common import ERRORS
from planner.errors import NotFoundError

router = APIRouter(tags=["terrain"], responses=ERRORS)

WeekStart = Annotated[
    dt.date,
    Path(description="Lundi de la semaine (AAAA-MM-JJ).", examples=["2025-05-05"]),
]


@router.get(
    "/territories/{territory_id}/activity/locks",
    response_model=WeekLocksPublic,
    summary="Semaines verrouillées du territoire (comptes plus modifiables)",
)
def list_week_locks(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire les semaines verrouillées")
    repo.get_territory(s, territory_id)
    data = [week_locks.lock_public(s, r) for r in week_locks.list_locks(s, territory_id)]
    return {"territory_id": territory_id, "data": data, "count": len(data)}


@router.put(
    "/territories/{territory_id}/activity/locks/{week_start}",
    response_model=WeekLockPublic,
    status_code=201,
    responses={200: {"description": "Semaine déjà verrouillée (inchangée)."}},
    summary="Verrouiller les comptes d'une semaine (manager ; 201 verrouillée, 200 déjà)",
)
def lock_week(
    territory_id: TerritoryId,
    week_start: WeekStart,
    response: Response,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> dict:
    row, created = week_locks.lock_week(s, who, territory_id, week_start, now=utc(now))
    s.commit()
    response.status_code = 201 if created else 200
    return week_locks.lock_public(s, row)


@router.delete(
    "/territories/{territory_id}/activity/locks/{week_start}",
    status_code=204,
    summary="Déverrouiller les comptes d'une semaine (manager)",
)
def unlock_week(
    territory_id: TerritoryId, week_start: WeekStart, s: SessionDep, who: PrincipalDep, now: NowDep
) -> Response:
    if not week_locks.unlock_week(s, who, territory_id, week_start, now=utc(now)):
        raise NotFoundError(
            f"La semaine du {week_start:%d/%m/%Y} n'est pas verrouillée (territoire "
            f"{territory_id}) : rien à déverrouiller.",
            hint=f"Voir GET /territories/{territory_id}/activity/locks.",
        )
    s.commit()
    return Response(status_code=204)
