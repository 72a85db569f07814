"""Independent re-check of routing solutions, from the problem alone.

Nothing here trusts a solver: times are recomputed by forward simulation with waiting,
loads, durations, groups, allowed vehicles and required clients are recounted. The same
simulation gives the service start times reported in :class:`~planner.routing.model.Route`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.routing.model import Route, RoutingProblem, RoutingSolution, client_groups


@dataclass(frozen=True)
class RouteSchedule:
    """Timing of one route, recomputed from the problem.

    The vehicle leaves at ``departure``, the latest time that does not delay its return
    (so ``span`` is the shortest possible route duration, waiting included). Service starts at
    ``max(arrival, tw_early)``; lateness shows as ``start > tw_late`` (not clamped).
    """

    departure: int
    start_times: tuple[int, ...]
    end_time: int
    distance: int
    travel: int

    @property
    def span(self) -> int:
        """Time from departure to return: travel, service and waiting."""
        return self.end_time - self.departure


def schedule_route(problem: RoutingProblem, vehicle: int, visits: Sequence[int]) -> RouteSchedule:
    """Simulate ``visits`` (client indices) driven by vehicle ``vehicle``.

    Parameters
    ----------
    problem
        The routing problem.
    vehicle
        Index into ``problem.vehicles``.
    visits
        Client indices in visiting order.

    Returns
    -------
    RouteSchedule
        Departure, service starts, return time, distance and travel time.
    """
    veh = problem.vehicles[vehicle]
    clients = [problem.clients[c] for c in visits]
    locs = [veh.start_depot, *(c.location for c in clients), veh.end_depot]
    legs = [int(problem.durations[a, b]) for a, b in zip(locs[:-1], locs[1:], strict=True)]
    distance = sum(int(problem.distances[a, b]) for a, b in zip(locs[:-1], locs[1:], strict=True))
    # prefix[k]: travel + service from departure to arrival at visit k, without waiting.
    prefix, acc = [], 0
    for leg, c in zip(legs, clients, strict=False):
        acc += leg
        prefix.append(acc)
        acc += c.service
    total = acc + legs[-1]
    latest = min(
        [veh.tw_late - total, *(c.tw_late - p for c, p in zip(clients, prefix, strict=True))]
    )
    forced_end = max(
        [c.tw_early + total - p for c, p in zip(clients, prefix, strict=True)], default=0
    )
    departure = max(veh.tw_early, min(latest, forced_end - total))
    t, starts = departure, []
    for leg, c in zip(legs, clients, strict=False):
        t = max(t + leg, c.tw_early)
        starts.append(t)
        t += c.service
    return RouteSchedule(departure, tuple(starts), t + legs[-1], distance, sum(legs))


def build_route(problem: RoutingProblem, vehicle: int, visits: Sequence[int]) -> Route:
    """A :class:`Route` with start times, distance and travel time from :func:`schedule_route`."""
    s = schedule_route(problem, vehicle, visits)
    return Route(vehicle, tuple(int(v) for v in visits), s.start_times, s.distance, s.travel)


def solution_totals(problem: RoutingProblem, routes: Sequence[Route]) -> tuple[int, int, int]:
    """``(objective, distance, prize_collected)`` of non-empty routes, recomputed.

    The objective is ``distance_weight * distance + duration_weight * travel time +
    fixed costs of used vehicles - collected prizes``.
    """
    distance = travel = fixed = prize = 0
    for r in routes:
        if not r.visits:
            continue
        s = schedule_route(problem, r.vehicle, r.visits)
        distance += s.distance
        travel += s.travel
        fixed += problem.vehicles[r.vehicle].fixed_cost
        prize += sum(problem.clients[c].prize for c in r.visits)
    objective = problem.distance_weight * distance + problem.duration_weight * travel + fixed
    return objective - prize, distance, prize


def check_routes(problem: RoutingProblem, routes: Sequence[Route]) -> tuple[str, ...]:
    """Every broken rule of ``routes`` (French sentences); empty when feasible.

    Checks vehicle and client indices, each vehicle and client used once at most, allowed
    vehicles, capacity, time windows, return by the vehicle's end of shift, maximum duration,
    required clients, groups, and the reported start times, distance and travel time.
    """
    errors: list[str] = []
    n_clients, n_vehicles = len(problem.clients), len(problem.vehicles)
    seen_vehicles: set[int] = set()
    served: dict[int, int] = {}
    for r in routes:
        if not 0 <= r.vehicle < n_vehicles:
            errors.append(f"Véhicule {r.vehicle} inconnu (0..{n_vehicles - 1}).")
            continue
        if r.vehicle in seen_vehicles:
            errors.append(f"Véhicule {r.vehicle} utilisé par plusieurs tournées.")
        seen_vehicles.add(r.vehicle)
        unknown = [c for c in r.visits if not 0 <= c < n_clients]
        if unknown:
            errors.append(f"Véhicule {r.vehicle} : clients inconnus {unknown}.")
            continue
        for c in r.visits:
            if c in served:
                errors.append(f"Client {c} servi plusieurs fois.")
            served[c] = r.vehicle
        if r.visits:
            errors.extend(_check_route(problem, r))
    errors.extend(_check_coverage(problem, served))
    return tuple(errors)


def check_solution(problem: RoutingProblem, solution: RoutingSolution) -> tuple[str, ...]:
    """:func:`check_routes` plus the solution's reported totals."""
    errors = list(check_routes(problem, solution.routes))
    if errors:
        return tuple(errors)
    objective, distance, prize = solution_totals(problem, solution.routes)
    reported = (solution.objective, solution.distance, solution.prize_collected)
    if reported != (objective, distance, prize):
        errors.append(
            f"Totaux annoncés (objectif, distance, prix) {reported}, recalculés "
            f"{(objective, distance, prize)}."
        )
    return tuple(errors)


def is_feasible(problem: RoutingProblem, routes: Sequence[Route]) -> bool:
    """True when :func:`check_routes` finds nothing."""
    return not check_routes(problem, routes)


def _check_route(problem: RoutingProblem, r: Route) -> list[str]:
    veh = problem.vehicles[r.vehicle]
    s = schedule_route(problem, r.vehicle, r.visits)
    label = f"Véhicule {r.vehicle}"
    errors = []
    for c, start in zip(r.visits, s.start_times, strict=True):
        client = problem.clients[c]
        if client.vehicles and r.vehicle not in client.vehicles:
            errors.append(f"{label} : client {c} réservé aux véhicules {list(client.vehicles)}.")
        if start > client.tw_late:
            errors.append(f"{label} : client {c} servi à {start} après {client.tw_late}.")
    if s.end_time > veh.tw_late:
        errors.append(f"{label} : retour à {s.end_time} après la fin de service {veh.tw_late}.")
    if veh.max_duration is not None and s.span > veh.max_duration:
        errors.append(f"{label} : durée {s.span} au-delà du maximum {veh.max_duration}.")
    load = sum(problem.clients[c].demand for c in r.visits)
    if veh.capacity is not None and load > veh.capacity:
        errors.append(f"{label} : charge {load} au-delà de la capacité {veh.capacity}.")
    if (r.distance, r.duration) != (s.distance, s.travel):
        errors.append(
            f"{label} : distance et trajet annoncés {(r.distance, r.duration)}, recalculés "
            f"{(s.distance, s.travel)}."
        )
    errors.extend(_check_reported_times(problem, r))
    return errors


def _check_reported_times(problem: RoutingProblem, r: Route) -> list[str]:
    """The start times a solver reports must themselves form a valid schedule."""
    label = f"Véhicule {r.vehicle}"
    if len(r.start_times) != len(r.visits):
        return [f"{label} : {len(r.start_times)} horaires pour {len(r.visits)} visites."]
    veh = problem.vehicles[r.vehicle]
    loc, ready = veh.start_depot, veh.tw_early
    for c, start in zip(r.visits, r.start_times, strict=True):
        client = problem.clients[c]
        earliest = max(ready + int(problem.durations[loc, client.location]), client.tw_early)
        if not earliest <= start <= client.tw_late:
            return [f"{label} : horaire annoncé {start} du client {c} impossible."]
        loc, ready = client.location, start + client.service
    back = ready + int(problem.durations[loc, veh.end_depot])
    if back > veh.tw_late:
        return [f"{label} : horaires annoncés ramènent au dépôt à {back} après {veh.tw_late}."]
    return []


def _check_coverage(problem: RoutingProblem, served: dict[int, int]) -> list[str]:
    errors = []
    groups = client_groups(problem)
    grouped = {m for members in groups.values() for m in members}
    missing = [
        k
        for k, c in enumerate(problem.clients)
        if c.required and k not in grouped and k not in served
    ]
    if missing:
        errors.append(f"Clients obligatoires non servis : {missing}.")
    for gid, members in groups.items():
        count = sum(m in served for m in members)
        if count > 1:
            errors.append(f"Groupe {gid} : {count} membres servis, au plus un attendu.")
        if count == 0 and problem.clients[members[0]].required:
            errors.append(f"Groupe {gid} obligatoire : aucun membre servi.")
    return errors
