"""OR-Tools routing (``pywrapcp``) adapter, the selectable alternative to PyVRP.

Mapping of the generic model (nodes as in :mod:`planner.routing.prepare`):

- arc cost = weighted cost matrix; vehicle fixed costs with ``SetFixedCostOfVehicle``;
- a time dimension (transit = service at the origin + travel, slack = waiting) with client
  windows, vehicle shift windows on start and end, ``max_duration`` as span upper bound;
- a load dimension when demands and capacities are given;
- an optional client is a one-node disjunction whose penalty is its prize; an exclusive group
  is one disjunction over its members with ``max_cardinality=1`` (penalty = largest prize
  of the group when optional, none when required). Members worth less than the largest prize
  pay the difference on their outgoing arcs, so the objective stays exactly
  ``cost - collected prizes`` (up to a constant);
- allowed vehicles by removing the other vehicles from the node's vehicle variable (what
  ``SetAllowedVehiclesForIndex`` does; its 9.15 Python binding rejects lists).

Determinism: routing search has no random seed; with a pure time limit, guided local search
stops after however many moves the machine managed, so two runs may differ. Pass
``max_iterations`` (mapped to ``solution_limit``) for a reproducible run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.routing.model import RoutingProblem
from planner.routing.prepare import PreparedProblem


def solve_ortools(
    problem: RoutingProblem,
    prep: PreparedProblem,
    *,
    time_limit: float,
    seed: int,
    max_iterations: int | None = None,
    initial: Sequence[tuple[int, Sequence[int]]] | None = None,
) -> list[tuple[int, list[int]]]:
    """Run OR-Tools routing; return ``(vehicle, client visits)`` per non-empty route.

    ``seed`` is accepted for a uniform interface; OR-Tools routing does not use one.
    """
    del seed  # no random component in OR-Tools routing search
    vehicles = problem.vehicles
    starts = [prep.depot_node(v.start_depot) for v in vehicles]
    ends = [prep.depot_node(v.end_depot) for v in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(prep.locations), len(vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    cost = prep.cost + _prize_shortfall(problem, prep)[:, None]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost.tolist()))
    for k, v in enumerate(vehicles):
        routing.SetFixedCostOfVehicle(v.fixed_cost, k)
    _add_time(problem, prep, manager, routing)
    _add_load(problem, prep, routing)
    _add_disjunctions(problem, prep, manager, routing)
    for k, c in enumerate(problem.clients):
        if c.vehicles:
            # SetAllowedVehiclesForIndex does not accept Python lists in the 9.15 bindings
            # (absl::Span<int const>), so forbid the other vehicles on the vehicle variable.
            forbidden = [v for v in range(len(vehicles)) if v not in c.vehicles]
            routing.VehicleVar(manager.NodeToIndex(prep.client_node(k))).RemoveValues(forbidden)

    params = pywrapcp.DefaultRoutingSearchParameters()
    strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.first_solution_strategy = strategy
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    if max_iterations is not None:
        params.solution_limit = max_iterations
    if initial:
        routing.CloseModelWithParameters(params)
        routes: list[list[int]] = [[] for _ in vehicles]
        for k, visits in initial:
            routes[k] = [manager.NodeToIndex(prep.client_node(c)) for c in visits]
        start = routing.ReadAssignmentFromRoutes(routes, True)
        assignment = (
            routing.SolveFromAssignmentWithParameters(start, params)
            if start is not None
            else routing.SolveWithParameters(params)
        )
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return []
    return _routes(prep, manager, routing, assignment, len(vehicles))


def _prize_shortfall(problem: RoutingProblem, prep: PreparedProblem) -> np.ndarray:
    """Per node, largest prize of its group minus its own prize (0 outside groups)."""
    extra = np.zeros(len(prep.locations), dtype=np.int64)
    for members in prep.groups.values():
        best = max(problem.clients[m].prize for m in members)
        for m in members:
            extra[prep.client_node(m)] = best - problem.clients[m].prize
    return extra


def _add_time(problem, prep, manager, routing) -> None:
    service = np.zeros(len(prep.locations), dtype=np.int64)
    service[prep.num_depots :] = [c.service for c in problem.clients]
    transit = routing.RegisterTransitMatrix((prep.durations + service[:, None]).tolist())
    routing.AddDimension(transit, prep.horizon, prep.horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    for k, c in enumerate(problem.clients):
        index = manager.NodeToIndex(prep.client_node(k))
        time.CumulVar(index).SetRange(prep.clip(c.tw_early), prep.clip(c.tw_late))
    for k, v in enumerate(problem.vehicles):
        early, late = prep.clip(v.tw_early), prep.clip(v.tw_late)
        time.CumulVar(routing.Start(k)).SetRange(early, late)
        time.CumulVar(routing.End(k)).SetRange(early, late)
        if v.max_duration is not None:
            time.SetSpanUpperBoundForVehicle(v.max_duration, k)


def _add_load(problem, prep, routing) -> None:
    if not any(c.demand for c in problem.clients):
        return
    if all(v.capacity is None for v in problem.vehicles):
        return
    demand = [0] * prep.num_depots + [c.demand for c in problem.clients]
    total = sum(demand)
    caps = [v.capacity if v.capacity is not None else total for v in problem.vehicles]
    index = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimensionWithVehicleCapacity(index, 0, caps, True, "load")


def _add_disjunctions(problem, prep, manager, routing) -> None:
    grouped = set()
    for members in prep.groups.values():
        grouped.update(members)
        indices = [manager.NodeToIndex(prep.client_node(m)) for m in members]
        if problem.clients[members[0]].required:
            routing.AddDisjunction(indices)
        else:
            routing.AddDisjunction(indices, max(problem.clients[m].prize for m in members), 1)
    for k, c in enumerate(problem.clients):
        if not c.required and k not in grouped:
            routing.AddDisjunction([manager.NodeToIndex(prep.client_node(k))], c.prize)


def _routes(prep, manager, routing, assignment, n_vehicles) -> list[tuple[int, list[int]]]:
    routes = []
    for k in range(n_vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(k)))
        visits = []
        while not routing.IsEnd(index):
            visits.append(manager.IndexToNode(index) - prep.num_depots)
            index = assignment.Value(routing.NextVar(index))
        if visits:
            routes.append((k, visits))
    return routes
