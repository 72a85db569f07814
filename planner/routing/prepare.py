"""Solver-neutral arrays derived from a :class:`~planner.routing.model.RoutingProblem`.

Every solver sees the same node numbering: the depots first (in ``problem.depots`` order), then
one node per client (so that clients sharing a location can still be told apart, for instance
by allowed vehicles). Arc costs fold the two weights into one integer matrix, and open time
windows are clipped to a finite horizon that no schedule without needless waiting exceeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.routing.model import RoutingProblem, client_groups


@dataclass(frozen=True)
class PreparedProblem:
    """Arrays shared by the solver adapters.

    Attributes
    ----------
    locations
        Matrix row of each node (depots, then clients).
    cost
        ``distance_weight * distance + duration_weight * duration`` between nodes.
    durations
        Travel time between nodes.
    horizon
        Finite upper bound replacing open time windows.
    groups
        Client indices of each exclusive group with two members or more.
    num_depots
        Number of depot nodes (nodes ``0..num_depots-1``).
    """

    locations: np.ndarray
    cost: np.ndarray
    durations: np.ndarray
    horizon: int
    groups: dict[int, list[int]]
    num_depots: int

    @property
    def num_clients(self) -> int:
        """Number of client nodes."""
        return len(self.locations) - self.num_depots

    def client_node(self, client: int) -> int:
        """Node of client index ``client``."""
        return self.num_depots + client

    def depot_node(self, location: int) -> int:
        """Node of the depot at matrix row ``location``."""
        return int(np.flatnonzero(self.locations[: self.num_depots] == location)[0])

    def clip(self, value: int) -> int:
        """``value`` bounded by the horizon."""
        return min(int(value), self.horizon)


def prepare(problem: RoutingProblem) -> PreparedProblem:
    """Build the node arrays of ``problem``.

    Parameters
    ----------
    problem
        The routing problem.

    Returns
    -------
    PreparedProblem
        Node locations, cost and duration matrices, horizon and groups.
    """
    locations = np.array([*problem.depots, *(c.location for c in problem.clients)], dtype=np.int64)
    index = np.ix_(locations, locations)
    durations = problem.durations[index].astype(np.int64)
    cost = (
        problem.distance_weight * problem.distances[index].astype(np.int64)
        + problem.duration_weight * durations
    )
    return PreparedProblem(
        locations, cost, durations, horizon(problem), client_groups(problem), len(problem.depots)
    )


def horizon(problem: RoutingProblem) -> int:
    """A time no vehicle needs to exceed: latest opening + all service + longest legs."""
    opens = [c.tw_early for c in problem.clients] + [v.tw_early for v in problem.vehicles]
    longest = int(problem.durations.max()) if problem.durations.size else 0
    service = sum(c.service for c in problem.clients)
    return max(opens, default=0) + service + (len(problem.clients) + 1) * longest + 1
