"""``/tournees/{plan_id}``: a plan's page (week view, map, KPIs, unplanned stops, changes,
actions), its map, its printable week sheet and its exports.

Reading goes through the API's :func:`~api.service.routes.plans.readable_plan` (a conseiller
never opens a draft: 403), the exports through the API's export routes with the viewer's
principal. The map is the project's itinerary map (:func:`maps.itinerary.itinerary_map`) of one
day or one week, served for the plan page's ``<iframe>`` (``X-Milo-Frame: self``, see
:mod:`api.service.security`). The actions (re-plans, publication) are in
:mod:`api.web.routes.plan_actions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.service.auth import Role
from api.service.db import lifecycle, repo
from api.service.db.models import PlanRow
from api.service.deps import AppState, StateDep
from api.service.errors import ConflictError
from api.service.routes import plan_outputs
from api.service.routes.plans import readable_plan
from api.service.schemas.plans import CANCEL_REASONS
from api.service.security import FRAME_HEADER, FRAME_SELF
from api.service.web_sessions import Viewer
from api.web.deps import ViewerDep, WebMark
from api.web.pages import render
from api.web.plan_display import (
    STAGE_CLASS,
    asked_fr,
    author_fr,
    authors,
    kpis,
    moment_fr,
    motifs,
    stage_fr,
    stop_names,
)
from api.web.plan_week import (
    build_week,
    clamp_week,
    vans_of,
    visits_by_day,
    week_dates,
    week_of,
)
from maps.assets import render_offline
from maps.itinerary import host_hours, itinerary_map
from maps.plan_input import SLOT_LABELS, period_label
from maps.sessions import host_text
from planner.errors import InvalidProblemError, NotFoundError
from planner.session_labels import approach_label, kind_label, resource_label
from planner.territory import Territory

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

WeekQuery = Annotated[int | None, Query(alias="semaine", ge=1, le=60)]
DayQuery = Annotated[dt.date | None, Query(alias="jour")]
EXPORTS = {
    "ics": plan_outputs.export_ics,
    "gpx": plan_outputs.export_gpx,
    "csv": plan_outputs.export_csv,
    "geojson": plan_outputs.export_geojson,
}
EXPORT_LABELS = {
    "ics": "Calendrier (.ics)",
    "gpx": "Trajets GPS (.gpx)",
    "csv": "Tableur (.csv)",
    "geojson": "Carte (.geojson)",
}
TABLE_LABELS = {
    "non-planifies": "Non planifiés et pourquoi (.csv)",
    "arrets": "Pourquoi chaque arrêt (.csv)",
    "communes": "Communes atteintes (.csv)",
}


def is_manager(viewer: Viewer) -> bool:
    return viewer.principal.role in (Role.MANAGER, Role.ADMIN)


def load(state: AppState, viewer: Viewer, plan_id: str, *, action: str) -> tuple[PlanRow, Any]:
    """The plan row (detached) and its territory, if the viewer may read it."""
    with state.db.session() as s:
        row = readable_plan(s, viewer.principal, plan_id, action=action)
        territory, _ = state.territories.get(row.territory_id, s)
        s.expunge(row)
    return row, territory


def in_horizon(document: dict[str, Any], day: dt.date) -> dt.date:
    first, _ = week_dates(document, 1)
    _, last = week_dates(document, int(document.get("weeks") or 1))
    if not first <= day <= last:
        raise InvalidProblemError(
            f"Jour {day.isoformat()} hors du plan (du {first:%d/%m/%Y} au {last:%d/%m/%Y}).",
            hint="Choisissez un jour de l'horizon du plan dans la liste de la carte.",
        )
    return day


def commune_names(territory: Territory) -> dict[str, str]:
    return {str(code): str(name) for code, name in territory.communes["name"].items()}


def stale_draft(state: AppState, row: PlanRow) -> str:
    """Why a draft can no longer be published or re-planned (empty when it can)."""
    if row.stage != "draft" or row.status != "done":
        return ""
    with state.db.session() as s:
        try:
            lifecycle.check_current(s, repo.get_plan(s, row.id), action="publier")
        except ConflictError as exc:
            return f"{exc.message} {exc.hint}"
    return ""


def page_context(state: AppState, viewer: Viewer, row: PlanRow, territory: Territory) -> dict:
    with state.db.session() as s:
        published = repo.official_plan(s, row.territory_id)
        parent = repo.get_plan(s, row.parent_id) if row.parent_id else None
        people = authors(s, [row])
        published_ref = (published.id, published.version) if published is not None else None
        parent_ref = (parent.id, parent.version) if parent is not None else None
    document = row.document or {}
    figures, approaches = kpis(document)
    acts = is_manager(viewer) and row.stage != "archived" and row.status == "done"
    stale = stale_draft(state, row) if acts else ""
    return {
        "plan": row,
        "doc": document,
        "stage": stage_fr(row),
        "stage_class": STAGE_CLASS.get(row.stage, ""),
        "author": author_fr(row.created_by, people),
        "publisher": author_fr(row.published_by, people) if row.published_by else "",
        "created": moment_fr(row.created_at),
        "published_at": moment_fr(row.published_at),
        "archived_at": moment_fr(row.archived_at),
        "published": published_ref,
        "parent": parent_ref,
        "kpis": figures,
        "approaches": approaches,
        "unplanned": document.get("unplanned") or [],
        "dropped": [] if document.get("unplanned") else document.get("dropped") or [],
        "changes": document.get("changes") or [],
        "asked": asked_fr(row.changes, stop_names(document)),
        "motifs": motifs(row.changes),
        "notes": document.get("notes") or [],
        "can_act": acts and not stale,
        "can_manage": is_manager(viewer),
        "can_publish": acts and not stale and row.stage == "draft",
        "stale": stale,
        "reasons": CANCEL_REASONS,
        "exports": EXPORT_LABELS,
        "tables": TABLE_LABELS,
        "vans": vans_of(document),
        "slots": [(x.name, SLOT_LABELS.get(x.name, x.name)) for x in territory.calendar.slots],
        "horizon": (
            week_dates(document, 1)[0],
            week_dates(document, int(document.get("weeks") or 1))[1],
        ),
        "communes": commune_names(territory),
        "slot_labels": SLOT_LABELS,
        "kind_label": kind_label,
        "approach_label": approach_label,
        "resource_label": resource_label,
    }


@router.get("/tournees/{plan_id}")
def plan_page(
    request: Request,
    plan_id: str,
    state: StateDep,
    viewer: ViewerDep,
    semaine: WeekQuery = None,
    jour: DayQuery = None,
) -> Response:
    row, territory = load(state, viewer, plan_id, action="lire un plan")
    if row.status != "done" or row.document is None:
        return RedirectResponse(f"/tournees/{plan_id}/progression", status_code=303)
    document = row.document
    if jour is not None:
        jour = in_horizon(document, jour)
        semaine = week_of(document, jour)
    number = clamp_week(document, semaine)
    context = page_context(state, viewer, row, territory)
    week = build_week(
        document,
        number,
        slots=[s.name for s in territory.calendar.slots],
        motifs=context["motifs"],
    )
    query = f"jour={jour.isoformat()}" if jour is not None else f"semaine={number}"
    shown = (jour, jour) if jour is not None else week_dates(document, number)
    map_title = period_label(*shown)
    return render(
        request,
        "plan.html",
        viewer=viewer,
        title=f"Plan, version {row.version}",
        week=week,
        day=jour,
        map_src=f"/tournees/{plan_id}/carte?{query}",
        map_title=map_title,
        published_now=request.query_params.get("publie") == "1",
        **context,
    )


def _map_html(state: AppState, row: PlanRow, territory: Territory, key: str, between) -> bytes:
    body = state.responses.get(key)
    if body is None:
        page = itinerary_map(row.document or {}, territory, between=between)
        body = render_offline(page).encode()
        state.responses.put(key, body)
    return body


@router.get("/tournees/{plan_id}/carte")
def plan_map(
    plan_id: str,
    state: StateDep,
    viewer: ViewerDep,
    semaine: WeekQuery = None,
    jour: DayQuery = None,
) -> Response:
    """The itinerary map of one day (``?jour=``) or one week (``?semaine=``) of the plan."""
    row, territory = load(state, viewer, plan_id, action="voir la carte d'un plan")
    document = plan_outputs.done_plan(row)
    if jour is not None:
        between = (in_horizon(document, jour), jour)
    else:
        between = week_dates(document, clamp_week(document, semaine))
    # a finished plan never changes; the stage does not change its map
    key = f"web-map:{plan_id}:{between[0].isoformat()}:{between[1].isoformat()}"
    body = _map_html(state, row, territory, key, between)
    return HTMLResponse(body, headers={FRAME_HEADER: FRAME_SELF})


@router.get("/tournees/{plan_id}/feuille")
def week_sheet(
    request: Request, plan_id: str, state: StateDep, viewer: ViewerDep, semaine: WeekQuery = None
) -> Response:
    """The printable sheet of a week: each day's sessions, place, host, hours, commune."""
    row, territory = load(state, viewer, plan_id, action="imprimer un plan")
    document = plan_outputs.done_plan(row)
    number = clamp_week(document, semaine)
    first, last = week_dates(document, number)
    days = [
        (day, [(v, host_hours(territory, v, day_only=True)) for v in visits])
        for day, visits in visits_by_day(document, number)
    ]
    return render(
        request,
        "feuille.html",
        viewer=viewer,
        title=f"Feuille de la semaine {number}",
        plan=row,
        stage=stage_fr(row),
        number=number,
        weeks=int(document.get("weeks") or 1),
        period=period_label(first, last),
        days=days,
        territory_name=territory.name,
        communes=commune_names(territory),
        slot_labels=SLOT_LABELS,
        kind_label=kind_label,
        approach_label=approach_label,
        resource_label=resource_label,
        host_text=host_text,
    )


@router.get("/tournees/{plan_id}/export.{fmt}")
def export(plan_id: str, fmt: str, state: StateDep, viewer: ViewerDep) -> Response:
    """The API's exports (same checks: a conseiller never exports a draft)."""
    if fmt not in EXPORTS:
        raise NotFoundError(
            f"Format d'export {fmt!r} inconnu.",
            hint=f"Formats : {', '.join(EXPORTS)} (par exemple /tournees/{{id}}/export.ics).",
        )
    with state.db.session() as s:
        return EXPORTS[fmt](plan_id, s, viewer.principal)


@router.get("/tournees/{plan_id}/tables/{table}.csv")
def export_table(plan_id: str, table: str, state: StateDep, viewer: ViewerDep) -> Response:
    with state.db.session() as s:
        return plan_outputs.export_explanation_csv(plan_id, table, s, viewer.principal)
