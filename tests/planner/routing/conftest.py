"""Small routing problems on a line: location k sits at abscissa 10 * k (travel = distance)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from planner.routing.model import Client, RoutingProblem, Vehicle


def _line_problem(
    clients: tuple[Client, ...],
    vehicles: tuple[Vehicle, ...] = (Vehicle(0, 0),),
    *,
    n: int = 6,
    depots: tuple[int, ...] = (0,),
    **weights: int,
) -> RoutingProblem:
    x = np.arange(n) * 10
    m = np.abs(x[:, None] - x[None, :]).astype(np.int64)
    return RoutingProblem(m, m.copy(), depots, clients, vehicles, **weights)


@pytest.fixture
def line_problem() -> Callable[..., RoutingProblem]:
    """Factory: ``line_problem(clients, vehicles, n=6, depots=(0,), **weights)``."""
    return _line_problem


@pytest.fixture
def three_on_a_line() -> RoutingProblem:
    """Clients at 10, 20, 30 with windows; one vehicle, capacity 10, back by 200."""
    clients = (
        Client(1, service=5, tw_early=0, tw_late=50, demand=4),
        Client(2, service=5, tw_early=40, tw_late=60, demand=4),
        Client(3, service=5, tw_early=50, tw_late=100, demand=2),
    )
    return _line_problem(clients, (Vehicle(0, 0, tw_late=200, capacity=10, max_duration=150),))
