"""The reach of a territory's plan: the territory's arrays for :mod:`planner.itinerary.reach`.

Travel times communes -> the plan's stops and communes -> fixed contact points come from
:func:`planner.matrix.travel_matrix` (the road ``network`` when given, else the declared
estimate, as the plan's own times). Expected repérés per session: for now the empirical-Bayes
smoothed repérés per session of each commune (:func:`planner.coverage.activity.smoothed_rates`,
by commune, the same rates as the need score), applied to each visit's commune.
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
from planner.workflows.territory_arrays import (
    activity_label,
    commune_activity_rates,
    commune_codes,
    commune_points,
    fixed_matrix,
    young,
)

#: what the expected repérés are, shown with the figure (item 5 of issue #11 replaces it)
RATES_METHOD = (
    "repérés par séance lissés (Bayes empirique gamma-Poisson) par commune, sans saison ni démarche"
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
    return ReachArrays(
        to_stops=travel_matrix(commune_points(territory), points, network=network),
        stop_ids=stop_ids,
        to_fixed=to_fixed if to_fixed is not None else fixed_matrix(territory, network=network),
        young=young(territory),
        codes=commune_codes(territory),
        names=[str(n) for n in territory.communes["name"]],
        bases=len(territory.bases),
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
    rates = commune_activity_rates(territory, today=today).frame["smoothed_rate"]
    if arrays is None:
        arrays = reach_arrays(territory, plan, network=network, to_fixed=to_fixed)
    return plan_reach(
        plan,
        arrays,
        rates={str(k): float(r) for k, r in rates.items()},
        rates_method=RATES_METHOD,
        rates_label=activity_label(territory),
        access_s=access_s,
        large_young=large_young,
    )
