"""Generic routing problem (integer units) shared by every routing solver.

A problem is a set of locations with a square integer duration matrix (seconds, or the
benchmark's time unit) and distance matrix (metres, or the benchmark's distance unit), depots,
clients and vehicles. Clients may be optional with a prize (prize-collecting) and may belong to
mutually exclusive groups (at most one member served: the same stop offered at several times).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.errors import InvalidProblemError
from planner.routing.validate import validate_problem


@dataclass(frozen=True)
class Client:
    """A place to visit once at most.

    Parameters
    ----------
    location
        Row/column of the matrices.
    service
        Time spent on site (same unit as durations).
    tw_early, tw_late
        Service must *start* within ``[tw_early, tw_late]``.
    prize
        Value collected when served (optional clients only).
    required
        When True the client must be served.
    demand
        Load for capacitated problems (0 when capacity does not matter).
    group
        Clients sharing a non-negative group id are mutually exclusive (at most one served);
        ``-1`` means no group. Members of a group are all optional (at most one served) or all
        required (then exactly one of them is served).
    vehicles
        Indices of the vehicles allowed to serve it; empty means every vehicle.
    """

    location: int
    service: int = 0
    tw_early: int = 0
    tw_late: int = np.iinfo(np.int64).max // 4
    prize: int = 0
    required: bool = True
    demand: int = 0
    group: int = -1
    vehicles: tuple[int, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Vehicle:
    """One route: leaves ``start_depot`` no earlier than ``tw_early``, back by ``tw_late``.

    ``start_depot`` and ``end_depot`` are location indices (rows of the matrices) listed in
    ``RoutingProblem.depots``; ``max_duration`` bounds the time from departure to return
    (travel, service and waiting).
    """

    start_depot: int
    end_depot: int
    tw_early: int = 0
    tw_late: int = np.iinfo(np.int64).max // 4
    max_duration: int | None = None
    capacity: int | None = None
    fixed_cost: int = 0
    name: str = ""


@dataclass(frozen=True)
class RoutingProblem:
    """Prize-collecting VRP with time windows.

    Objective (minimised): ``distance_weight * distance + duration_weight * travel time
    - sum(prizes of served clients)`` plus vehicle fixed costs; all integers.
    """

    durations: np.ndarray
    distances: np.ndarray
    depots: tuple[int, ...]
    clients: tuple[Client, ...]
    vehicles: tuple[Vehicle, ...]
    distance_weight: int = 1
    duration_weight: int = 0
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = self.durations.shape[0]
        if self.durations.shape != (n, n) or self.distances.shape != (n, n):
            raise InvalidProblemError(
                f"Matrices carrées attendues, reçu {self.durations.shape} et "
                f"{self.distances.shape}.",
                hint="Construisez les matrices sur la même liste de lieux.",
            )
        if not self.vehicles:
            raise InvalidProblemError("Aucun véhicule.", hint="Ajoutez au moins un véhicule.")
        for c in self.clients:
            if not 0 <= c.location < n:
                raise InvalidProblemError(
                    f"Client {c.name or c.location} : lieu {c.location} hors des matrices "
                    f"(0..{n - 1}).",
                    hint="Vérifiez les indices des lieux.",
                )
            if c.tw_early > c.tw_late:
                raise InvalidProblemError(
                    f"Client {c.name or c.location} : fenêtre horaire vide "
                    f"({c.tw_early} > {c.tw_late}).",
                    hint="Corrigez la fenêtre horaire.",
                )
        for d in self.depots:
            if not 0 <= d < n:
                raise InvalidProblemError(
                    f"Dépôt {d} hors des matrices.", hint="Vérifiez les indices."
                )
        validate_problem(self)


@dataclass(frozen=True)
class Route:
    vehicle: int
    visits: tuple[int, ...]  # indices into RoutingProblem.clients, in order
    start_times: tuple[int, ...]  # service start per visit
    distance: int
    duration: int  # travel time only


@dataclass(frozen=True)
class RoutingSolution:
    routes: tuple[Route, ...]
    objective: int
    distance: int
    prize_collected: int
    feasible: bool
    solver: str
    runtime_s: float
    seed: int
