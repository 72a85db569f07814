"""A manager's edits of a plan that need no job: check a move on the spot, lock visits.

- ``POST /plans/{id}/moves/check``: would this visit fit that slot? Answered at once (no
  solver run: :func:`planner.itinerary.move.check_move` on the problem the re-plan job would
  build, cached per plan options and partners revision), ``{"ok": true}`` or
  ``{"ok": false, "reason", "hint"}``; a 422 only for a malformed move (unknown stop or slot,
  a date outside the plan, a visit the plan does not hold). The move itself is a ``move_visit``
  change of ``POST /plans/{id}/replan``.
- ``PUT /plans/{id}/locks``: the plan's locked visits (``Visit.locked`` in its document), which
  its next re-plan keeps exactly and carries on; set on a draft or the published plan.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, require_manager
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.errors import ConflictError
from api.service.jobs.compute import cached_problem, change_from_json
from api.service.routes.plans import PlanId, not_ready
from api.service.schemas.common import ERRORS
from api.service.schemas.plans import LocksPublic, LocksUpdate, MoveCheckCreate, MoveVerdictPublic
from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.move import check_move
from planner.itinerary.plan import Plan
from planner.itinerary.replan_check import check_visit_keys

router = APIRouter(tags=["plans"], responses=ERRORS)


def managed_plan(s: Session, who: Principal, plan_id: str, *, action: str) -> tuple[PlanRow, Plan]:
    """The finished plan ``plan_id``, if the caller manages its territory."""
    row = repo.get_plan(s, plan_id)
    require_manager(who, row.territory_id, action=action)
    if row.status != "done" or row.document is None:
        raise not_ready(plan_id, row.status)
    return row, Plan.from_json(row.document)


def as_request_error(exc: NotFoundError) -> InvalidProblemError:
    """A value of the request's body that names nothing: 422, not 404."""
    return InvalidProblemError(exc.message, hint=exc.hint)


@router.post(
    "/plans/{plan_id}/moves/check",
    response_model=MoveVerdictPublic,
    response_model_exclude_none=True,
    summary="Vérifier tout de suite qu'une visite peut aller à un autre créneau (rien n'est "
    "enregistré)",
)
def check_move_route(
    plan_id: PlanId, body: MoveCheckCreate, state: StateDep, s: SessionDep, who: PrincipalDep
) -> dict[str, Any]:
    row, plan = managed_plan(s, who, plan_id, action="déplacer une visite")
    try:
        change = change_from_json(body.change())
        verdict = check_move(cached_problem(state.territories, row, s), plan, change)
    except NotFoundError as exc:
        raise as_request_error(exc) from None
    return verdict.to_json()


def _lock_record(v: dict[str, Any]) -> dict[str, str]:
    return {
        "date": v["date"],
        "van": v["van"],
        "stop_id": v["stop_id"],
        "slot": v["slot"],
        "stop_name": v.get("stop_name", ""),
    }


@router.put(
    "/plans/{plan_id}/locks",
    response_model=LocksPublic,
    summary="Verrouiller des visites (la liste complète : une visite absente est déverrouillée)",
)
def set_locks(
    plan_id: PlanId, body: LocksUpdate, state: StateDep, s: SessionDep, who: PrincipalDep
) -> dict[str, Any]:
    row, plan = managed_plan(s, who, plan_id, action="verrouiller des visites")
    if row.stage == "archived":
        raise ConflictError(
            f"Le plan {plan_id} est archivé : ses visites ne se verrouillent plus.",
            hint="Verrouillez les visites du plan publié ou d'un brouillon.",
        )
    wanted = [k.key() for k in body.locked]
    check_visit_keys(plan, wanted)  # every key is a visit of the plan (422)
    keys = {(date.isoformat(), van, stop_id) for date, van, stop_id in wanted}
    document = copy.deepcopy(row.document)
    assert document is not None
    before = [_lock_record(v) for v in document["visits"] if v.get("locked")]
    for v in document["visits"]:
        v["locked"] = (v["date"], v["van"], v["stop_id"]) in keys
    after = [_lock_record(v) for v in document["visits"] if v["locked"]]
    row.document = document
    row.options = {**row.options, "locks_rev": int(row.options.get("locks_rev", 0)) + 1}
    audit.record(
        s,
        who,
        "plan.locks",
        f"plans/{plan_id}/locks",
        {"locked": before},
        {"locked": after},
        territory_id=row.territory_id,
    )
    s.commit()
    state.plans.forget(plan_id)
    return {"plan_id": plan_id, "locked": after, "count": len(after)}
