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
import json
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.service.activity_history import recorded_fingerprint, recorded_history, with_recorded
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.db.session import Database
from api.service.jobs import state
from api.service.territory_store import TerritoryCache
from api.service.territory_tables import fixed_matrix_of, need_of, network_of
from planner.coverage.need import NeedTable
from planner.errors import InvalidProblemError, MiloError
from planner.itinerary.fixed import VisitKey
from planner.itinerary.plan import Plan
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve
from planner.matrix import TravelMatrix
from planner.network import RoadNetwork
from planner.territory import Territory
from planner.workflows.expected import ExpectedTable, expected_table, with_expectation
from planner.workflows.explain import attach_explanations
from planner.workflows.planning import plan_source, territory_problem
from planner.workflows.rules import with_overrides

log = logging.getLogger("milo.jobs")

INTERNAL_ERROR = {
    "detail": "Erreur interne pendant le calcul du plan : aucun plan enregistré.",
    "hint": "Relancez le calcul ; si l'erreur persiste, signalez-la avec l'id du plan.",
}


def change_from_json(d: dict[str, Any]) -> Change:
    to_date = d.get("to_date")
    return Change(
        kind=d["kind"],
        stop_id=d.get("stop_id"),
        van=d.get("van"),
        dates=frozenset(dt.date.fromisoformat(x) for x in d.get("dates", ())),
        to_date=dt.date.fromisoformat(to_date) if to_date else None,
        to_slot=d.get("to_slot"),
        to_van=d.get("to_van"),
    )


def locks_from_json(items: list[dict[str, Any]] | None) -> list[VisitKey]:
    """The visit keys of a stored ``locked`` option (``{"date", "van", "stop_id"}``)."""
    return [(dt.date.fromisoformat(x["date"]), x["van"], x["stop_id"]) for x in items or ()]


@dataclass(frozen=True)
class JobInputs:
    """What a plan job (and a move check) computes on: the territory under the plan's rules,
    its problem and the tables its explanations use."""

    territory: Territory
    problem: ItineraryProblem
    need: NeedTable
    to_fixed: TravelMatrix
    expected: ExpectedTable
    network: RoadNetwork | None = None


def recorded_of(territories: TerritoryCache, territory_id: str, s: Session | None) -> pd.DataFrame:
    """The counts recorded on the territory's visits as history rows (:mod:`api.service.
    activity_history`), read in ``s`` or in a session of its own."""
    if s is not None:
        return recorded_history(s, territory_id)
    with territories.db.session() as own:
        return recorded_history(own, territory_id)


def job_inputs(
    territories: TerritoryCache,
    territory_id: str,
    *,
    start: dt.date,
    weeks: int,
    options: dict[str, Any],
    s: Session | None = None,
) -> JobInputs:
    """The problem of a plan of ``territory_id`` (``options``: the plan's stored options)."""
    stored, _ = territories.get(territory_id, s)
    # the plan's rules apply to the problem and to its explanations alike; the cached
    # matrix and need table do not depend on them, the learned values are fitted once, on the
    # history and the counts recorded on the territory's visits (read now, not cached)
    territory = with_overrides(stored, options.get("overrides"))
    territory = with_recorded(territory, recorded_of(territories, territory_id, s))
    need = need_of(territories, territory_id, s)
    to_fixed = fixed_matrix_of(territories, territory_id, s)
    network = network_of(territories, territory_id, s)
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
        network=network,
    )
    return JobInputs(territory, problem, need, to_fixed, expected, network)


#: the plan options that change its problem (the others are the solver's)
PROBLEM_OPTIONS = ("overrides", "require_host")


def cached_problem(territories: TerritoryCache, row: PlanRow, s: Session) -> ItineraryProblem:
    """The problem of plan ``row`` as :func:`job_inputs` builds it, kept in the territory cache
    per partners revision, horizon and rule options (the checks of one plan's moves reuse it)
    and rebuilt when the territory's recorded counts have changed since (its expected values
    learn from them) or its road network (``milo roads``)."""
    start, weeks, options = row.start, row.weeks, row.options
    wanted = {k: options.get(k) for k in PROBLEM_OPTIONS}
    name = f"problem:{start.isoformat()}:{weeks}:{json.dumps(wanted, sort_keys=True)}"

    def build(_territory: Territory) -> ItineraryProblem:
        return job_inputs(
            territories, row.territory_id, start=start, weeks=weeks, options=options, s=s
        ).problem

    recorded = recorded_fingerprint(s, row.territory_id)
    network = network_of(territories, row.territory_id, s)
    variant = (recorded, network.graph_hash if network is not None else None)
    return territories.derived(row.territory_id, name, build, s, variant=variant)


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
    inputs = job_inputs(territories, territory_id, start=start, weeks=weeks, options=options)
    territory, problem, need = inputs.territory, inputs.problem, inputs.need
    to_fixed, expected = inputs.to_fixed, inputs.expected
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
        return attach_explanations(
            territory, problem, plan, need=need, network=inputs.network, to_fixed=to_fixed
        )
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
        locked=locks_from_json(options.get("locked")),
    )
    plan = with_expectation(expected, result.plan)
    return attach_explanations(
        territory, result.problem, plan, need=need, network=inputs.network, to_fixed=to_fixed
    )
