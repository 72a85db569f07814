"""Re-planning benchmark: what a change moves, minimal repair vs a full re-solve, side by side.

Cases: the two embedded demos, 4 weeks from Monday 2 March 2026 (zone A school term), each
planned once with the default solver. Changes: ``cancel-one-date`` (the most visited stop loses
its second visit), ``close-date`` (the busiest date closed for every van) and ``van-down-day``
(the first van down on its busiest date). Modes: ``minimal`` (default), ``minimal+fill``
(``fill_freed=True``) and ``full``.

Prints one JSON line per case, change and mode: ``{"case", "change", "mode", "visits_before",
"visits_after", "kept", "kept_pct", "moved", "removed", "added", "retimed", "need_ratio"
(need served after / before), "valid", "time_s"}``. The promise measured: in minimal mode every
visit the change does not touch is kept (``kept = visits_before - touched``).

Usage: ``python benchmarks/replan.py [--time-limit 10] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import Counter

from geo_data.demo import load_demo_territory
from planner.itinerary.check import validate_plan
from planner.itinerary.plan import Plan
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve
from planner.workflows.planning import territory_problem

START = dt.date(2026, 3, 2)
DEMOS = ("marches-de-bourgogne", "creusot-montceau")
MODES = (("minimal", False), ("minimal+fill", True), ("full", False))


def changes_of(plan: Plan) -> list[tuple[str, Change, int]]:
    """The benchmark's changes on ``plan``, each with the number of visits it touches."""
    stop, _ = Counter(v.stop_id for v in plan.visits).most_common(1)[0]
    second = sorted(v.date for v in plan.visits if v.stop_id == stop)[1]
    busiest, n_busy = Counter(v.date for v in plan.visits).most_common(1)[0]
    van = plan.visits[0].van
    van_day, n_van = Counter(v.date for v in plan.visits if v.van == van).most_common(1)[0]
    return [
        ("cancel-one-date", Change("cancel_stop", stop_id=stop, dates=frozenset({second})), 1),
        ("close-date", Change("close_date", dates=frozenset({busiest})), n_busy),
        ("van-down-day", Change("van_down", van=van, dates=frozenset({van_day})), n_van),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for slug in DEMOS:
        problem = territory_problem(load_demo_territory(slug), start=START, weeks=4)
        plan = solve(problem, time_limit=args.time_limit, seed=args.seed)
        before = plan.kpis["need_served"]
        for name, change, touched in changes_of(plan):
            for mode, fill in MODES:
                t0 = time.perf_counter()
                result = replan(
                    problem,
                    plan,
                    [change],
                    mode="full" if mode == "full" else "minimal",
                    fill_freed=fill,
                    seed=args.seed,
                )
                elapsed = time.perf_counter() - t0
                line = {
                    "case": f"demo-{slug}",
                    "change": name,
                    "mode": mode,
                    "visits_before": len(plan.visits),
                    "touched": touched,
                    "visits_after": len(result.plan.visits),
                    "kept": len(result.kept),
                    "kept_pct": round(100 * len(result.kept) / len(plan.visits), 1),
                    "moved": len(result.moved),
                    "removed": len(result.removed),
                    "added": len(result.added),
                    "retimed": len(result.retimed),
                    "need_ratio": round(result.plan.kpis["need_served"] / max(before, 1e-9), 4),
                    "valid": validate_plan(result.problem, result.plan).ok,
                    "time_s": round(elapsed, 2),
                }
                print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
