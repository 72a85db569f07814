"""Conseiller tokens of a territory, managed by its manager: list, create (shown once), revoke.

Manager and arml tokens are managed on the server (``milo token create|list|revoke``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool

from api.service import tokens
from api.service.auth import Role, issue_token, require_manager
from api.service.db import repo
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.tokens import TokenCreate, TokenCreated, TokenPublic, TokensPublic

router = APIRouter(tags=["jetons"], responses=ERRORS)

TokenId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Identifiant du jeton.")]


@router.get(
    "/territories/{territory_id}/tokens",
    response_model=TokensPublic,
    summary="Jetons conseiller du territoire",
)
def list_tokens(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_manager(who, territory_id, action="lister les jetons")
    repo.get_territory(s, territory_id)
    rows = repo.list_tokens(s, territory_id=territory_id, role=Role.CONSEILLER.value)
    data = [tokens.token_record(r) for r in rows]
    return {"data": data, "count": len(data)}


@router.post(
    "/territories/{territory_id}/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Créer un jeton conseiller (affiché une seule fois)",
)
async def create_token(
    territory_id: TerritoryId, body: TokenCreate, state: StateDep, who: PrincipalDep
) -> dict:
    require_manager(who, territory_id, action="créer un jeton")
    token, row = await run_in_threadpool(
        issue_token,
        state.db,
        state.settings.secret,
        role=Role.CONSEILLER.value,
        territory_id=territory_id,
        label=body.label,
        expires_days=body.expires_days,
        created_by=f"token:{who.token_id}",
    )
    return tokens.token_record(row) | {"token": token}


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenPublic,
    summary="Révoquer un jeton conseiller de son territoire",
)
def revoke_token(token_id: TokenId, s: SessionDep, state: StateDep, who: PrincipalDep) -> dict:
    row = tokens.revoke(s, token_id, by=who)
    s.commit()
    state.auth.forget(row.id)
    return tokens.token_record(row)
