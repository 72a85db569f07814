"""HTML maps (self-contained, offline): itinerary of a plan, next-stop page, coverage."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.service import responses
from api.service.auth import require_territory
from api.service.db import repo
from api.service.deps import AppState, PrincipalDep, SessionDep, StateDep
from api.service.routes.plan_outputs import check_instant, done_plan
from api.service.routes.plans import PlanId, not_published, readable_plan
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.territory_tables import fixed_matrix_of, need_of
from maps.assets import render_offline
from maps.coverage import coverage_map
from maps.itinerary import itinerary_map
from maps.next_stop import next_stop_page
from planner.workflows.map_inputs import coverage_inputs

router = APIRouter(tags=["cartes"], responses=ERRORS, default_response_class=HTMLResponse)
HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "Page HTML autonome (hors ligne)."}
}


@router.get("/plans/{plan_id}/map", responses=HTML, summary="Carte de la tournée (HTML)")
def plan_map(plan_id: PlanId, state: StateDep, s: SessionDep, who: PrincipalDep) -> HTMLResponse:
    row = readable_plan(s, who, plan_id, action="voir la carte d'un plan")
    key = f"map:{plan_id}"
    body = state.responses.get(key)
    if body is None:
        territory, _ = state.territories.get(row.territory_id, s)
        body = render_offline(itinerary_map(done_plan(row), territory)).encode()
        state.responses.put(key, body)
    return HTMLResponse(body)


@router.get(
    "/plans/{plan_id}/next/page", responses=HTML, summary="Prochain arrêt sur téléphone (HTML)"
)
def next_page(
    plan_id: PlanId,
    van: Annotated[str, Query(max_length=100, description="Véhicule / équipe.")],
    at: Annotated[
        dt.datetime, Query(description="Instant (ISO 8601 ; sans fuseau : Europe/Paris).")
    ],
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> HTMLResponse:
    row = readable_plan(s, who, plan_id, action="voir le prochain arrêt")
    document = done_plan(row)
    if row.stage != "published":  # a draft or an archived plan may hold cancelled stops
        raise not_published(s, plan_id, row.territory_id)
    check_instant(at)
    local = responses.at_paris(at).replace(tzinfo=None)
    territory, _ = state.territories.get(row.territory_id, s)
    return HTMLResponse(next_stop_page(document, now=local, van=van, territory=territory))


@router.get(
    "/territories/{territory_id}/coverage/map",
    responses=HTML,
    summary="Carte de couverture : besoin et temps d'accès par commune (HTML)",
)
def coverage_page(
    territory_id: TerritoryId, state: StateDep, s: SessionDep, who: PrincipalDep
) -> HTMLResponse:
    require_territory(who, territory_id, action="voir la carte de couverture")
    return HTMLResponse(coverage_html(state, s, territory_id))


def coverage_html(state: AppState, s: Session, territory_id: str) -> bytes:
    """The coverage map page of ``territory_id`` (the API's and the web application's).

    Built once per partners revision and published plan: one cache entry per territory, whose
    first line names what it was built from (a partner edit or a publication replaces it).
    """
    cache = state.territories
    territory, rev = cache.get(territory_id, s)
    official = repo.official_plan(s, territory_id)
    key = f"coverage-map:{territory_id}"
    tag = f"{rev}:{official.id if official is not None else '-'}".encode()
    hit = state.responses.get(key)
    if hit is not None and hit.split(b"\n", 1)[0] == tag:
        return hit.split(b"\n", 1)[1]
    # the van's stops of the published plan (if any), with their 20-min catchments
    inputs = coverage_inputs(
        territory,
        official.document if official is not None else None,
        to_fixed=fixed_matrix_of(cache, territory_id, s),
        need=need_of(cache, territory_id, s),
    )
    page = coverage_map(
        territory, need=inputs.need, access_min=inputs.access_min, stops=inputs.stops
    )
    body = render_offline(page).encode()
    state.responses.put(key, tag + b"\n" + body)
    return body
