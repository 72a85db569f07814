"""Single visits as one prize-collecting VRPTW for the generic routing core, and back.

Model (built from a schedule whose periodic visits are already locked, see :mod:`.periodic`):

- one vehicle per van-day (:attr:`Grid.vandays`): it leaves that van's base no earlier than
  the shift start, is back by the shift end, and ``max_duration`` is the span limit. All
  van-days share the same clock (seconds after midnight); they are separate vehicles;
- each locked visit is a required client reserved to its van-day, served from its slot start
  for its session length;
- each single stop gets one client per slot (a *variant*: service starts exactly at the slot
  start and lasts the session), all variants of a stop in one exclusive group (at most one
  served). A variant is reserved to the van-days whose position fits it
  (:attr:`Grid.fit`: hours on that weekday, market day, school period, needs, base); when it
  fits every van-day it carries no restriction (fewer PyVRP profiles). A slot taken by a locked
  visit needs no restriction either: both clients would start at the same time;
- prize = the need points of one visit (:meth:`Schedule.points`), plus :func:`required_bonus`
  for required stops (kept optional so that more required stops than room stays solvable);
  ``duration_weight = 1`` and ``distance_weight = 0``, so the routing objective is
  ``drive seconds - prizes``, the engine's objective with the opposite sign (up to locked
  visits, a constant);
- arcs between places that no road links cost :data:`UNREACHABLE_S` (longer than any shift).

What the routing model does not express is the work limit (driving + sessions per day, see
:meth:`Grid.day_timing`): :func:`read_back` re-checks every day with the grid and leaves out a
visit that breaks it (the neediest visits are put back first), then fills what is still free
by best insertion (:func:`~planner.itinerary.greedy.insert_all`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.itinerary.greedy import insert_all, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.problem import NEED_POINTS
from planner.itinerary.schedule import Schedule
from planner.routing.check import build_route, is_feasible, solution_totals
from planner.routing.model import Client, RoutingProblem, RoutingSolution, Vehicle
from planner.routing.solve import solve as solve_routing

#: travel time given to arcs without a road (more than any van day)
UNREACHABLE_S = 86_400


@dataclass(frozen=True)
class BridgeModel:
    """The routing problem and, per client, the ``(candidate, slot)`` it stands for.

    ``locked[k]`` is True for the clients of locked visits.
    """

    problem: RoutingProblem
    visit: tuple[tuple[int, int], ...]
    locked: tuple[bool, ...]

    def client_index(self) -> dict[tuple[int, int, int], int]:
        """Map ``(candidate, slot, vehicle or -1)`` to client index (-1: not reserved)."""
        out: dict[tuple[int, int, int], int] = {}
        for i, (c, s) in enumerate(self.visit):
            vehicles = self.problem.clients[i].vehicles if self.locked[i] else ()
            out[(c, s, vehicles[0] if vehicles else -1)] = i
        return out


def required_bonus(schedule: Schedule) -> int:
    """Extra prize of a required stop: more than any optional stop's prize plus a day of driving.

    Serving a required stop then always beats serving an optional one in its place.
    """
    grid = schedule.grid
    return round(NEED_POINTS * max(grid.need, default=0.0)) + UNREACHABLE_S


def build_model(schedule: Schedule, singles: list[int]) -> BridgeModel:
    """The routing problem of ``schedule``'s locked visits and the ``singles`` candidates."""
    grid = schedule.grid
    pb = grid.problem
    n_slots = grid.n_slots
    n_k = len(grid.vandays)
    clients: list[Client] = []
    visit: list[tuple[int, int]] = []
    locked: list[bool] = []
    for p in sorted(schedule.locked):
        c = schedule.assign[p]
        k, s = divmod(p, n_slots)
        clients.append(_client(grid, c, s, prize=0, required=True, vehicles=(k,)))
        visit.append((c, s))
        locked.append(True)
    bonus = required_bonus(schedule)
    fit = grid.fit.reshape(len(pb.candidates), n_k, n_slots)
    for c in singles:
        prize = schedule.points(c) + (bonus if pb.candidates[c].required else 0)
        for s in range(n_slots):
            allowed = np.flatnonzero(fit[c, :, s])
            if allowed.size == 0:
                continue
            only = () if allowed.size == n_k else tuple(int(k) for k in allowed)
            clients.append(_client(grid, c, s, prize=prize, required=False, vehicles=only, group=c))
            visit.append((c, s))
            locked.append(False)
    vehicles: list[Vehicle] = []
    for v, d in grid.vandays:
        van = pb.vans[v]
        base = grid.base_loc[v]
        vehicles.append(
            Vehicle(
                start_depot=base,
                end_depot=base,
                tw_early=van.start_s,
                tw_late=van.end_s,
                max_duration=van.max_span_s,
                name=f"{van.id} {pb.calendar.days[d].date.isoformat()}",
            )
        )
    durations = np.where(pb.reachable, pb.durations, UNREACHABLE_S).astype(np.int64)
    problem = RoutingProblem(
        durations=durations,
        distances=pb.distances.astype(np.int64),
        depots=tuple(sorted(set(grid.base_loc))),
        clients=tuple(clients),
        vehicles=tuple(vehicles),
        distance_weight=0,
        duration_weight=1,
    )
    return BridgeModel(problem, tuple(visit), tuple(locked))


def _client(
    grid: Grid,
    c: int,
    s: int,
    *,
    prize: int,
    required: bool,
    vehicles: tuple[int, ...],
    group: int = -1,
) -> Client:
    """The client serving candidate ``c`` in slot ``s``: service starts at the session start
    (the slot start, or an event window's later start). The routing core drives every vehicle
    at car times; the read-back re-times each day with its resource's own mode and crew."""
    slot = grid.problem.slots[s]
    return Client(
        location=grid.loc[c],
        service=grid.service[c][s],
        tw_early=grid.start[c][s],
        tw_late=grid.start[c][s],
        prize=prize,
        required=required,
        group=group,
        vehicles=vehicles,
        name=f"{grid.problem.candidates[c].id} {slot.name}",
    )


def initial_solution(model: BridgeModel, schedule: Schedule) -> RoutingSolution:
    """``schedule`` (locked and single visits) as routes of ``model``: a warm start."""
    grid = schedule.grid
    n_slots = grid.n_slots
    index = model.client_index()
    routes = []
    for k in range(len(grid.vandays)):
        visits = []
        for s, c in schedule.day_visits(k):
            p = k * n_slots + s
            key = (c, s, k) if p in schedule.locked else (c, s, -1)
            if key in index:
                visits.append(index[key])
        if visits:
            routes.append(build_route(model.problem, k, visits))
    objective, distance, prize = solution_totals(model.problem, routes)
    return RoutingSolution(
        routes=tuple(routes),
        objective=objective,
        distance=distance,
        prize_collected=prize,
        feasible=is_feasible(model.problem, routes),
        solver="schedule",
        runtime_s=0.0,
        seed=0,
    )


def read_back(
    model: BridgeModel, solution: RoutingSolution, base: Schedule, singles: list[int]
) -> Schedule:
    """A schedule with ``base``'s locked visits and the single visits of ``solution``.

    Each single visit goes to position ``(route's van-day, variant's slot)``, neediest first,
    when the grid accepts the day (fit, timing, work limit); stops left unserved are then
    offered every free position by best insertion.
    """
    grid = base.grid
    n_slots = grid.n_slots
    out = base.copy()
    for p, c in enumerate(base.assign):
        if c >= 0 and p not in base.locked:
            out.put(-1, p)
    proposed: list[tuple[int, int, int]] = []
    for route in solution.routes:
        for i in route.visits:
            if model.locked[i]:
                continue
            c, s = model.visit[i]
            proposed.append((-out.points(c), route.vehicle * n_slots + s, c))
    for _, p, c in sorted(proposed):
        if out.assign[p] < 0 and out.count[c] == 0 and out.insertion(c, p) is not None:
            out.put(c, p)
    missing = [c for c in singles if out.count[c] == 0]
    insert_all(out, value_order(out, missing), list(range(grid.n_positions)))
    return out


def route_singles(
    schedule: Schedule,
    singles: list[int],
    *,
    solver: str,
    time_limit: float,
    seed: int,
    max_iterations: int | None,
) -> tuple[Schedule, int]:
    """Re-plan the single visits of ``schedule`` with routing solver ``solver``.

    The routing search starts from ``schedule`` (warm start), so it only ever improves it: the
    read-back schedule is returned when its objective is at least ``schedule``'s, else
    ``schedule`` itself. Returns the schedule and the number of routing clients.
    """
    grid = schedule.grid
    if not grid.vandays or not singles:
        return schedule, 0
    model = build_model(schedule, singles)
    start = initial_solution(model, schedule)
    solution = solve_routing(
        model.problem,
        solver=solver,
        time_limit=time_limit,
        seed=seed,
        initial=start,
        max_iterations=max_iterations,
    )
    if not solution.feasible:
        return schedule, len(model.problem.clients)
    result = read_back(model, solution, schedule, singles)
    best = result if result.objective >= schedule.objective else schedule
    return best, len(model.problem.clients)
