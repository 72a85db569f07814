"""PyVRP adapter: builds one ``pyvrp.ProblemData`` and runs its iterated local search.

Mapping of the generic model:

- depots and clients become PyVRP depots and clients, one location per node
  (:mod:`planner.routing.prepare`); the PyVRP "distance" is the weighted arc cost, so that
  ``unit_distance_cost=1`` makes PyVRP's objective the model's (up to the constant sum of
  prizes);
- vehicles with identical attributes share one ``VehicleType`` (``num_available`` > 1);
  ``max_duration`` is the shift duration, ``capacity`` one load dimension;
- exclusive groups are ``ClientGroup``\\ s (required when their members are required);
- allowed vehicles: PyVRP has no per-client vehicle restriction, so every set of forbidden
  clients gets its own profile, in which the arcs into and out of those clients cost ``big``
  (more than any whole route) and the vehicle types of that profile get
  ``max_distance = big - 1``: one forbidden arc makes a route infeasible, and PyVRP only
  returns feasible best solutions.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyvrp
from pyvrp import PenaltyManager, PenaltyParams, SolveParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from planner.routing.model import RoutingProblem
from planner.routing.prepare import PreparedProblem

NO_LIMIT = int(np.iinfo(np.int64).max)  # PyVRP's own default for open limits


@dataclass(frozen=True)
class PyVRPModel:
    """PyVRP data plus the vehicle indices behind each vehicle type."""

    data: pyvrp.ProblemData
    type_vehicles: tuple[tuple[int, ...], ...]

    def vehicle_type(self, vehicle: int) -> int:
        """Vehicle type of model vehicle ``vehicle``."""
        return next(t for t, vs in enumerate(self.type_vehicles) if vehicle in vs)


def build_model(problem: RoutingProblem, prep: PreparedProblem) -> PyVRPModel:
    """Translate ``problem`` (through ``prep``) into PyVRP's ``ProblemData``."""
    n_nodes = len(prep.locations)
    has_load = any(c.demand for c in problem.clients) and any(
        v.capacity is not None for v in problem.vehicles
    )
    no_limit = sum(c.demand for c in problem.clients)
    groups = [
        pyvrp.ClientGroup(members, required=problem.clients[members[0]].required)
        for members in prep.groups.values()
    ]
    group_of = {m: g for g, members in enumerate(prep.groups.values()) for m in members}
    clients = [
        pyvrp.Client(
            location=prep.client_node(k),
            delivery=[c.demand] if has_load else [],
            service_duration=c.service,
            tw_early=prep.clip(c.tw_early),
            tw_late=prep.clip(c.tw_late),
            prize=c.prize,
            required=c.required and k not in group_of,
            group=group_of.get(k),
            name=c.name,
        )
        for k, c in enumerate(problem.clients)
    ]
    depots = [pyvrp.Depot(location=d, tw_late=prep.horizon) for d in range(prep.num_depots)]
    profiles = _profiles(problem)
    big = int(prep.cost.max(initial=0)) * (n_nodes + 1) + 1
    keys: dict[tuple, list[int]] = {}
    for k, v in enumerate(problem.vehicles):
        key = (
            prep.depot_node(v.start_depot),
            prep.depot_node(v.end_depot),
            prep.clip(v.tw_early),
            prep.clip(v.tw_late),
            v.max_duration,
            (v.capacity if v.capacity is not None else no_limit) if has_load else None,
            v.fixed_cost,
            profiles[k],
        )
        keys.setdefault(key, []).append(k)
    blocked_sets = sorted(set(profiles), key=sorted)
    vehicle_types = []
    for (start, end, early, late, max_dur, cap, fixed, blocked), members in keys.items():
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=[cap] if cap is not None else [],
                start_depot=start,
                end_depot=end,
                fixed_cost=fixed,
                tw_early=early,
                tw_late=late,
                shift_duration=max_dur if max_dur is not None else NO_LIMIT,
                max_distance=big - 1 if blocked else NO_LIMIT,
                profile=blocked_sets.index(blocked),
            )
        )
    distance_matrices: list[Any] = [_blocked_matrix(prep, b, big) for b in blocked_sets]
    duration_matrices: list[Any] = [prep.durations] * len(blocked_sets)
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(0.0, 0.0) for _ in range(n_nodes)],
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=distance_matrices,
        duration_matrices=duration_matrices,
        groups=groups,
    )
    return PyVRPModel(data, tuple(tuple(m) for m in keys.values()))


def solve_pyvrp(
    problem: RoutingProblem,
    prep: PreparedProblem,
    *,
    time_limit: float,
    seed: int,
    max_iterations: int | None = None,
    initial: Sequence[tuple[int, Sequence[int]]] | None = None,
) -> list[tuple[int, list[int]]]:
    """Run PyVRP and return ``(vehicle, client visits)`` per non-empty route.

    The search stops at ``time_limit`` seconds, or earlier after ``max_iterations``
    iterations. For a given seed the search path is fixed, so the result is reproducible
    whenever the iteration budget (not the clock) ends the search, or when the search has
    converged well before the time limit.
    """
    model = build_model(problem, prep)
    criteria: list[StoppingCriterion] = [MaxRuntime(time_limit)]
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    init = None
    if initial:
        init = pyvrp.Solution(
            model.data,
            [pyvrp.Route(model.data, list(v), model.vehicle_type(k)) for k, v in initial if v],
        )
    with warnings.catch_warnings():
        # Raised when no feasible solution is in sight; the independent check reports it.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = _iterated_local_search(
            model.data, MultipleCriteria(criteria), seed, solve_params(problem, prep), init
        )
    remaining = [list(vs) for vs in model.type_vehicles]
    routes = []
    for route in result.best.routes():
        visits = [a.idx for a in route if a.is_client()]
        if visits:
            routes.append((remaining[route.vehicle_type()].pop(0), visits))
    return routes


def _iterated_local_search(
    data: pyvrp.ProblemData,
    stop: MultipleCriteria,
    seed: int,
    params: SolveParams,
    initial: pyvrp.Solution | None,
) -> pyvrp.Result:
    """``pyvrp.solve`` step by step, except that penalties start at PyVRP's usual midpoint.

    ``pyvrp.solve`` starts penalties halfway to their cap; with the raised cap of
    :func:`solve_params` that would forbid every infeasible detour for most of a short run.
    Starting at the default midpoint keeps PyVRP's usual dynamics (identical to
    ``pyvrp.solve`` when the cap is not raised) while still letting penalties grow past prizes.
    """
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, params.neighbourhood)
    search = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for operator in params.operators:
        if operator.supports(data):
            search.add_operator(operator(data))
    penalties = PenaltyManager(PenaltyParams().midpoint_penalties(data), params.penalty)
    if initial is None:
        random = pyvrp.Solution.make_random(data, rng)
        initial = search(random, penalties.max_cost_evaluator(), exhaustive=True)
    ils = IteratedLocalSearch(data, penalties, search, initial, params.ils)
    return ils.run(stop, collect_stats=False, display=False)


def solve_params(problem: RoutingProblem, prep: PreparedProblem) -> SolveParams:
    """PyVRP's defaults, with penalties able to outweigh any prize.

    PyVRP caps penalties per unit of violation at 100,000. When a prize is larger, serving a
    client one time unit late "pays", the search drifts into infeasible space and the best
    feasible solution stops improving. The cap is raised above the largest prize plus the
    longest arc so that no violation is ever worth a prize.
    """
    largest = max((c.prize for c in problem.clients), default=0) + int(prep.cost.max(initial=0))
    defaults = PenaltyParams()
    return SolveParams(
        penalty=replace(defaults, max_penalty=max(defaults.max_penalty, 4.0 * largest))
    )


def _profiles(problem: RoutingProblem) -> list[frozenset[int]]:
    """Clients each vehicle may not serve."""
    return [
        frozenset(k for k, c in enumerate(problem.clients) if c.vehicles and v not in c.vehicles)
        for v in range(len(problem.vehicles))
    ]


def _blocked_matrix(prep: PreparedProblem, blocked: frozenset[int], big: int) -> np.ndarray:
    if not blocked:
        return prep.cost
    matrix = prep.cost.copy()
    nodes = [prep.client_node(c) for c in sorted(blocked)]
    matrix[nodes, :] = big
    matrix[:, nodes] = big
    matrix[nodes, nodes] = 0
    return matrix
