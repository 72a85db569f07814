"""The itinerary engine: periodic patterns, then single visits, then search; with a bound.

Steps
-----
1. Positions and fit (:mod:`.grid`); more required visits than positions is an error. The
   problem's fixed visits (locked or moved by the manager, re-planning: :mod:`.fixed`) take
   their places first, locked, with the other repetitions of their periodic stops on the
   pattern of their origin (:func:`.placement.place_fixed`).
2. Periodic stops take one pattern each (same weekday, slot and van every 1, 2 or 4 weeks),
   required ones first, then by total need (:mod:`.periodic`); their visits are locked for
   steps 3 and 4.
3. Single visits: best insertion in need order (engine) or the day-by-day baseline
   (``solver="greedy"``).
4. ``solver="pyvrp"`` or ``"ortools"`` only: the single visits become one prize-collecting
   VRPTW over van-days for the generic routing core (:mod:`.routing_bridge`), warm-started
   from step 3, given ``ROUTING_SHARE`` of the time limit times the share of positions that
   periodic visits leave free; its routes are read back onto the slot grid (the grid re-checks
   every day, including the work limit).
5. Ruin-and-recreate search (:mod:`.search`, every mode but ``greedy``; after step 4 it gets
   the remaining share of the iteration budget) on single visits and on the patterns of the
   optional periodic stops (:mod:`.pattern_search`, :mod:`.pattern_swap`): patterns are
   re-placed (displacing single visits or giving way to them), swapped, and periodic stops
   left out by step 2 come in when room is made. A regular stop (two visits or more in the
   horizon) is never dropped once planned; required stops and visits kept by re-planning stay
   locked. A van day holds at most one stop per half-day slot, so the search works on the
   fixed slot grid directly.
6. The plan, dropped stops with reasons, KPIs, and the gap to the valid bound (:mod:`.bound`).

The same seed, time limit and problem give the same plan (the searches run a number of
iterations fixed by the time limit: PyVRP iterations, OR-Tools solutions, ruin-and-recreate
iterations, the last stopping earlier after a quarter of its budget without a better plan; the
wall clock only stops them on a machine far slower than the calibration, or, for OR-Tools whose
later solutions come ever more slowly, on instances much larger than the demo).

Benchmarks at the default (``DEFAULT_TIME_LIMIT`` 12 s, 2 shared cores, against the earlier
engine at its 60 s default): ``benchmarks/exact_gap.py``, 20 generated small cases, all proven
by CP-SAT: mean gap to the optimum 0.015 %, worst 0.14 % (earlier: 2.2 % and 11.0 %).
``benchmarks/weekly.py`` (circuits plans): ``local`` has the best objective on five of the six
cases and beats the earlier engine on all six: demo Marches de Bourgogne 17,450,379 against
17,400,769 with 36.4 h of driving against 41.5 h, in 4.3 s; ``marches-35-hubs`` (70 of the 80
half-days fortnightly) 35 of 35 hubs planned and 50.7 h against 33 of 35 and 62.1 h. The
routing modes cost time and route only the single visits, which circuits leave few of, so
``local`` is ``DEFAULT_SOLVER``.
"""

from __future__ import annotations

import time
from typing import Any

from planner.errors import InfeasibleError, InvalidProblemError
from planner.itinerary.assemble import assemble
from planner.itinerary.bound import gap_pct, max_visits, upper_bound
from planner.itinerary.greedy import baseline_fill, insert_all, single_candidates, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.pattern_search import PatternSpace, final_patterns
from planner.itinerary.periodic import place_periodic
from planner.itinerary.placement import place_fixed
from planner.itinerary.plan import Plan, SolverInfo
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.routing_bridge import route_singles
from planner.itinerary.schedule import Schedule
from planner.itinerary.search import improve
from planner.itinerary.timing_cache import CachedGrid

ROUTING_SOLVERS = ("pyvrp", "ortools")
SOLVERS = ("local", "greedy", *ROUTING_SOLVERS)
DEFAULT_SOLVER = "local"
#: default time limit (s) of every caller (``milo plan``, plan_territory, the service)
DEFAULT_TIME_LIMIT = 12.0
#: search iterations granted per second of time limit (calibrated on 2 shared cores)
ITERATIONS_PER_SECOND = 1500
#: share of the time limit (and of the iteration budget) given to the routing core when no
#: position is locked; it shrinks with the share of positions periodic visits hold
ROUTING_SHARE = 0.5
#: routing budget per second of its share: PyVRP iterations, OR-Tools solutions found
ROUTING_ITERATIONS_PER_SECOND = {"pyvrp": 1500, "ortools": 4}


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
    """Steps 2-3: the fixed visits (with the patterns of their periodic stops), periodic
    patterns, then single visits.

    Returns the schedule, chosen patterns, periodic stops left out and single candidates.
    """
    schedule = Schedule(grid)
    patterns, fixed = place_fixed(schedule)
    placed, failed = place_periodic(schedule, [c for c in periodic_order(grid) if c not in fixed])
    patterns.update(placed)
    singles = [c for c in single_candidates(schedule) if c not in fixed]
    if baseline:
        baseline_fill(schedule, singles)
    else:
        insert_all(schedule, value_order(schedule, singles), list(range(grid.n_positions)))
    return schedule, patterns, failed, singles


def movable_patterns(schedule: Schedule) -> PatternSpace:
    """The patterns the search may move: those of every optional periodic stop without a
    fixed visit."""
    pb = schedule.grid.problem
    fixed = {f.stop_id for f in pb.fixed}
    movable = {
        c
        for c, cand in enumerate(pb.candidates)
        if cand.frequency is not None
        and cand.frequency.period_weeks
        and not cand.required
        and cand.id not in fixed
    }
    return PatternSpace.build(schedule, movable)


def solve(
    problem: ItineraryProblem,
    *,
    solver: str = DEFAULT_SOLVER,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    iterations: int | None = None,
    source: dict[str, Any] | None = None,
) -> Plan:
    """Plan ``problem``; see the module docstring.

    Parameters
    ----------
    solver
        ``local`` (construction + search), ``pyvrp`` or ``ortools`` (construction, the
        routing core with that solver, then search), or ``greedy`` (the day-by-day baseline,
        no search). ``DEFAULT_SOLVER`` is the best on the benchmark.
    time_limit
        Seconds; sets the iteration budget and the wall-clock stop.
    seed
        Random seed of the search.
    iterations
        Overrides the ruin-and-recreate iteration budget derived from ``time_limit`` (the
        routing budget of ``pyvrp`` / ``ortools`` always comes from ``time_limit``).
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
    grid = CachedGrid(problem)
    check_required_capacity(grid)
    schedule, patterns, failed, singles = build_schedule(grid, baseline=solver == "greedy")
    done = 0
    local_share = 1.0
    if solver in ROUTING_SOLVERS:
        routing_share = ROUTING_SHARE * (1.0 - len(schedule.locked) / max(grid.n_positions, 1))
        share = time_limit * routing_share
        schedule, _ = route_singles(
            schedule,
            singles,
            solver=solver,
            time_limit=share,
            seed=seed,
            max_iterations=max(1, int(share * ROUTING_ITERATIONS_PER_SECOND[solver])),
        )
        local_share = 1.0 - routing_share
    if solver != "greedy":
        budget = (
            iterations
            if iterations is not None
            else int(time_limit * local_share * ITERATIONS_PER_SECOND)
        )
        space = movable_patterns(schedule)
        schedule, done = improve(
            schedule, singles, seed=seed, iterations=budget, deadline=deadline, space=space
        )
        patterns, moved_failed = final_patterns(schedule, space, patterns)
        failed = [c for c in failed if c not in space.tracks] + moved_failed
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
