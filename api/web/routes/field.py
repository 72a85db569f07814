"""``/terrain``: the conseiller's phone pages on the territory's published plan.

- « Aujourd'hui » (``/terrain``): the day's sessions of the chosen van/team (« Toutes » by
  default; the choice is kept in the :data:`TEAM_COOKIE` cookie, a van name, no personal data),
  the next one on top with its host, opening hours that day, what to bring and route links
  (:func:`api.web.field_data.route_links`), then the day's route; without a session that day,
  the next session day. ``?jour=AAAA-MM-JJ`` shows another day.
- « La semaine » (``/terrain/semaine``): the coming 7 days, and the visits the published plan
  cancelled or moved since the plan version the phone last showed (:data:`SEEN_COOKIE`,
  « plan id:version », updated at each view).

The pages work offline through the service worker (:mod:`api.web.routes.field_offline`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.service.auth import Role
from api.service.clock import NowDep
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.deps import StateDep
from api.service.web_sessions import Viewer
from api.web.deps import ViewerDep, WebMark
from api.web.field_data import (
    ROUTE_LABELS,
    Stop,
    changes_since,
    next_day,
    partner_index,
    routes,
    sessions,
)
from api.web.pages import PARIS, render
from api.web.plan_week import vans_of
from api.web.routes.home import require_role
from planner.errors import InvalidProblemError
from planner.session_labels import resource_label

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

TEAM_COOKIE = "milo_equipe"
SEEN_COOKIE = "milo_vu"
COOKIE_DAYS = 180
WEEK_DAYS = 7

Day = Annotated[str, Query(max_length=20)]
Team = Annotated[str | None, Query(max_length=100)]


def parse_day(jour: str, now: dt.datetime) -> dt.date:
    """The day asked (``AAAA-MM-JJ``), today in Paris without one; a French 422 otherwise."""
    if not jour:
        return now.astimezone(PARIS).date()
    try:
        return dt.date.fromisoformat(jour)
    except ValueError:
        raise InvalidProblemError(
            f"Date illisible : attendu AAAA-MM-JJ (par exemple 2025-05-06), reçu « {jour[:20]} ».",
            hint="Ouvrez /terrain sans paramètre pour la journée d'aujourd'hui.",
        ) from None


@dataclass(frozen=True)
class Field:
    """What every phone page needs: the territory, its published plan and the chosen team."""

    territory: Any
    plan: PlanRow | None
    teams: list[tuple[str, str]]  # (van, label)
    team: str  # "" for all
    partners: dict[str, Any]

    @property
    def document(self) -> dict[str, Any] | None:
        return self.plan.document if self.plan is not None else None


def conseiller_territory(viewer: Viewer, page: str) -> str:
    require_role(viewer, Role.CONSEILLER, page=page)
    territory_id = viewer.principal.territory_id
    assert territory_id is not None  # a conseiller's account has one
    return territory_id


def load_field(s: Session, territory_id: str, asked: str | None, cookie: str) -> Field:
    """The territory, its published plan and the team: ``asked`` (``?equipe=``, "" for all),
    else the cookie; a team the plan does not have counts as all."""
    territory = repo.get_territory(s, territory_id)
    plan = repo.official_plan(s, territory_id)
    document = plan.document if plan is not None else None
    teams: list[tuple[str, str]] = []
    if document:
        kinds = {str(v["van"]): str(v.get("resource", "vehicule")) for v in document["visits"]}
        teams = [(v, resource_label(kinds.get(v, "vehicule"), v)) for v in vans_of(document)]
    team = cookie if asked is None else asked
    if team not in {van for van, _ in teams}:
        team = ""
    partners = partner_index(repo.list_partners(s, territory_id))
    return Field(territory, plan, teams, team, partners)


def keep(response: Response, request: Request, name: str, value: str) -> None:
    """A cookie of the phone pages (``/terrain`` only, 180 days, no personal data)."""
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/terrain",
    )


def remember_team(response: Response, request: Request, field: Field, asked: str | None) -> None:
    """Keep the chosen team (a van name of the plan, never personal data) in its cookie."""
    if asked is None:
        return
    if field.team:
        keep(response, request, TEAM_COOKIE, field.team)
    else:
        response.delete_cookie(TEAM_COOKIE, path="/terrain")


def day_map(day_routes: Sequence[tuple[str, Sequence[Stop]]]) -> list[dict[str, Any]]:
    """The day map's data (JSON for ``static/field-map.js``): each team's stops in order,
    numbered as the list « Trajet de la journée » (the commune outlines come from
    ``/terrain/donnees.json``, cached for offline use)."""
    return [
        {
            "team": team,
            "stops": [
                {
                    "n": n,
                    "id": st.id,
                    "lat": st.visit["lat"],
                    "lon": st.visit["lon"],
                    "place": st.place,
                    "when": st.when,
                }
                for n, st in enumerate(team_stops, start=1)
                if st.visit.get("lat") is not None and st.visit.get("lon") is not None
            ],
        }
        for team, team_stops in day_routes
    ]


@router.get("/terrain")
def field_today(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
    jour: Day = "",
    equipe: Team = None,
) -> Response:
    """« Aujourd'hui »: the day's sessions of my team, the next one on top, the route."""
    territory_id = conseiller_territory(viewer, "Aujourd'hui")
    day = parse_day(jour, now)
    with state.db.session() as s:
        field = load_field(s, territory_id, equipe, request.cookies.get(TEAM_COOKIE, ""))
    stops = sessions(field.document, field.partners, day, day, field.team)
    shown_day = day
    if not stops:
        later = next_day(field.document, day, field.team)
        if later is not None:
            shown_day = later
            stops = sessions(field.document, field.partners, later, later, field.team)
    here = now.astimezone(PARIS)
    upcoming = [st for st in stops if not st.ended(here)] if shown_day == here.date() else stops
    first = (upcoming or stops)[0] if stops else None
    day_routes = routes(stops)
    response = render(
        request,
        "field_today.html",
        viewer=viewer,
        title="Aujourd'hui",
        field=field,
        day=day,
        shown_day=shown_day,
        is_today=shown_day == here.date(),
        stops=stops,
        first=first,
        others=[st for st in stops if st is not first],
        routes=day_routes,
        day_map=day_map(day_routes),
        route_labels=ROUTE_LABELS,
        updated=now,
        jour=jour,
    )
    remember_team(response, request, field, equipe)
    return response


def parse_seen(cookie: str) -> tuple[str, int] | None:
    plan_id, _, version = cookie.partition(":")
    if not plan_id.isalnum() or len(plan_id) > 32 or not version.isdigit():
        return None
    return plan_id, int(version)


@router.get("/terrain/semaine")
def field_week(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
    jour: Day = "",
    equipe: Team = None,
) -> Response:
    """« La semaine »: the coming 7 days and the changes since the last look."""
    territory_id = conseiller_territory(viewer, "La semaine")
    first = parse_day(jour, now)
    last = first + dt.timedelta(days=WEEK_DAYS - 1)
    seen = parse_seen(request.cookies.get(SEEN_COOKIE, ""))
    with state.db.session() as s:
        field = load_field(s, territory_id, equipe, request.cookies.get(TEAM_COOKIE, ""))
        seen_doc = None
        if field.plan is not None and seen is not None and seen[0] != field.plan.id:
            old = s.get(PlanRow, seen[0])
            if old is not None and old.territory_id == territory_id:
                seen_doc = old.document
    stops = sessions(field.document, field.partners, first, last, field.team)
    changes = (
        changes_since(seen_doc, field.document, first, last, field.team)
        if field.document and seen_doc
        else []
    )
    days: dict[str, list[Stop]] = {}
    for stop in stops:
        days.setdefault(stop.date, []).append(stop)
    response = render(
        request,
        "field_week.html",
        viewer=viewer,
        title="La semaine",
        field=field,
        first=first,
        last=last,
        days=list(days.items()),
        changes=changes,
        first_look=seen is None,
        updated=now,
        jour=jour,
    )
    remember_team(response, request, field, equipe)
    if field.plan is not None:
        keep(response, request, SEEN_COOKIE, f"{field.plan.id}:{field.plan.version}")
    return response
