"""The reach of a territory's plan: the territory's arrays for :mod:`planner.itinerary.reach`.

Travel times communes -> the plan's stops and communes -> fixed contact points come from
:func:`planner.matrix.travel_matrix` (the road ``network`` when given, else the declared
estimate, as the plan's own times). Expected repérés: those learned from the history by commune
and month (:func:`planner.workflows.expected.expected_table`) for each van session, by place
for a partner session, a maraude or an event
(:func:`~planner.workflows.expected.visit_expectations`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from planner.itinerary.plan import Plan
from planner.itinerary.reach import (
    ACCESS_S,
    LARGE_YOUNG,
    PlanReach,
    ReachArrays,
    plan_reach,
    plan_stop_ids,
)
from planner.matrix import TravelMatrix, travel_matrix
from planner.territory import Territory
from planner.workflows.expected import expected_table, visit_expectations
from planner.workflows.territory_arrays import (
    commune_codes,
    commune_points,
    fixed_matrix,
    young,
)


def reach_arrays(
    territory: Territory,
    plan: Plan,
    *,
    network: Any = None,
    to_fixed: TravelMatrix | None = None,
) -> ReachArrays:
    """What the reach of ``plan`` reads of ``territory``: communes -> the plan's stops and
    communes -> fixed contact points (bases first), young people, codes and names.

    ``network``: road network for the travel times (default: the declared estimate);
    ``to_fixed``: the communes -> fixed contact points matrix when the caller has it.
    """
    stop_ids = plan_stop_ids(plan)
    where: dict[str, tuple[float, float]] = {}
    for v in plan.visits:
        where.setdefault(v.stop_id, (v.lon, v.lat))
    points = np.asarray([where[s] for s in stop_ids], dtype=float).reshape(-1, 2)
    origins = commune_points(territory)
    return ReachArrays(
        to_stops=travel_matrix(origins, points, network=network)
        if len(points)
        else no_stop_matrix(len(origins), network=network),
        stop_ids=stop_ids,
        to_fixed=to_fixed if to_fixed is not None else fixed_matrix(territory, network=network),
        young=young(territory),
        codes=commune_codes(territory),
        names=[str(n) for n in territory.communes["name"]],
        bases=len(territory.bases),
    )


def no_stop_matrix(n_communes: int, *, network: Any = None) -> TravelMatrix:
    """The communes -> stops matrix of a plan without any visit (every van down): no column."""
    empty = np.zeros((n_communes, 0), dtype=np.int64)
    return TravelMatrix(
        durations=empty,
        distances=empty.copy(),
        reachable=np.zeros((n_communes, 0), dtype=bool),
        method="estimate" if network is None else "osm",
        params={"stops": 0},
    )


def territory_plan_reach(
    territory: Territory,
    plan: Plan,
    *,
    access_s: int = ACCESS_S,
    large_young: float = LARGE_YOUNG,
    network: Any = None,
    to_fixed: TravelMatrix | None = None,
    today: date | None = None,
    arrays: ReachArrays | None = None,
) -> PlanReach:
    """The reach of ``plan`` over ``territory`` (see :func:`planner.itinerary.reach.plan_reach`).

    ``network``, ``to_fixed``: see :func:`reach_arrays`; ``arrays``: those arrays when the
    caller has them.
    """
    table = expected_table(territory, today=today)
    visit_rates = [r for r, _ in visit_expectations(table, plan.visits)]
    if arrays is None:
        arrays = reach_arrays(territory, plan, network=network, to_fixed=to_fixed)
    return plan_reach(
        plan,
        arrays,
        rates={},
        visit_rates=[float(r) for r in visit_rates],
        rates_method=table.method,
        rates_label=table.label,
        access_s=access_s,
        large_young=large_young,
    )
