"""The public pages of a territory: « Où trouver la Mission Locale cette semaine ? ».

No login. From the territory's published plan only (never a draft: :func:`repo.official_plan`),
the next :data:`~api.web.public_data.PUBLIC_DAYS` days (:mod:`api.web.public_data` says what is
shown and what is not):

- ``GET /public/{territory}``: the coming sessions by day (time, place, host, kind), a map of
  the stops (the commune outlines and numbered points; no tile unless asked), the next two
  weeks, the subscribable calendar, « Nous contacter »: the Mission Locale's own sites (the
  spec's bases) with how to get there;
- ``GET /public/{territory}/arrets/{stop}``: a stop's next dates and how to get there;
- ``GET /public/{territory}/agenda.ics``: the public calendar feed of those sessions.

Pages are light (no HTMX, no app script; Leaflet only for the map), cacheable for 5 minutes,
and carry Open Graph title and description for a shared link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.service.clock import NowDep
from api.service.db import repo
from api.service.deps import StateDep
from api.web.deps import WebMark
from api.web.field_data import route_links
from api.web.pages import PARIS, render
from api.web.public_data import PUBLIC_DAYS, by_day, coming, public_ics, stops_of
from api.web.routes.partners import map_base
from planner.errors import NotFoundError
from planner.itinerary.plan import Plan

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
CACHE = {"Cache-Control": "public, max-age=300"}


def page_url(request: Request, territory_id: str) -> str:
    return str(request.url_for("public_page", territory_id=territory_id))


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
        "sessions": sessions,
        "today": today,
        "sites": sites,
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


@router.get("/public/{territory_id}", name="public_page")
def public_page(request: Request, territory_id: str, state: StateDep, now: NowDep) -> Response:
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    base = f"/public/{territory_id}"
    stops = stops_of(view["sessions"])
    numbers = {st.stop_id: n for n, st in enumerate(stops, start=1)}
    points = [st.point(numbers[st.stop_id], f"{base}/arrets/{st.stop_id}") for st in stops]
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
        page_url=page_url(request, territory_id),
    )


@router.get("/public/{territory_id}/arrets/{stop_id}")
def public_stop(
    request: Request, territory_id: str, stop_id: str, state: StateDep, now: NowDep
) -> Response:
    with state.db.session() as s:
        view = public_view(s, state, territory_id, now)
    dates = [x for x in view["sessions"] if x.stop_id == stop_id and not x.private]
    if not dates:
        raise NotFoundError(
            f"Aucune venue annoncée à l'arrêt « {stop_id[:60]} » dans les "
            f"{PUBLIC_DAYS} prochains jours.",
            hint=f"Revenez à la page /public/{territory_id} : elle liste les prochaines venues.",
        )
    return render(
        request,
        "public_stop.html",
        viewer=None,
        title=f"{dates[0].place} · Mission Locale {view['territory'].name}",
        headers=CACHE,
        t=view["territory"],
        stop=dates[0],
        dates=dates,
        base=f"/public/{territory_id}",
        page_url=str(request.url),
    )
