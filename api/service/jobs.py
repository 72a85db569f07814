"""Plan jobs: solve in the background (a thread pool) or inside the request (``jobs_sync``).

A job moves its plan row ``queued -> running -> done | failed``. The result (document and visit
rows) is saved in one transaction: a failure part-way rolls everything back and the plan is then
marked ``failed`` in a separate transaction, so no partial plan is ever visible. An engine error
is stored with its French message and hint; any other exception is stored as an internal error
(the request that queued the job has already answered).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from api.service.db import repo
from api.service.db.session import Database
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


def change_from_json(d: dict[str, Any]) -> Change:
    return Change(
        kind=d["kind"],
        stop_id=d.get("stop_id"),
        van=d.get("van"),
        dates=frozenset(dt.date.fromisoformat(x) for x in d.get("dates", ())),
    )


class JobRunner:
    """Runs plan jobs; ``sync=True`` runs them at submission (tests, scripts)."""

    def __init__(
        self, db: Database, territories: TerritoryCache, *, sync: bool, workers: int = 1
    ) -> None:
        self.db = db
        self.territories = territories
        self.sync = sync
        self._pool = None if sync else ThreadPoolExecutor(workers, thread_name_prefix="milo-plan")
        self.futures: dict[str, Future[None]] = {}

    def submit(self, plan_id: str) -> None:
        if self._pool is None:
            self.run(plan_id)
        else:
            self.futures[plan_id] = self._pool.submit(self.run, plan_id)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    # -- one job ------------------------------------------------------------------------------

    def run(self, plan_id: str) -> None:
        with self.db.session() as s:
            row = repo.get_plan(s, plan_id)
            row.status = "running"
            params: dict[str, Any] = {
                "territory_id": row.territory_id,
                "start": row.start,
                "weeks": row.weeks,
                "options": dict(row.options),
                "parent_id": row.parent_id,
                "changes": list(row.changes or []),
            }
            s.commit()
        try:
            plan = self.compute(**params)
            with self.db.session() as s:
                repo.save_plan_result(s, plan_id, plan)
                s.commit()
        except MiloError as exc:
            self._fail(plan_id, {"detail": exc.message, "hint": exc.hint})
        except Exception:
            log.exception("plan job %s failed", plan_id)
            self._fail(
                plan_id,
                {
                    "detail": "Erreur interne pendant le calcul du plan : aucun plan enregistré.",
                    "hint": "Relancez le calcul ; si l'erreur persiste, signalez-la avec "
                    "l'id du plan.",
                },
            )

    def _fail(self, plan_id: str, error: dict[str, str]) -> None:
        with self.db.session() as s:
            repo.set_status(s, plan_id, "failed", error=error)
            s.commit()

    def compute(
        self,
        *,
        territory_id: str,
        start: dt.date,
        weeks: int,
        options: dict[str, Any],
        parent_id: str | None,
        changes: list[dict[str, Any]],
    ) -> Plan:
        """Solve (a new plan) or repair the parent plan (a re-plan), with its explanations."""
        stored, _ = self.territories.get(territory_id)
        # the plan's rules apply to the problem and to its explanations alike; the cached
        # matrix and need table do not depend on them, the learned values are fitted once
        territory = with_overrides(stored, options.get("overrides"))
        need = need_of(self.territories, territory_id)
        to_fixed = fixed_matrix_of(self.territories, territory_id)
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
        with self.db.session() as s:
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
