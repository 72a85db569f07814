"""The manager's « Planifier » form, a plan job's progress page, and the territory's plans.

- ``/territoires/{id}/planifier``: the form (:mod:`api.web.plan_form`); sent, it runs the API's
  :func:`~api.service.routes.plans.create_plan` (same checks, same job) and goes to the job's
  progress page. A refused form comes back with the French errors and the values typed.
- ``/tournees/{plan_id}/progression``: the job's state, polled by HTMX every second
  (``…/progression/etat``, an ``aria-live`` region); once done the browser goes to the plan
  (``HX-Redirect``); « Annuler le calcul » runs the API's cancel.
- ``/territoires/{id}/plans``: every plan of the territory, newest first (a conseiller sees
  the published and archived ones only, as in the API).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.service.auth import Role, require_manager, require_territory
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.deps import AppState, StateDep
from api.service.errors import AuthenticationError, ForbiddenError, status_of
from api.service.routes.plans import cancel_plan, create_plan, readable_plan
from api.service.schemas.plans import PlanCreate
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.errors import is_htmx
from api.web.pages import render
from api.web.plan_display import (
    STAGE_CLASS,
    asked_fr,
    author_fr,
    authors,
    moment_fr,
    progress,
    stage_fr,
    stop_names,
)
from api.web.plan_form import (
    FREQUENCY_FR,
    PIN_FREQUENCIES,
    PlanForm,
    defaults,
    plan_body,
    read_form,
    validation_errors,
)
from planner.errors import MiloError
from planner.fleet import WEEKDAYS_FR
from planner.itinerary.calendar import MAX_WEEKS
from planner.territory import Territory

router = APIRouter(include_in_schema=False, dependencies=[WebMark])


async def posted_form(request: Request) -> FormData:
    """The posted form (read once: the CSRF check reads the same one)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def form_page(
    request: Request,
    state: AppState,
    viewer: Viewer,
    territory_id: str,
    values: PlanForm | None,
    *,
    status: int = 200,
) -> Response:
    with state.db.session() as s:
        row = repo.get_territory(s, territory_id)
        territory, _ = state.territories.get(territory_id, s)
    cap = state.settings.time_limit_cap(viewer.principal.role.value)
    if values is None:
        values = defaults(
            territory,
            today=dt.date.today(),
            time_limit=min(state.settings.default_time_limit, cap),
        )
    communes = sorted(
        (
            (str(code), str(territory.communes.loc[code, "name"]))
            for code in territory.communes.index
        ),
        key=lambda c: c[1],
    )
    return render(
        request,
        "planifier.html",
        viewer=viewer,
        title="Planifier",
        status_code=status,
        territory=row,
        form=values,
        communes=communes,
        slots=[
            (s.name, s.name.replace("apres-midi", "après-midi")) for s in territory.calendar.slots
        ],
        weekdays=WEEKDAYS_FR,
        frequencies=FREQUENCY_FR,
        pin_frequencies=PIN_FREQUENCIES,
        max_weeks=MAX_WEEKS,
        cap=cap,
    )


def _territory(state: AppState, territory_id: str) -> Territory:
    with state.db.session() as s:
        repo.get_territory(s, territory_id)
        territory, _ = state.territories.get(territory_id, s)
    return territory


@router.get("/territoires/{territory_id}/planifier")
def plan_form(request: Request, territory_id: str, state: StateDep, viewer: ViewerDep) -> Response:
    require_manager(viewer.principal, territory_id, action="calculer un plan")
    return form_page(request, state, viewer, territory_id, None)


@router.post("/territoires/{territory_id}/planifier")
def start_plan(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ActingViewerDep,
    form: FormDep,
) -> Response:
    """Check the form as the API checks its body, then start the plan's job."""
    who = viewer.principal
    require_manager(who, territory_id, action="calculer un plan")
    territory = _territory(state, territory_id)
    values = read_form(form, territory)
    try:
        body = PlanCreate.model_validate(plan_body(values, territory))
        with state.db.session() as s:
            summary = create_plan(territory_id, body, state, s, who)  # audited there
    except ValidationError as exc:
        values.errors = validation_errors(exc, values)
        return form_page(request, state, viewer, territory_id, values, status=422)
    except (ForbiddenError, AuthenticationError):
        raise
    except MiloError as exc:  # a rule the territory cannot meet, too many jobs...
        values.errors = [("Plan", f"{exc.message} {exc.hint}".strip())]
        return form_page(request, state, viewer, territory_id, values, status=status_of(exc))
    return RedirectResponse(f"/tournees/{summary['id']}/progression", status_code=303)


# -- progress of a plan job ------------------------------------------------------------------


def _job(state: AppState, viewer: Viewer, plan_id: str) -> tuple[PlanRow, dict[str, str]]:
    """The plan (detached) and the names of the stops its re-plan names."""
    with state.db.session() as s:
        row = readable_plan(s, viewer.principal, plan_id, action="suivre le calcul d'un plan")
        parent = repo.get_plan(s, row.parent_id).document if row.parent_id else None
        s.expunge(row)
    return row, stop_names(parent)


def job_context(job: tuple[PlanRow, dict[str, str]], viewer: Viewer) -> dict:
    row, names = job
    return {
        "plan": row,
        "job": progress(row, dt.datetime.now(dt.UTC)),
        "stage": stage_fr(row),
        "can_cancel": viewer.principal.role in (Role.MANAGER, Role.ADMIN),
        "asked": asked_fr(row.changes, names),
    }


@router.get("/tournees/{plan_id}/progression")
def progress_page(request: Request, plan_id: str, state: StateDep, viewer: ViewerDep) -> Response:
    job = _job(state, viewer, plan_id)
    return render(
        request,
        "progression.html",
        viewer=viewer,
        title=f"Calcul du plan, version {job[0].version}",
        **job_context(job, viewer),
    )


@router.get("/tournees/{plan_id}/progression/etat")
def progress_fragment(
    request: Request, plan_id: str, state: StateDep, viewer: ViewerDep
) -> Response:
    """The job's state (an HTMX fragment); once done, the browser goes to the plan."""
    job = _job(state, viewer, plan_id)
    if job[0].status == "done":
        target = f"/tournees/{plan_id}"
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return render(request, "_plan_job.html", viewer=viewer, title="", **job_context(job, viewer))


@router.post("/tournees/{plan_id}/annuler-calcul")
def cancel_job(
    request: Request, plan_id: str, state: StateDep, viewer: ActingViewerDep
) -> Response:
    with state.db.session() as s:
        cancel_plan(plan_id, state, s, viewer.principal)  # audited there
    target = f"/tournees/{plan_id}/progression"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# -- the territory's plans -------------------------------------------------------------------


@router.get("/territoires/{territory_id}/plans")
def plans_page(request: Request, territory_id: str, state: StateDep, viewer: ViewerDep) -> Response:
    require_territory(viewer.principal, territory_id, action="lire les plans")
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
        rows = list(repo.list_plans(s, territory_id))
        if viewer.principal.role is Role.CONSEILLER:  # the drafts are the manager's
            rows = [r for r in rows if r.stage != "draft"]
        people = authors(s, rows)
        versions = {r.id: r.version for r in rows}
        items = [
            {
                "row": r,
                "stage": stage_fr(r),
                "stage_class": STAGE_CLASS.get(r.stage, ""),
                "status": progress(r, dt.datetime.now(dt.UTC)).label,
                "created": moment_fr(r.created_at),
                "author": author_fr(r.created_by, people),
                "parent": versions.get(r.parent_id or "", r.base_version),
                "asked": asked_fr(r.changes, stop_names(r.document)),
                "href": f"/tournees/{r.id}"
                if r.status == "done"
                else f"/tournees/{r.id}/progression",
            }
            for r in rows
        ]
    return render(
        request,
        "plans.html",
        viewer=viewer,
        title="Plans",
        territory=territory,
        items=items,
        manager=viewer.principal.role in (Role.MANAGER, Role.ADMIN),
    )
