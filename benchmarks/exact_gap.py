"""The heuristic's gap to the proven optimum (CP-SAT exact model) on generated small cases.

Cases (``--cases``, default 20; case ``i`` uses seed ``--seed + i``): 8 to 20 candidate stops
drawn uniformly in a 50 km square, one base at the centre (a second van, when there is one, has
its own base 10 to 20 km away half of the time), 1 or 2 weeks from Monday 2 March 2026 (school
term, zone A), 1 or 2 vans working Monday to Friday with the default slots and limits. Needs are
drawn in 5-60; about a quarter of the stops are periodic (weekly or fortnightly), one in five
opens only three mornings a week, one in ten is tied to a market day. Travel: straight lines
x 1.3 at 50 km/h.

Methods: the heuristic at its default settings (``planner.itinerary.solver.solve``: solver
``DEFAULT_SOLVER``, ``time_limit`` ``DEFAULT_TIME_LIMIT`` unless ``--time-limit``, seed 0)
against ``planner.itinerary.exact.solve_exact`` (``--exact-time-limit``, default 60 s, one
worker).

Prints one JSON line per case (``case``, ``stops``, ``weeks``, ``vans``, ``periodic``,
``heuristic``, ``exact``, ``gap_pct`` = (exact - heuristic) / exact, ``proven``,
``heuristic_s``, ``exact_s``, ``iterations`` of the search, both plans valid) and a ``summary``
line (mean and max gap, cases proven, goals of issue #11: mean <= 1 %, max <= 3 %).

Usage: ``python -m benchmarks.exact_gap [--cases 20] [--time-limit S] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np

from planner.fleet import Van
from planner.hours import WeeklyHours
from planner.itinerary.check import validate_plan
from planner.itinerary.exact import solve_exact
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem
from planner.itinerary.solver import DEFAULT_SOLVER, DEFAULT_TIME_LIMIT, solve

START = dt.date(2026, 3, 2)
SPEED_MS = 50 / 3.6
DETOUR = 1.3


def small_case(seed: int) -> ItineraryProblem:
    """One generated small case (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 21))
    weeks = int(rng.integers(1, 3))
    n_vans = int(rng.integers(1, 3))
    second_base = n_vans == 2 and bool(rng.random() < 0.5)
    bases = [np.zeros(2)]
    if second_base:
        angle, radius = rng.uniform(0, 2 * np.pi), rng.uniform(10_000, 20_000)
        bases.append(radius * np.array([np.cos(angle), np.sin(angle)]))
    stops = rng.uniform(-25_000, 25_000, size=(n, 2))
    xy = np.vstack([*bases, stops])
    metres = np.rint(DETOUR * np.linalg.norm(xy[:, None] - xy[None], axis=2)).astype(np.int64)
    seconds = np.rint(metres / SPEED_MS).astype(np.int64)
    first = len(bases)
    cands = []
    for i in range(n):
        draw = rng.random()
        frequency = None
        if draw < 0.15:
            frequency = Frequency.WEEKLY
        elif draw < 0.25:
            frequency = Frequency.FORTNIGHTLY
        hours = WeeklyHours.open_always()
        if rng.random() < 0.2:
            hours = WeeklyHours.from_intervals([(d, 8 * 60, 12 * 60) for d in (0, 2, 4)])
        market = int(rng.integers(0, 5)) if rng.random() < 0.1 else None
        cands.append(
            Candidate(
                id=f"c{i}",
                name=f"Arrêt {i}",
                location=first + i,
                need=float(rng.integers(5, 61)),
                hours=hours,
                frequency=frequency,
                market_day=market,
            )
        )
    base_locs = [BaseLocation(f"b{j}", f"Base {j}", j) for j in range(len(bases))]
    vans = [Van(id=f"v{j}", base=base_locs[min(j, len(bases) - 1)].id) for j in range(n_vans)]
    return ItineraryProblem.from_matrix(
        seconds,
        metres,
        candidates=cands,
        bases=base_locs,
        vans=vans,
        start=START,
        weeks=weeks,
        territory=f"petit-cas-{seed}",
        travel_time_method="euclidean-benchmark",
    )


def run_case(seed: int, time_limit: float, exact_limit: float) -> dict:
    pb = small_case(seed)
    t0 = time.perf_counter()
    heuristic = solve(pb, time_limit=time_limit)
    t1 = time.perf_counter()
    exact, proven = solve_exact(pb, time_limit=exact_limit)
    t2 = time.perf_counter()
    h, e = heuristic.solver.objective, exact.solver.objective
    return {
        "case": seed,
        "stops": len(pb.candidates),
        "weeks": pb.calendar.weeks,
        "vans": len(pb.vans),
        "periodic": sum(c.frequency is not None for c in pb.candidates),
        "heuristic": h,
        "exact": e,
        "exact_bound": exact.solver.bound,
        "gap_pct": round(100.0 * (e - h) / abs(e), 4) if e else 0.0,
        "proven": proven,
        "heuristic_s": round(t1 - t0, 2),
        "exact_s": round(t2 - t1, 2),
        "iterations": heuristic.solver.iterations,
        "valid": validate_plan(pb, heuristic).ok and validate_plan(pb, exact).ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="heuristic (s)"
    )
    parser.add_argument("--exact-time-limit", type=float, default=60.0, help="CP-SAT (s)")
    args = parser.parse_args()
    rows = []
    for i in range(args.cases):
        row = run_case(args.seed + i, args.time_limit, args.exact_time_limit)
        rows.append(row)
        print(json.dumps(row), flush=True)
    gaps = [r["gap_pct"] for r in rows]
    mean = float(np.mean(gaps)) if gaps else 0.0
    worst = max(gaps, default=0.0)
    summary = {
        "summary": True,
        "solver": DEFAULT_SOLVER,
        "time_limit_s": args.time_limit,
        "cases": len(rows),
        "proven": sum(r["proven"] for r in rows),
        "all_valid": all(r["valid"] for r in rows),
        "mean_gap_pct": round(mean, 4),
        "max_gap_pct": round(worst, 4),
        "goal_mean_le_1pct": mean <= 1.0,
        "goal_max_le_3pct": worst <= 3.0,
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
