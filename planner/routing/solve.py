"""One entry point for every routing solver: :func:`solve`."""

from __future__ import annotations

import time
from collections.abc import Callable

from planner.errors import InvalidProblemError
from planner.routing.check import build_route, is_feasible, solution_totals
from planner.routing.model import RoutingProblem, RoutingSolution
from planner.routing.prepare import prepare

SOLVERS = ("pyvrp", "ortools", "pyvrp+lns")


def solve(
    problem: RoutingProblem,
    *,
    solver: str = "pyvrp",
    time_limit: float = 10.0,
    seed: int = 0,
    initial: RoutingSolution | None = None,
    max_iterations: int | None = None,
) -> RoutingSolution:
    """Solve a prize-collecting VRP with time windows.

    Parameters
    ----------
    problem
        The routing problem (integer units).
    solver
        ``"pyvrp"`` (iterated local search, default), ``"ortools"`` (OR-Tools routing with
        guided local search) or ``"pyvrp+lns"`` (PyVRP, ruin-and-recreate rounds, then an exact
        CP-SAT polish, see :mod:`planner.routing.hybrid`: the strongest on prize-collecting
        problems such as orienteering; the same as ``"pyvrp"`` when every client is
        required).
    time_limit
        Search time in seconds (> 0).
    seed
        Random seed. PyVRP follows the same search path for the same seed; OR-Tools routing
        has no random component (the seed is only recorded).
    initial
        Optional warm start (its routes are given to the solver as a first solution).
    max_iterations
        Optional deterministic budget: PyVRP iterations, or OR-Tools solutions found by the
        local search. When it (not the clock) ends the search, the same inputs give the same
        solution on any machine.

    Returns
    -------
    RoutingSolution
        Routes with recomputed start times, distance and travel time; ``feasible`` comes from
        the independent check of :mod:`planner.routing.check`, not from the solver.

    Raises
    ------
    InvalidProblemError
        Unknown solver, non-positive time limit or iteration budget.
    """
    run = _runner(solver)
    if not time_limit > 0:
        raise InvalidProblemError(
            f"Limite de temps positive attendue, reçu {time_limit}.",
            hint="Donnez une durée en secondes, par exemple time_limit=10.",
        )
    if max_iterations is not None and max_iterations < 1:
        raise InvalidProblemError(
            f"Nombre d'itérations >= 1 attendu, reçu {max_iterations}.",
            hint="Omettez max_iterations pour ne limiter que le temps.",
        )
    started = time.perf_counter()
    prep = prepare(problem)
    warm = [(r.vehicle, list(r.visits)) for r in initial.routes] if initial else None
    raw = (
        run(
            problem,
            prep,
            time_limit=time_limit,
            seed=seed,
            max_iterations=max_iterations,
            initial=warm,
        )
        if problem.clients
        else []
    )
    routes = tuple(build_route(problem, k, visits) for k, visits in sorted(raw) if visits)
    objective, distance, prize = solution_totals(problem, routes)
    return RoutingSolution(
        routes=routes,
        objective=objective,
        distance=distance,
        prize_collected=prize,
        feasible=is_feasible(problem, routes),
        solver=solver,
        runtime_s=time.perf_counter() - started,
        seed=seed,
    )


def _runner(solver: str) -> Callable[..., list[tuple[int, list[int]]]]:
    if solver == "pyvrp":
        from planner.routing.pyvrp_solver import solve_pyvrp

        return solve_pyvrp
    if solver == "ortools":
        from planner.routing.ortools_solver import solve_ortools

        return solve_ortools
    if solver == "pyvrp+lns":
        from planner.routing.hybrid import solve_hybrid

        return solve_hybrid
    raise InvalidProblemError(
        f"Solveur inconnu « {solver} » ; attendu l'un de {', '.join(SOLVERS)}.",
        hint="Choisissez solver='pyvrp', solver='ortools' ou solver='pyvrp+lns'.",
    )


__all__ = ["SOLVERS", "solve"]
