"""Generic routing problem (integer units) shared by every routing solver.

A problem is a set of locations with a square integer duration matrix (seconds, or the
benchmark's time unit) and distance matrix (metres, or the benchmark's distance unit), depots,
clients and vehicles. Clients may be optional with a prize (prize-collecting) and may belong to
mutually exclusive groups (at most one member served: the same stop offered at several times).

The structural rules beyond shapes (:func:`validate_problem`, one French sentence per rule) are
checked on construction, so that a malformed problem cannot be built.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from planner.errors import InvalidProblemError


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


# Structural rules of a RoutingProblem beyond shapes (called from __post_init__).


def validate_problem(problem: RoutingProblem) -> None:
    """Raise :class:`InvalidProblemError` when a rule of the routing model is broken.

    Parameters
    ----------
    problem
        The problem to check (matrix shapes and client locations are checked by the model).
    """
    _check_matrices(problem)
    if problem.distance_weight < 0 or problem.duration_weight < 0:
        raise InvalidProblemError(
            f"Poids positifs ou nuls attendus, reçu distance_weight={problem.distance_weight} "
            f"et duration_weight={problem.duration_weight}.",
            hint="Utilisez des poids entiers >= 0.",
        )
    _check_vehicles(problem)
    _check_clients(problem)
    _check_groups(problem)


def _check_matrices(problem: RoutingProblem) -> None:
    for label, matrix in (("durées", problem.durations), ("distances", problem.distances)):
        if not np.issubdtype(matrix.dtype, np.integer):
            raise InvalidProblemError(
                f"Matrice des {label} entière attendue, reçu le type {matrix.dtype}.",
                hint="Arrondissez en secondes et en mètres entiers (np.rint(...).astype(int)).",
            )
        if matrix.size and int(matrix.min()) < 0:
            raise InvalidProblemError(
                f"Matrice des {label} positive attendue, valeur minimale {int(matrix.min())}.",
                hint="Remplacez les valeurs négatives (lieux injoignables : grande valeur finie).",
            )


def _check_vehicles(problem: RoutingProblem) -> None:
    depots = set(problem.depots)
    for k, v in enumerate(problem.vehicles):
        label = v.name or f"n°{k}"
        for end, depot in (("de départ", v.start_depot), ("d'arrivée", v.end_depot)):
            if depot not in depots:
                raise InvalidProblemError(
                    f"Véhicule {label} : dépôt {end} {depot} absent des dépôts "
                    f"{sorted(depots)} (indices de lieux).",
                    hint="start_depot et end_depot sont des indices de lieux listés dans depots.",
                )
        if v.tw_early > v.tw_late:
            raise InvalidProblemError(
                f"Véhicule {label} : fenêtre de service vide ({v.tw_early} > {v.tw_late}).",
                hint="Corrigez les horaires du véhicule.",
            )
        for field_name, value in (("max_duration", v.max_duration), ("capacity", v.capacity)):
            if value is not None and value < 0:
                raise InvalidProblemError(
                    f"Véhicule {label} : {field_name} positif attendu, reçu {value}.",
                    hint="Utilisez None pour « sans limite ».",
                )
        if v.fixed_cost < 0:
            raise InvalidProblemError(
                f"Véhicule {label} : coût fixe positif attendu, reçu {v.fixed_cost}.",
                hint="Utilisez un coût fixe >= 0.",
            )


def _check_clients(problem: RoutingProblem) -> None:
    n_vehicles = len(problem.vehicles)
    for k, c in enumerate(problem.clients):
        label = c.name or f"n°{k}"
        for field_name, value in (("service", c.service), ("prize", c.prize), ("demand", c.demand)):
            if value < 0:
                raise InvalidProblemError(
                    f"Client {label} : {field_name} positif attendu, reçu {value}.",
                    hint="Utilisez des entiers >= 0.",
                )
        bad = [v for v in c.vehicles if not 0 <= v < n_vehicles]
        if bad:
            raise InvalidProblemError(
                f"Client {label} : véhicules autorisés {bad} hors de 0..{n_vehicles - 1}.",
                hint="Donnez des indices de problem.vehicles (vide = tous autorisés).",
            )


def _check_groups(problem: RoutingProblem) -> None:
    for gid, members in client_groups(problem).items():
        flags = {problem.clients[m].required for m in members}
        if len(flags) > 1:
            raise InvalidProblemError(
                f"Groupe {gid} : membres obligatoires et facultatifs mêlés.",
                hint="Dans un groupe, tous les membres sont obligatoires (exactement un servi) "
                "ou tous facultatifs (au plus un servi).",
            )


def client_groups(problem: RoutingProblem) -> dict[int, list[int]]:
    """Members (client indices) of each group id that has at least two members.

    A group with one member constrains nothing and is treated as no group.
    """
    groups: dict[int, list[int]] = defaultdict(list)
    for k, c in enumerate(problem.clients):
        if c.group >= 0:
            groups[c.group].append(k)
    return {g: m for g, m in sorted(groups.items()) if len(m) >= 2}
