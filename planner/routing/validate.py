"""Structural rules of a :class:`~planner.routing.model.RoutingProblem` beyond shapes.

Called from ``RoutingProblem.__post_init__`` so that a malformed problem cannot be built. One
sentence per rule: what was expected, what came, how to fix it (in French).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from planner.errors import InvalidProblemError

if TYPE_CHECKING:
    from planner.routing.model import RoutingProblem


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
