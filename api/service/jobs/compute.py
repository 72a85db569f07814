"""One run of a plan job: solve (or re-plan) and save the result, guarded by the run's claim.

The same code runs inside the request (``MILO_JOBS_SYNC``) and in the child process of a
background run (:mod:`api.service.jobs.child`). The result (document and visit rows) is saved
in one transaction, and only while the run still owns its job (not cancelled, not requeued):
a failure part-way rolls everything back and the plan is then failed in a separate
transaction, so no partial plan is ever visible. An engine error is stored with its French
message and hint; any other exception as an internal error.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.db.session import Database
from api.service.jobs import state
from api.service.territory_store import TerritoryCache
from api.service.territory_tables import fixed_matrix_of, need_of
from planner.errors import InvalidProblemError, MiloError
from planner.itinerary.plan import Plan
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve
from planner.workflows.expected import expected_table, with_expectation
from planner.workflows.explain import attach_explanations
from planner.workflows.planning import plan_source, territory_problem
from planner.workflows.rules import with_overrides

log = logging.getLogger("milo.jobs")

INTERNAL_ERROR = {
    "detail": "Erreur interne pendant le calcul du plan : aucun plan enregistré.",
    "hint": "Relancez le calcul ; si l'erreur persiste, signalez-la avec l'id du plan.",
}


def change_from_json(d: dict[str, Any]) -> Change:
    return Change(
        kind=d["kind"],
        stop_id=d.get("stop_id"),
        van=d.get("van"),
        dates=frozenset(dt.date.fromisoformat(x) for x in d.get("dates", ())),
    )


def execute(db: Database, territories: TerritoryCache, run: state.Claim) -> None:
    """Compute the plan of ``run`` and save it (or its French error) if the run still owns it."""
    with db.session() as s:
        row = repo.get_plan(s, run.plan_id)
        params: dict[str, Any] = {
            "territory_id": row.territory_id,
            "start": row.start,
            "weeks": row.weeks,
            "options": dict(row.options),
            "parent_id": row.parent_id,
            "changes": list(row.changes or []),
        }
    try:
        plan = compute(db, territories, **params)
        with db.session() as s:
            current = s.get(PlanRow, run.plan_id, with_for_update=True)
            if not state.owns(current, run):
                log.info("plan job %s: run %d no longer current", run.plan_id, run.attempt)
                return
            repo.save_plan_result(s, run.plan_id, plan)
            s.commit()
    except MiloError as exc:
        state.fail(db, run, {"detail": exc.message, "hint": exc.hint})
    except Exception:
        log.exception("plan job %s failed", run.plan_id)
        state.fail(db, run, INTERNAL_ERROR)


def compute(
    db: Database,
    territories: TerritoryCache,
    *,
    territory_id: str,
    start: dt.date,
    weeks: int,
    options: dict[str, Any],
    parent_id: str | None,
    changes: list[dict[str, Any]],
) -> Plan:
    """Solve (a new plan) or repair the parent plan (a re-plan), with its explanations."""
    stored, _ = territories.get(territory_id)
    # the plan's rules apply to the problem and to its explanations alike; the cached
    # matrix and need table do not depend on them, the learned values are fitted once
    territory = with_overrides(stored, options.get("overrides"))
    need = need_of(territories, territory_id)
    to_fixed = fixed_matrix_of(territories, territory_id)
    expected = expected_table(territory)
    problem = territory_problem(
        territory,
        start=start,
        weeks=weeks,
        today=dt.date.today(),
        need=need,
        to_fixed=to_fixed,
        expected=expected,
        require_host=bool(options.get("require_host", False)),
    )
    if parent_id is None:
        source = plan_source(territory_id, start, weeks, options.get("overrides"))
        plan = solve(
            problem,
            solver=options["solver"],
            time_limit=float(options["time_limit"]),
            seed=int(options["seed"]),
            source=source,
        )
        plan = with_expectation(expected, plan)
        return attach_explanations(territory, problem, plan, need=need, to_fixed=to_fixed)
    with db.session() as s:
        parent = repo.get_plan(s, parent_id)
        document = parent.document
    if document is None:
        raise InvalidProblemError(
            f"Le plan d'origine {parent_id} n'a pas de résultat : rien à re-planifier.",
            hint="Re-planifiez un plan à l'état « done ».",
        )
    old = Plan.from_json(document)
    result = replan(
        problem,
        old,
        [change_from_json(c) for c in changes],
        mode=str(options.get("replan_mode", "minimal")),
        fill_freed=bool(options.get("fill_freed", False)),
        seed=int(options["seed"]),
    )
    plan = with_expectation(expected, result.plan)
    return attach_explanations(territory, result.problem, plan, need=need, to_fixed=to_fixed)
