"""The conseiller's phone app offline: web app manifest, service worker, the week's data.

- ``GET /manifest.webmanifest``: « milo-nomade terrain », ``start_url`` ``/terrain``,
  standalone, the project's own SVG icon (``static/icon.svg``);
- ``GET /sw.js`` (``static/sw.js``) served from the root: scope ``/`` (``Service-Worker-
  Allowed: /``), ``Cache-Control: no-cache`` (a new version is picked up at the next visit);
  its own CSP lets it fetch from the service only (:data:`api.service.security.WORKER_POLICY`);
- ``GET /terrain/hors-ligne``: the page shown offline when a page was never opened online
  (public, precached by the worker);
- ``GET /terrain/donnees.json``: the coming 7 days' sessions of the published plan (the chosen
  team's) with route links, and the territory's commune outlines (simplified to about 50 m),
  with the moment they were read (``updated_at``).

Caching rules (``static/sw.js``): the app shell (CSS, scripts, icon, offline page) is precached;
``/terrain``, ``/terrain/semaine``, ``/terrain/seances/*/bilan`` and ``/terrain/donnees.json``
are network-first with the cached copy as fallback; nothing else is cached (no POST, no
``/connexion``, no ``/agenda/``, no page of another role); the caches are emptied at logout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.service.clock import NowDep
from api.service.deps import StateDep
from api.web.deps import OptionalViewerDep, ViewerDep, WebMark
from api.web.field_data import sessions
from api.web.pages import render
from api.web.routes.field import (
    TEAM_COOKIE,
    WEEK_DAYS,
    conseiller_territory,
    load_field,
    parse_day,
)
from api.web.routes.partners import map_base
from api.web.routes.static import OWN

router = APIRouter(include_in_schema=False)
NO_CACHE = {"Cache-Control": "no-cache"}

MANIFEST = {
    "name": "milo-nomade terrain",
    "short_name": "milo terrain",
    "description": "Les séances du plan publié, l'itinéraire et le bilan de séance, même sans "
    "réseau.",
    "lang": "fr",
    "start_url": "/terrain",
    "scope": "/",
    "display": "standalone",
    "background_color": "#ffffff",
    "theme_color": "#1d4f91",
    "icons": [
        {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}
    ],
}


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return JSONResponse(MANIFEST, media_type="application/manifest+json", headers=NO_CACHE)


@router.get("/sw.js")
def service_worker() -> Response:
    return FileResponse(
        OWN / "sw.js",
        media_type="text/javascript; charset=utf-8",
        headers=NO_CACHE | {"Service-Worker-Allowed": "/"},
    )


@router.get("/terrain/hors-ligne", dependencies=[WebMark])
def offline_page(request: Request, viewer: OptionalViewerDep, now: NowDep) -> Response:
    """The page the worker shows offline for a page never opened online."""
    return render(request, "field_offline.html", viewer=None, title="Hors ligne", updated=now)


def session_json(stop: Any) -> dict[str, Any]:
    return {
        "id": stop.id,
        "date": stop.date,
        "slot": stop.visit["slot"],
        "start": stop.visit["start"],
        "end": stop.visit["end"],
        "place": stop.place,
        "host": stop.host,
        "phone": stop.phone,
        "phone_href": stop.phone_href,
        "team": stop.team,
        "van": stop.visit["van"],
        "lat": stop.visit.get("lat"),
        "lon": stop.visit.get("lon"),
        "links": stop.links,
        "hours": stop.hours,
        "bring": dict(stop.bring),
    }


@router.get("/terrain/donnees.json", dependencies=[WebMark])
def field_data(
    request: Request, state: StateDep, viewer: ViewerDep, now: NowDep, jour: str = ""
) -> Response:
    """The week's sessions and the commune outlines, for the phone's cache."""
    territory_id = conseiller_territory(viewer, "Données terrain")
    first = parse_day(jour[:20], now)
    last = first + dt.timedelta(days=WEEK_DAYS - 1)
    with state.db.session() as s:
        field = load_field(s, territory_id, None, request.cookies.get(TEAM_COOKIE, ""))
        base = map_base(state.territories, territory_id, s)
    stops = sessions(field.document, field.partners, first, last, field.team)
    plan = field.plan
    body = {
        "updated_at": now.astimezone(dt.UTC).isoformat(),
        "territory": {"id": territory_id, "name": field.territory.name},
        "plan": None if plan is None else {"id": plan.id, "version": plan.version},
        "team": field.team,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "sessions": [session_json(st) for st in stops],
        "bounds": base["bounds"],
        "communes": base["communes"],
    }
    return JSONResponse(body, headers={"Cache-Control": "private, no-cache"})
