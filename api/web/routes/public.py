"""The public pages of a territory: « Où trouver la Mission Locale cette semaine ? ».

No login. From the territory's published plan only (never a draft: :func:`repo.official_plan`),
the next :data:`~planner.publication.PUBLIC_DAYS` days (:mod:`planner.publication` says what is
shown and what is not):

- ``GET /public/{territory}``: the coming sessions by day (time, place, host, kind), a map of
  the stops (the commune outlines and numbered points; no tile unless asked), the next two
  weeks, the subscribable calendar, « Nous contacter »: the spec's public contact and the
  Mission Locale's own sites (the spec's bases) with how to get there;
- ``GET /public/{territory}/apercu.png``: the link preview image (Open Graph);
- ``GET /public/{territory}/arrets/{stop}``: a stop's next dates in the published plan (not only
  the next 14 days: a poster's QR code leads there) and how to get there; 404 for a stop the
  published plan does not have;
- ``GET /public/{territory}/agenda.ics``: the public calendar feed of those sessions.

Pages are light (no HTMX, no app script; Leaflet only for the map), cacheable for 5 minutes,
and carry Open Graph title, description and image for a shared link.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.service.clock import NowDep
from api.service.db import repo
from api.service.deps import StateDep
from api.web.deps import WebMark
from api.web.field_data import route_links
from api.web.pages import PARIS, render
from api.web.public_data import links, point, public_ics
from api.web.routes.agenda import public_base
from api.web.routes.partners import map_base
from maps.kit.post import preview_image
from planner.errors import NotFoundError
from planner.itinerary.plan import Plan
from planner.publication import PUBLIC_DAYS, by_day, coming, numbering, public_sessions

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
CACHE = {"Cache-Control": "public, max-age=300"}
#: link preview images kept in this process (one per territory, published plan and day)
PREVIEWS = 32
_previews: OrderedDict[tuple, bytes] = OrderedDict()
_lock = threading.Lock()


def page_url(request: Request, territory_id: str) -> str:
    """The public page's address (under ``MILO_PUBLIC_URL`` when set)."""
    base = public_base(request, request.app.state.milo.settings)
    return f"{base}/public/{quote(territory_id, safe='')}"


def public_view(s: Session, state: Any, territory_id: str, now: dt.datetime) -> dict[str, Any]:
    """The territory, its published plan's coming sessions and their map; a French 404 for a
    territory the service does not know."""
    try:
        territory = repo.get_territory(s, territory_id)
    except NotFoundError:
        raise NotFoundError(
            f"Territoire « {territory_id[:60]} » inconnu.",
            hint="Vérifiez l'adresse donnée par votre Mission Locale.",
        ) from None
    plan_row = repo.official_plan(s, territory_id)
    plan = Plan.from_json(plan_row.document) if plan_row is not None and plan_row.document else None
    stored, _ = state.territories.get(territory_id, s)
    names = stored.communes["name"].astype(str).to_dict()
    today = now.astimezone(PARIS).date()
    sessions = coming(plan, names, now)
    sites = [
        {
            "name": b.name,
            "commune": names.get(b.commune, b.commune),
            "links": route_links(b.lat, b.lon, b.name),
        }
        for b in stored.bases
    ]
    return {
        "territory": territory,
        "plan": plan,
        "plan_key": (plan_row.id, str(plan_row.published_at)) if plan_row is not None else None,
        "stored": stored,
        "names": names,
        "sessions": sessions,
        "today": today,
        "sites": sites,
        "contact": stored.contact,
        "base": map_base(state.territories, territory_id, s),
    }


@router.get("/public/{territory_id}/agenda.ics")
def public_calendar(request: Request, territory_id: str, state: StateDep, now: NowDep) -> Response:
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    body = public_ics(
        view["plan"],
        view["sessions"],
        name=view["territory"].name,
        page_url=page_url(request, territory_id),
    )
    return Response(body, media_type="text/calendar; charset=utf-8", headers=CACHE)


@router.get("/public/{territory_id}/apercu.png")
def public_preview(request: Request, territory_id: str, state: StateDep, now: NowDep) -> Response:
    """The link preview (Open Graph image, 1200 x 630) of the public page: the coming stops on
    the territory's outline; drawn once per published plan and day."""
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    url = page_url(request, territory_id)
    key = (territory_id, view["plan_key"], view["today"], url)
    with _lock:
        png = _previews.get(key)
    if png is None:
        png = preview_image(view["stored"], view["sessions"], url).png
        with _lock:
            _previews[key] = png
            while len(_previews) > PREVIEWS:
                _previews.popitem(last=False)
    return Response(png, media_type="image/png", headers=CACHE)


@router.get("/public/{territory_id}", name="public_page")
def public_page(request: Request, territory_id: str, state: StateDep, now: NowDep) -> Response:
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    base = f"/public/{territory_id}"
    numbers = numbering(view["sessions"])
    firsts = {x.stop_id: x for x in reversed(view["sessions"]) if not x.private}
    points = [point(firsts[k], n, f"{base}/arrets/{k}") for k, n in numbers.items()]
    return render(
        request,
        "public.html",
        viewer=None,
        title=f"Mission Locale {view['territory'].name} : où nous trouver",
        headers=CACHE,
        t=view["territory"],
        days=by_day(view["sessions"]),
        numbers=numbers,
        today=view["today"],
        last=view["today"] + dt.timedelta(days=PUBLIC_DAYS - 1),
        map_data={
            "bounds": view["base"]["bounds"],
            "communes": view["base"]["communes"],
            "points": [p for p in points if p is not None],
        },
        base=base,
        sites=view["sites"],
        contact=view["contact"],
        page_url=page_url(request, territory_id),
        preview_url=page_url(request, territory_id) + "/apercu.png",
    )


@router.get("/public/{territory_id}/arrets/{stop_id}", name="public_stop")
def public_stop(
    request: Request, territory_id: str, stop_id: str, state: StateDep, now: NowDep
) -> Response:
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    plan = view["plan"]
    known = plan is not None and any(v.stop_id == stop_id and not v.private for v in plan.visits)
    if not known:
        raise NotFoundError(
            f"L'arrêt « {stop_id[:60]} » n'est pas au programme publié.",
            hint=f"Revenez à la page /public/{territory_id} : elle liste les prochaines venues.",
        )
    here = now.astimezone(PARIS)
    upcoming = public_sessions(
        plan,
        view["names"],
        first=here.date(),
        last=dt.date.max,
        after_s=here.hour * 3600 + here.minute * 60,
    )
    dates = [x for x in upcoming if x.stop_id == stop_id]
    every = public_sessions(plan, view["names"], first=dt.date.min, last=dt.date.max)
    stop = next(x for x in every if x.stop_id == stop_id)
    return render(
        request,
        "public_stop.html",
        viewer=None,
        title=f"{stop.place} · Mission Locale {view['territory'].name}",
        headers=CACHE,
        t=view["territory"],
        stop=stop,
        links=links(stop),
        dates=dates,
        contact=view["contact"],
        base=f"/public/{territory_id}",
        page_url=page_url(request, territory_id) + f"/arrets/{quote(stop_id, safe='')}",
        preview_url=page_url(request, territory_id) + "/apercu.png",
    )
