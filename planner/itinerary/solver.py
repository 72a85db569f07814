"""The itinerary engine: periodic patterns, then single visits, then search; with a bound.

Steps
-----
1. Positions and fit (:mod:`.grid`); more required visits than positions is an error.
2. Periodic stops take one pattern each (same weekday, slot and van every 1, 2 or 4 weeks),
   required ones first, then by total need (:mod:`.periodic`); their visits are locked.
3. Single visits: best insertion in need order (engine) or the day-by-day baseline
   (``solver="greedy"``).
4. Ruin-and-recreate search (:mod:`.search`) on single visits. A van day holds at most one
   stop per half-day slot, so routes have one or two stops: the search is a pairing problem
   on a fixed slot grid, handled directly rather than through the generic routing core.
5. The plan, dropped stops with reasons, KPIs, and the gap to the valid bound (:mod:`.bound`).

The same seed, time limit and problem give the same plan (the search runs a number of
iterations fixed by the time limit; the wall clock only stops it on a machine far slower than
the calibration).
"""

from __future__ import annotations

import time
from typing import Any

from planner.errors import InfeasibleError, InvalidProblemError
from planner.itinerary.assemble import assemble
from planner.itinerary.bound import gap_pct, max_visits, upper_bound
from planner.itinerary.greedy import baseline_fill, insert_all, single_candidates, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import place_periodic
from planner.itinerary.plan import Plan, SolverInfo
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.schedule import Schedule
from planner.itinerary.search import improve

SOLVERS = ("local", "greedy")
DEFAULT_SOLVER = "local"
#: search iterations granted per second of time limit (calibrated on 2 shared cores)
ITERATIONS_PER_SECOND = 1500


def check_required_capacity(grid: Grid) -> None:
    """Raise when the required visits outnumber the positions of the horizon."""
    pb = grid.problem
    most = max_visits(grid)
    required = sum(
        int(most[c]) if cand.frequency is not None and cand.frequency.period_weeks else 1
        for c, cand in enumerate(pb.candidates)
        if cand.required and grid.never_reason[c] is None
    )
    if required > grid.n_positions:
        raise InfeasibleError(
            f"{required} visites obligatoires pour seulement {grid.n_positions} créneaux "
            "(véhicules x jours ouvrés x créneaux).",
            hint="Ajoutez des semaines ou des véhicules, ou rendez des arrêts facultatifs.",
        )


def periodic_order(grid: Grid) -> list[int]:
    pb = grid.problem
    most = max_visits(grid)
    periodic = [
        c
        for c, cand in enumerate(pb.candidates)
        if cand.frequency is not None and cand.frequency.period_weeks is not None
    ]
    return sorted(
        periodic, key=lambda c: (not pb.candidates[c].required, -grid.need[c] * most[c], c)
    )


def build_schedule(grid: Grid, *, baseline: bool) -> tuple[Schedule, dict, list[int], list[int]]:
    """Steps 2-3: periodic patterns, then single visits.

    Returns the schedule, chosen patterns, periodic stops left out and single candidates.
    """
    schedule = Schedule(grid)
    patterns, failed = place_periodic(schedule, periodic_order(grid))
    singles = single_candidates(schedule)
    if baseline:
        baseline_fill(schedule, singles)
    else:
        insert_all(schedule, value_order(schedule, singles), list(range(grid.n_positions)))
    return schedule, patterns, failed, singles


def solve(
    problem: ItineraryProblem,
    *,
    solver: str = DEFAULT_SOLVER,
    time_limit: float = 60.0,
    seed: int = 0,
    iterations: int | None = None,
    source: dict[str, Any] | None = None,
) -> Plan:
    """Plan ``problem``; see the module docstring.

    Parameters
    ----------
    solver
        ``local`` (default: construction + search) or ``greedy`` (the day-by-day baseline,
        no search).
    time_limit
        Seconds; sets the iteration budget and the wall-clock stop.
    seed
        Random seed of the search.
    iterations
        Overrides the iteration budget derived from ``time_limit``.
    """
    if solver not in SOLVERS:
        raise InvalidProblemError(
            f"Solveur {solver!r} inconnu (attendu : {', '.join(SOLVERS)}).",
            hint=f"Utilisez {DEFAULT_SOLVER} par défaut.",
        )
    if time_limit <= 0:
        raise InvalidProblemError(
            f"Limite de temps {time_limit!r} s invalide (attendu > 0).",
            hint="Donnez un nombre de secondes positif, par exemple 60.",
        )
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    grid = Grid(problem)
    check_required_capacity(grid)
    schedule, patterns, failed, singles = build_schedule(grid, baseline=solver == "greedy")
    done = 0
    if solver != "greedy":
        budget = iterations if iterations is not None else int(time_limit * ITERATIONS_PER_SECOND)
        schedule, done = improve(schedule, singles, seed=seed, iterations=budget, deadline=deadline)
    bound = upper_bound(grid)
    info = SolverInfo(
        name=solver,
        seed=seed,
        time_s=time.perf_counter() - t0,
        time_limit_s=float(time_limit),
        objective=schedule.objective,
        bound=bound,
        gap_pct=gap_pct(schedule.objective, bound),
        iterations=done,
    )
    return assemble(
        grid, schedule, patterns=patterns, failed_periodic=failed, solver=info, source=source
    )
