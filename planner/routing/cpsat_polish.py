"""CP-SAT large-neighbourhood polish of prize-collecting routes (one route at a time).

A local search such as PyVRP's moves a few clients at a time. The polish solves a larger move
exactly, on a small sub-problem:

- pick one vehicle and a *candidate set*: the clients of its route plus the ``size`` unserved
  clients that look most worth adding (prize per detour from the route, or clients around a
  random anchor in later rounds, see :func:`candidates`); every other route stays as it is;
- model the route over the candidates with CP-SAT (:func:`route_model`): one ``AddCircuit``
  through the vehicle's depot where a self-loop leaves a client out, integer service start
  times bounded by the windows and linked along each chosen arc
  (``t_j >= t_i + service_i + travel_ij`` only if the arc is used), capacity, exclusive
  groups, shift window and maximum duration; windows are first tightened by the shift
  (reachable from the depot, back in time), and a redundant knapsack states that the route
  lasts at least its travel plus its service; the objective is the model's own
  (arc costs + fixed cost - prizes), hinted with the current route;
- keep the new route when the independent check of :mod:`planner.routing.check` accepts the
  whole solution and its objective is strictly lower; repeat with other vehicles and other
  candidate sets until the deadline or the round budget.

A route whose candidate set holds every client it may serve, solved to optimality, cannot
be improved by the polish; when this is true of every vehicle, the polish stops early.

Where CP-SAT is strong and where it is not (measured on OPTW c104, 2 workers): a route of 11
clients plus 5 candidates is solved to optimality in about 0.5 s, plus 10 candidates in about
10 s; with wide time windows the time links are weak (an arc-time flow formulation tightened
the bound but slowed the search tenfold, so it is not used), which is why the candidate sets
are kept small (:data:`CANDIDATES`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from planner.routing.check import build_route, is_feasible, solution_totals
from planner.routing.model import RoutingProblem
from planner.routing.prepare import PreparedProblem

CANDIDATES = 6  # unserved clients added to a route's own in one sub-problem
MIN_ROUND_S = 0.05  # a sub-problem is not started with less time left
DETERMINISTIC_ROUND = 1.0  # CP-SAT deterministic time per sub-problem in deterministic mode

Routes = list[tuple[int, list[int]]]


@dataclass(frozen=True)
class RouteModel:
    """A CP-SAT model of one vehicle's route over candidate clients."""

    model: cp_model.CpModel
    clients: tuple[int, ...]  # candidate client indices; circuit node i + 1 is clients[i]
    arcs: dict[tuple[int, int], cp_model.IntVar]  # (tail, head) circuit nodes -> literal

    def route(self, solver: cp_model.CpSolver) -> list[int]:
        """Client indices in visiting order in ``solver``'s solution."""
        succ = {a: b for (a, b), lit in self.arcs.items() if a != b and solver.boolean_value(lit)}
        visits, node = [], succ.get(0, 0)
        while node != 0:
            visits.append(self.clients[node - 1])
            node = succ[node]
        return visits


def route_model(
    problem: RoutingProblem,
    prep: PreparedProblem,
    vehicle: int,
    clients: Sequence[int],
    *,
    hint: Sequence[int] = (),
    forced: frozenset[int] = frozenset(),
    required_groups: Sequence[Sequence[int]] = (),
) -> RouteModel:
    """CP-SAT model of vehicle ``vehicle`` serving any subset of ``clients``.

    Parameters
    ----------
    problem, prep
        The routing problem and its node arrays.
    vehicle
        Index into ``problem.vehicles``.
    clients
        Candidate client indices (circuit nodes ``1..len(clients)``; node 0 is the depot).
    hint
        Current visits of the vehicle (all among ``clients``), given as a solution hint.
    forced
        Clients that must stay on this route (required clients).
    required_groups
        Required groups served by this route: one of their candidate members stays.
    """
    veh = problem.vehicles[vehicle]
    start, end = prep.depot_node(veh.start_depot), prep.depot_node(veh.end_depot)
    nodes = [prep.client_node(c) for c in clients]
    objs = [problem.clients[c] for c in clients]
    model = cp_model.CpModel()
    early = prep.clip(veh.tw_early)
    late = prep.clip(veh.tw_late)
    depart = model.new_int_var(early, late, "depart")
    back = model.new_int_var(early, late, "back")
    # Windows tightened by the shift: reachable from the depot, back home in time.
    lows = [
        max(prep.clip(c.tw_early), early + int(prep.durations[start, n]))
        for n, c in zip(nodes, objs, strict=True)
    ]
    highs = [
        min(prep.clip(c.tw_late), late - c.service - int(prep.durations[n, end]))
        for n, c in zip(nodes, objs, strict=True)
    ]
    times = [
        model.new_int_var(lo, max(lo, hi), f"t{i}")
        for i, (lo, hi) in enumerate(zip(lows, highs, strict=True))
    ]
    arcs: dict[tuple[int, int], cp_model.IntVar] = {}
    cost_terms: list[tuple[cp_model.IntVar, int]] = []
    travel_terms: list[tuple[cp_model.IntVar, int]] = []
    empty = model.new_bool_var("empty")
    arcs[(0, 0)] = empty
    visited = []
    for i, (node, c) in enumerate(zip(nodes, objs, strict=True), 1):
        skip = arcs[(i, i)] = model.new_bool_var(f"skip{i}")
        visited.append(skip.Not())
        if lows[i - 1] > highs[i - 1]:
            model.add(skip == 1)
            continue
        leave = int(prep.durations[start, node])
        lit = arcs[(0, i)] = model.new_bool_var(f"a0_{i}")
        model.add(times[i - 1] >= depart + leave).only_enforce_if(lit)
        cost_terms.append((lit, int(prep.cost[start, node])))
        travel_terms.append((lit, leave))
        home = c.service + int(prep.durations[node, end])
        lit = arcs[(i, 0)] = model.new_bool_var(f"a{i}_0")
        model.add(back >= times[i - 1] + home).only_enforce_if(lit)
        cost_terms.append((lit, int(prep.cost[node, end])))
        travel_terms.append((lit, int(prep.durations[node, end])))
    for i, (ni, ci) in enumerate(zip(nodes, objs, strict=True), 1):
        for j, nj in enumerate(nodes, 1):
            step = ci.service + int(prep.durations[ni, nj])
            if i == j or lows[i - 1] + step > highs[j - 1]:
                continue
            lit = arcs[(i, j)] = model.new_bool_var(f"a{i}_{j}")
            model.add(times[j - 1] >= times[i - 1] + step).only_enforce_if(lit)
            cost_terms.append((lit, int(prep.cost[ni, nj])))
            travel_terms.append((lit, int(prep.durations[ni, nj])))
    model.add_circuit([(a, b, lit) for (a, b), lit in arcs.items()])
    # Redundant but strong: the route lasts at least its travel plus its service (a knapsack
    # on the shift that the time links alone leave to the search).
    work = sum(w * lit for lit, w in travel_terms) + sum(
        c.service * v for c, v in zip(objs, visited, strict=True)
    )
    model.add(back - depart >= work)
    if veh.max_duration is not None:
        model.add(back - depart <= veh.max_duration)
    if veh.capacity is not None and any(c.demand for c in objs):
        model.add(sum(c.demand * v for c, v in zip(objs, visited, strict=True)) <= veh.capacity)
    position = {c: i for i, c in enumerate(clients)}
    for members in prep.groups.values():
        inside = [visited[position[m]] for m in members if m in position]
        if len(inside) > 1:
            model.add_at_most_one(inside)
    for group in required_groups:
        model.add_bool_or([visited[position[m]] for m in group if m in position])
    for kept in forced:
        model.add(visited[position[kept]] == 1)
    prizes = sum(c.prize * v for c, v in zip(objs, visited, strict=True))
    fixed = veh.fixed_cost * empty.Not() if veh.fixed_cost else 0
    model.minimize(sum(w * lit for lit, w in cost_terms) + fixed - prizes)
    _add_hint(model, arcs, [position[c] + 1 for c in hint])
    return RouteModel(model, tuple(clients), arcs)


def _add_hint(
    model: cp_model.CpModel, arcs: dict[tuple[int, int], cp_model.IntVar], path: list[int]
) -> None:
    used = set(zip([0, *path], [*path, 0], strict=True)) if path else {(0, 0)}
    on_route = set(path)
    used |= {(i, i) for (i, j) in arcs if i == j and i != 0 and i not in on_route}
    for key, lit in arcs.items():
        model.add_hint(lit, key in used)


def polish_routes(
    problem: RoutingProblem,
    prep: PreparedProblem,
    routes: Routes,
    *,
    deadline: float,
    seed: int,
    rounds: int | None = None,
    deterministic: bool = False,
    size: int = CANDIDATES,
    prefer: Sequence[int] = (),
    workers: int = 2,
) -> Routes:
    """Improve ``routes`` by CP-SAT sub-problems until ``deadline`` (``time.perf_counter()``).

    Parameters
    ----------
    problem, prep
        The routing problem and its node arrays.
    routes
        ``(vehicle, client visits)`` per route; must pass the independent check, otherwise
        they are returned unchanged.
    deadline
        Wall-clock end, on the ``time.perf_counter()`` scale.
    seed
        Seeds the candidate choice and CP-SAT.
    rounds
        Optional number of sub-problems (one per vehicle in turn).
    deterministic
        Run every sub-problem single-threaded under a deterministic time limit, so that,
        with ``rounds``, the result depends only on the inputs and the seed (as long as the
        deadline does not cut the polish short).
    size
        Unserved clients added to a route's own in one sub-problem.
    prefer
        Unserved clients offered first, before the ranked ones (within ``size``).
    workers
        CP-SAT workers unless ``deterministic``.

    Returns
    -------
    list of (vehicle, visits)
        The best routes found (the input when nothing better passes the check).
    """
    current = {k: list(v) for k, v in routes}
    best = evaluate(problem, current)
    if best is None:
        return routes
    rng = np.random.default_rng(seed)
    proven: set[int] = set()  # vehicles whose route is optimal given the others
    n_vehicles = len(problem.vehicles)
    step = 0
    while rounds is None or step < rounds:
        remaining = deadline - time.perf_counter()
        if remaining < MIN_ROUND_S or len(proven) == n_vehicles:
            break
        vehicle = step % n_vehicles
        step += 1
        if vehicle in proven:
            continue
        visits = current.get(vehicle, [])
        pool = _pool(problem, prep, current, vehicle)
        first = [c for c in prefer if c in pool][:size]
        others = [c for c in pool if c not in first]
        chosen = first + candidates(
            problem,
            prep,
            vehicle,
            visits,
            others,
            size - len(first),
            rng,
            anchored=step > n_vehicles,
        )
        sub = route_model(
            problem,
            prep,
            vehicle,
            [*visits, *chosen],
            hint=visits,
            forced=frozenset(c for c in visits if problem.clients[c].required),
            required_groups=_required_groups(problem, prep, visits),
        )
        left = deadline - time.perf_counter()  # model building counts
        if left <= 0:
            break
        solver = _solver(seed + step, left, deterministic, workers)
        status = solver.solve(sub.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        trial = {**current, vehicle: sub.route(solver)}
        value = evaluate(problem, trial)
        if value is not None and value < best:
            best, current = value, trial
            proven.clear()
        if status == cp_model.OPTIMAL and len(chosen) == len(pool):
            proven.add(vehicle)
    return [(k, v) for k, v in sorted(current.items()) if v]


def candidates(
    problem: RoutingProblem,
    prep: PreparedProblem,
    vehicle: int,
    visits: Sequence[int],
    pool: Sequence[int],
    size: int,
    rng: np.random.Generator,
    *,
    anchored: bool = False,
) -> list[int]:
    """The ``size`` clients of ``pool`` offered to ``vehicle``'s route in one sub-problem.

    Clients are ranked by prize per unit of detour (cheapest insertion cost between two
    consecutive stops of the route, time windows ignored). With ``anchored``, half of the
    places go to the clients nearest to a random pool client instead (drawn with
    probability proportional to its prize), which moves the search to other parts of the
    map; the other half keeps the best ratios, slightly shuffled.
    """
    if len(pool) <= size:
        return list(pool)
    veh = problem.vehicles[vehicle]
    stops = [
        prep.depot_node(veh.start_depot),
        *(prep.client_node(c) for c in visits),
        prep.depot_node(veh.end_depot),
    ]
    nodes = np.array([prep.client_node(c) for c in pool])
    tails, heads = np.array(stops[:-1]), np.array(stops[1:])
    detour = (
        prep.cost[np.ix_(tails, nodes)]
        + prep.cost[np.ix_(nodes, heads)].T
        - prep.cost[tails, heads][:, None]
    ).min(axis=0)
    prizes = np.array([problem.clients[c].prize for c in pool], dtype=float)
    ratio = prizes / (np.maximum(detour, 0) + 1.0)
    if not anchored:
        order = np.argsort(-ratio, kind="stable")
        return [pool[i] for i in order[:size]]
    weights = prizes + 1.0
    anchor = nodes[rng.choice(len(pool), p=weights / weights.sum())]
    near = np.argsort(prep.cost[anchor, nodes] + prep.cost[nodes, anchor], kind="stable")
    chosen = list(near[: size // 2])
    noisy = np.argsort(-ratio * rng.uniform(0.7, 1.3, len(pool)), kind="stable")
    taken = set(chosen)
    chosen += [i for i in noisy if i not in taken][: size - len(chosen)]
    return [pool[i] for i in chosen]


def _pool(
    problem: RoutingProblem, prep: PreparedProblem, routes: dict[int, list[int]], vehicle: int
) -> list[int]:
    """Unserved clients ``vehicle`` may add: allowed, reachable, group not served elsewhere."""
    served = {c for visits in routes.values() for c in visits}
    elsewhere = {c for k, visits in routes.items() if k != vehicle for c in visits}
    busy_groups = {g for g, members in prep.groups.items() if any(m in elsewhere for m in members)}
    group_of = {m: g for g, members in prep.groups.items() for m in members}
    veh = problem.vehicles[vehicle]
    start, end = prep.depot_node(veh.start_depot), prep.depot_node(veh.end_depot)
    pool = []
    for k, c in enumerate(problem.clients):
        if k in served or group_of.get(k) in busy_groups:
            continue
        if c.vehicles and vehicle not in c.vehicles:
            continue
        node = prep.client_node(k)
        arrive = max(prep.clip(veh.tw_early) + int(prep.durations[start, node]), c.tw_early)
        if arrive > c.tw_late or arrive + c.service + int(prep.durations[node, end]) > prep.clip(
            veh.tw_late
        ):
            continue
        pool.append(k)
    return pool


def _required_groups(
    problem: RoutingProblem, prep: PreparedProblem, visits: Sequence[int]
) -> list[list[int]]:
    """Members of the required groups that ``visits`` serves (one of each must stay)."""
    on_route = set(visits)
    return [
        members
        for members in prep.groups.values()
        if problem.clients[members[0]].required and on_route.intersection(members)
    ]


def _solver(seed: int, remaining: float, deterministic: bool, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = remaining
    if deterministic:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = DETERMINISTIC_ROUND
    else:
        solver.parameters.num_workers = workers
    return solver


def evaluate(problem: RoutingProblem, routes: dict[int, list[int]]) -> int | None:
    """Objective of ``routes`` when the independent check accepts them, else None."""
    built = [build_route(problem, k, v) for k, v in sorted(routes.items()) if v]
    if not is_feasible(problem, built):
        return None
    return solution_totals(problem, built)[0]
