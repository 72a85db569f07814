"""``/territoires/{id}``: the manager's home — key figures, need map, need table, fixed points.

The need map is the service's coverage map (:func:`api.service.routes.maps.coverage_html`),
served by ``/territoires/{id}/carte-besoin`` with the viewer's session and shown in an
``<iframe>``: that one answer may be framed by the service's own pages
(:data:`api.service.security.FRAME_HEADER`); every other answer keeps
``X-Frame-Options: DENY``. The need table sorts on the server (``?tri=colonne&ordre=desc``),
so it works without JavaScript.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import StateDep
from api.service.routes.maps import coverage_html
from api.service.security import FRAME_HEADER, FRAME_SELF
from api.service.territory_tables import need_of
from api.web.deps import ViewerDep, WebMark
from api.web.pages import render
from api.web.routes.roads import road_context
from api.web.territory_view import fixed_points, key_figures, need_view, plan_summary, read_sort

router = APIRouter(include_in_schema=False, dependencies=[WebMark])


@router.get("/territoires/{territory_id}")
def territory_page(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ViewerDep,
    tri: Annotated[str | None, Query(max_length=40)] = None,
    ordre: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    require_manager(viewer.principal, territory_id, action="ouvrir la page du territoire")
    sort, order = read_sort(tri, ordre)
    with state.db.session() as s:
        row = repo.get_territory(s, territory_id)
        territory, _ = state.territories.get(territory_id, s)
        partners = len(repo.list_partners(s, territory_id))
        plan = plan_summary(repo.official_plan(s, territory_id))
        table = need_of(state.territories, territory_id, s)
    base = f"/territoires/{territory_id}"
    return render(
        request,
        "territory.html",
        viewer=viewer,
        title=f"Territoire · {row.name}",
        territory=row,
        figures=key_figures(territory, partners),
        plan=plan,
        need=need_view(table, base_url=base, sort=sort, order=order),
        fixed=fixed_points(territory),
        **road_context(request, state, territory_id),
    )


@router.get("/territoires/{territory_id}/carte-besoin")
def need_map(territory_id: str, state: StateDep, viewer: ViewerDep) -> Response:
    """The coverage map (need score per commune, access times, zones, points), framable by
    the territory page only (same origin)."""
    require_manager(viewer.principal, territory_id, action="voir la carte des besoins")
    with state.db.session() as s:
        body = coverage_html(state, s, territory_id)
    return HTMLResponse(body, headers={FRAME_HEADER: FRAME_SELF})
