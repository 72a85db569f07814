"""Moving one visit to another date, slot or van, and locking visits, from the plan's page.

- ``…/visites/{id}/deplacer/verifier`` (HTMX, on every change of the move form): the API's
  on-the-spot check (:func:`~api.service.routes.plan_edits.check_move_route`: nothing is
  saved), answered as a French status fragment: the move fits, or why not and where it could go.
- ``…/visites/{id}/deplacer``: the move as a ``move_visit`` change of a minimal re-plan (the
  API checks it again before queueing the job), then the new draft's progress page.
- ``…/visites/{id}/verrou``: lock or unlock the visit (the API's ``PUT /plans/{id}/locks``
  with the plan's whole list; audited there); a locked visit is kept as it is by re-plans.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import AppState, StateDep
from api.service.errors import message_fr
from api.service.routes.plan_edits import check_move_route, set_locks
from api.service.schemas.plans import ChangeCreate, LocksUpdate, MoveCheckCreate
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, WebMark
from api.web.pages import render
from api.web.plan_week import week_of
from api.web.routes.plan_actions import find_visit, go, start_replan
from planner.errors import InvalidProblemError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

Text = Annotated[str, Form(max_length=100)]


def _visit(state: AppState, viewer: Viewer, plan_id: str, visit_id: int) -> dict[str, Any]:
    with state.db.session() as s:
        row = repo.get_plan(s, plan_id)
        require_manager(viewer.principal, row.territory_id, action="déplacer une séance")
        return find_visit(row.document, plan_id, visit_id)


def move_of(visit: dict[str, Any], to_date: str, to_slot: str, to_van: str) -> MoveCheckCreate:
    """The move of ``visit`` to the form's date, slot and van (French 422 when unreadable)."""
    try:
        return MoveCheckCreate(
            stop_id=str(visit["stop_id"]),
            date=dt.date.fromisoformat(str(visit["date"])),
            van=str(visit["van"]),
            to_date=to_date,  # type: ignore[arg-type]
            to_slot=to_slot,
            to_van=to_van or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = {"to_date": "Nouvelle date", "to_slot": "Nouveau créneau"}.get(
            str(first.get("loc", ("",))[0]), "Déplacement"
        )
        raise InvalidProblemError(
            f"{where} : {message_fr(first)}.",
            hint="Choisissez la date, le créneau et le véhicule dans les listes.",
        ) from None


def asked_move(
    plan_id: str,
    visit_id: int,
    state: StateDep,
    viewer: ActingViewerDep,
    to_date: Text = "",
    to_slot: Text = "",
    to_van: Text = "",
) -> MoveCheckCreate:
    """The move the form asks for (the visit of the plan, where it would go)."""
    return move_of(_visit(state, viewer, plan_id, visit_id), to_date, to_slot, to_van)


MoveDep = Annotated[MoveCheckCreate, Depends(asked_move)]


@router.post("/tournees/{plan_id}/visites/{visit_id}/deplacer/verifier")
def check_move(
    request: Request, plan_id: str, state: StateDep, viewer: ActingViewerDep, move: MoveDep
) -> Response:
    """Would the visit fit there? A status fragment (nothing is saved)."""
    with state.db.session() as s:
        verdict = check_move_route(plan_id, move, state, s, viewer.principal)
    return render(
        request, "_move_verdict.html", viewer=viewer, title="", verdict=verdict, move=move
    )


@router.post("/tournees/{plan_id}/visites/{visit_id}/deplacer")
def move_visit(
    request: Request, plan_id: str, state: StateDep, viewer: ActingViewerDep, move: MoveDep
) -> Response:
    """Move the visit: a minimal re-plan with this ``move_visit`` change."""
    change = ChangeCreate.model_validate(move.change())
    new_id = start_replan(state, viewer, plan_id, [change])
    return go(request, f"/tournees/{new_id}/progression")


@router.post("/tournees/{plan_id}/visites/{visit_id}/verrou")
def toggle_lock(
    request: Request, plan_id: str, visit_id: int, state: StateDep, viewer: ActingViewerDep
) -> Response:
    """Lock the visit, or unlock it when it is locked (the plan's other locks are kept)."""
    visit = _visit(state, viewer, plan_id, visit_id)
    with state.db.session() as s:
        document = repo.get_plan(s, plan_id).document or {}
        locked = [
            {"date": v["date"], "van": v["van"], "stop_id": v["stop_id"]}
            for v in document.get("visits", ())
            if v.get("locked") and v.get("id") != visit_id
        ]
        if not visit.get("locked"):
            locked.append({"date": visit["date"], "van": visit["van"], "stop_id": visit["stop_id"]})
        body = LocksUpdate.model_validate({"locked": locked})
        set_locks(plan_id, body, state, s, viewer.principal)  # audited there
    week = week_of(document, dt.date.fromisoformat(str(visit["date"])))
    return go(request, f"/tournees/{plan_id}?semaine={week}#visite-{visit_id}")
