"""``/territoires/{id}/reseau-routier``: the road network section of the territory page.

GET answers the section (an HTMX fragment): the cached network (OSM date, size, origin) or why
there is none, and, while a download runs, its progress, polled every second. POST (a manager,
with the session's CSRF token) starts ``milo roads``'s download for the territory in the
background (:mod:`api.web.road_jobs`); plans computed afterwards use the network.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.service.auth import require_manager
from api.service.deps import StateDep
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.errors import is_htmx
from api.web.pages import render
from api.web.road_jobs import downloads_of
from geo_data.road_cache import road_status
from geo_data.roads_download import territory_key

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

STATE_FR = {
    "absent": "Aucun réseau routier téléchargé : les temps de trajet sont l'estimation déclarée.",
    "partial": "Téléchargement incomplet : il sera repris au prochain téléchargement.",
    "stale": "Réseau téléchargé pour un autre périmètre ou trop ancien : à retélécharger.",
    "ok": "",
}


def road_context(request: Request, state: StateDep, territory_id: str) -> dict[str, Any]:
    """What ``_roads.html`` shows for a territory."""
    territory, _ = state.territories.get(territory_id)
    status = road_status(territory_id, territory_key(territory))
    if status.state == "stale" and status.manifest and status.manifest.area_key == "file":
        status = road_status(territory_id)
    return {
        "t": territory_id,
        "road": status,
        "road_state_fr": STATE_FR[status.state],
        "download": downloads_of(request.app).get(territory_id),
    }


@router.get("/territoires/{territory_id}/reseau-routier")
def road_section(
    request: Request, territory_id: str, state: StateDep, viewer: ViewerDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="voir le réseau routier")
    if not is_htmx(request):
        return RedirectResponse(f"/territoires/{territory_id}#reseau", status_code=303)
    return _fragment(request, state, viewer, territory_id)


@router.post("/territoires/{territory_id}/reseau-routier")
def start_download(
    request: Request, territory_id: str, state: StateDep, viewer: ActingViewerDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="télécharger le réseau routier")
    territory, _ = state.territories.get(territory_id)
    downloads_of(request.app).start(territory)
    if not is_htmx(request):
        return RedirectResponse(f"/territoires/{territory_id}#reseau", status_code=303)
    return _fragment(request, state, viewer, territory_id)


def _fragment(request: Request, state: StateDep, viewer: Viewer, territory_id: str) -> Response:
    return render(
        request,
        "_roads.html",
        viewer=viewer,
        title="",
        **road_context(request, state, territory_id),
    )
