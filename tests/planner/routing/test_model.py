"""RoutingProblem refuses malformed inputs with a French message."""

from __future__ import annotations

import numpy as np
import pytest

from planner.errors import InvalidProblemError
from planner.routing.model import Client, RoutingProblem, Vehicle
from planner.routing.solve import solve

M = np.array([[0, 5, 7], [5, 0, 3], [7, 3, 0]], dtype=np.int64)


def make(**changes) -> RoutingProblem:
    fields = {
        "durations": M,
        "distances": M,
        "depots": (0,),
        "clients": (Client(1), Client(2)),
        "vehicles": (Vehicle(0, 0),),
    } | changes
    return RoutingProblem(**fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"durations": M.astype(float)}, "Matrice des durées entière attendue"),
        ({"distances": -M}, "Matrice des distances positive attendue"),
        ({"durations": M[:2, :2]}, "Matrices carrées attendues"),
        ({"vehicles": ()}, "Aucun véhicule"),
        ({"vehicles": (Vehicle(0, 2),)}, "dépôt d'arrivée 2 absent des dépôts"),
        ({"vehicles": (Vehicle(0, 0, tw_early=9, tw_late=3),)}, "fenêtre de service vide"),
        ({"vehicles": (Vehicle(0, 0, capacity=-1),)}, "capacity positif attendu"),
        ({"vehicles": (Vehicle(0, 0, max_duration=-5),)}, "max_duration positif attendu"),
        ({"vehicles": (Vehicle(0, 0, fixed_cost=-1),)}, "coût fixe positif attendu"),
        ({"clients": (Client(3),)}, "lieu 3 hors des matrices"),
        ({"clients": (Client(1, tw_early=5, tw_late=4),)}, "fenêtre horaire vide"),
        ({"clients": (Client(1, service=-1),)}, "service positif attendu"),
        ({"clients": (Client(1, prize=-2, required=False),)}, "prize positif attendu"),
        ({"clients": (Client(1, vehicles=(1,)),)}, r"véhicules autorisés \[1\] hors de 0..0"),
        (
            {"clients": (Client(1, group=0), Client(2, group=0, required=False))},
            "Groupe 0 : membres obligatoires et facultatifs mêlés",
        ),
        ({"depots": (4,)}, "Dépôt 4 hors des matrices"),
        ({"distance_weight": -1}, "Poids positifs ou nuls attendus"),
    ],
)
def test_bad_problem(changes, message):
    with pytest.raises(InvalidProblemError, match=message):
        make(**changes)


def test_no_client_gives_no_route():
    solution = solve(make(clients=()), time_limit=5.0)
    assert solution.routes == () and solution.feasible and solution.runtime_s < 1.0
