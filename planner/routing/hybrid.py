"""``solver="pyvrp+lns"``: PyVRP, ruin-and-recreate rounds, then an exact CP-SAT polish.

PyVRP's local search settles on one route shape; on prize-collecting problems (orienteering)
a better shape may share only half of its clients with it, and the search never crosses the
valley in between: on Solomon-based OPTW c104, every seed returns the same 410-point route
while the optimum (420) drops six of its eleven clients. CP-SAT alone does not cross it
either: over the 17 clients of both routes it does not find the 420 route in ten seconds
(wide windows make the time links weak). What works is to *forbid* part of the current
solution and let PyVRP rebuild without it:

1. PyVRP's iterated local search on a share of the budget (:data:`FIRST_SHARE`);
2. rounds while time remains: *ruin*, an optional client drawn at random among those served
   and its nearest optional route-mates (one to :data:`MAX_RUIN` clients, related removal),
   which lose their prize for the round; *recreate*, a short PyVRP search
   (:data:`ROUND_SHARE` of the budget, fresh seed, from scratch) on that modified problem;
   the result replaces the incumbent when the independent check accepts it on the real
   problem and its objective is no worse (ties are taken);
3. on the last :data:`POLISH_SHARE` of the budget, the CP-SAT polish of
   :mod:`planner.routing.cpsat_polish` (exact sub-problems over each route and the best
   unserved clients); on small problems it proves the route optimal and returns early.

Measured on c104 at 10 s: 19 of seeds 0-19 reach 420 (seed 12 stays at 410), plain PyVRP
none. Tried and dropped, on the same instance: repairing each recreated route with CP-SAT (it
puts the forbidden clients back and undoes the ruin: 3 of 5 seeds optimal at 5 s against 5
of 5 without), worst removal (ranking by time used per prize keeps forbidding one far client),
forbidding the whole area around the removed clients, record-to-record acceptance.

Problems without optional clients (plain VRPTW) have nothing to ruin: PyVRP gets the whole
budget, as with ``solver="pyvrp"``.

Determinism: with ``max_iterations``, every PyVRP search is iteration-capped, CP-SAT runs
single-threaded under a deterministic limit and the number of rounds is fixed
(:data:`DETERMINISTIC_ROUNDS`), so the answer depends only on the inputs and the seed as
long as the clock does not cut first. With a time limit only, the rounds fill the clock and
CP-SAT uses two workers: runs may differ.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from planner.routing.cpsat_polish import Routes, evaluate, polish_routes
from planner.routing.model import RoutingProblem
from planner.routing.prepare import PreparedProblem, prepare
from planner.routing.pyvrp_solver import solve_pyvrp

FIRST_SHARE = 0.2  # of the budget for the first PyVRP search
ROUND_SHARE = 0.08  # of the budget for each recreate search
POLISH_SHARE = 0.03  # of the budget for the final CP-SAT polish
MAX_RUIN = 4  # longest run of consecutive clients forbidden in one round
DETERMINISTIC_ROUNDS = 8
POLISH_ROUNDS = 4  # CP-SAT sub-problems per vehicle in deterministic mode
MARGIN_S = 0.15  # kept for the final check, bookkeeping and solver overshoot


def solve_hybrid(
    problem: RoutingProblem,
    prep: PreparedProblem,
    *,
    time_limit: float,
    seed: int,
    max_iterations: int | None = None,
    initial: Sequence[tuple[int, Sequence[int]]] | None = None,
) -> Routes:
    """PyVRP, ruin-and-recreate rounds, CP-SAT polish; ``(vehicle, visits)`` per route.

    Parameters
    ----------
    problem, prep
        The routing problem and its node arrays.
    time_limit
        Wall-clock budget in seconds for everything, model building included.
    seed
        Seeds PyVRP (``seed``, then ``seed + round``), the ruin choices and CP-SAT.
    max_iterations
        PyVRP iteration cap per search; also makes the rounds deterministic (module doc).
    initial
        Warm start of the first PyVRP search.
    """
    deadline = time.perf_counter() + time_limit - MARGIN_S
    if all(c.required for c in problem.clients):
        return solve_pyvrp(
            problem,
            prep,
            time_limit=time_limit,
            seed=seed,
            max_iterations=max_iterations,
            initial=initial,
        )
    deterministic = max_iterations is not None
    best_routes = solve_pyvrp(
        problem,
        prep,
        time_limit=FIRST_SHARE * time_limit,
        seed=seed,
        max_iterations=max_iterations,
        initial=initial,
    )
    best = evaluate(problem, dict(best_routes))
    rng = np.random.default_rng(seed)
    round_s = ROUND_SHARE * time_limit
    rounds_end = deadline - POLISH_SHARE * time_limit
    for k in range(1, DETERMINISTIC_ROUNDS + 1 if deterministic else 1 << 30):
        if rounds_end - time.perf_counter() < round_s:
            break
        forbidden = ruin(problem, prep, best_routes, rng)
        if not forbidden:
            break
        trial = _recreate(problem, forbidden, round_s, seed + k, max_iterations)
        value = evaluate(problem, dict(trial))
        if value is None:
            continue
        if best is None or value <= best:
            best, best_routes = value, trial
    return polish_routes(
        problem,
        prep,
        best_routes,
        deadline=deadline,
        seed=seed,
        rounds=POLISH_ROUNDS * len(problem.vehicles) if deterministic else None,
        deterministic=deterministic,
    )


def ruin(
    problem: RoutingProblem,
    prep: PreparedProblem,
    routes: Routes,
    rng: np.random.Generator,
) -> list[int]:
    """A random served optional client and its nearest optional route-mates, to forbid.

    Related (Shaw) removal: one optional client drawn uniformly among those served, plus the
    ``L - 1`` optional clients of the same route nearest to it (travel both ways), ``L``
    uniform in ``1..MAX_RUIN``, so that a whole remote part of the route goes at once.
    """
    optional = [[c for c in visits if not problem.clients[c].required] for _, visits in routes]
    served = [(run, c) for run in optional for c in run]
    if not served:
        return []
    run, seed_client = served[int(rng.integers(len(served)))]
    length = int(rng.integers(1, min(MAX_RUIN, len(run)) + 1))
    here = prep.client_node(seed_client)
    nodes = np.array([prep.client_node(c) for c in run])
    closeness = prep.durations[here, nodes] + prep.durations[nodes, here]
    order = np.argsort(closeness, kind="stable")
    return [run[i] for i in order[:length]]


def _recreate(
    problem: RoutingProblem,
    forbidden: Sequence[int],
    time_limit: float,
    seed: int,
    max_iterations: int | None,
) -> Routes:
    """PyVRP on ``problem`` where the ``forbidden`` clients are worth nothing."""
    banned = set(forbidden)
    clients = tuple(
        replace(c, prize=0) if k in banned else c for k, c in enumerate(problem.clients)
    )
    modified = replace(problem, clients=clients)
    return solve_pyvrp(
        modified,
        prepare(modified),
        time_limit=time_limit,
        seed=seed,
        max_iterations=max_iterations,
    )
