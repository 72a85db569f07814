"""One call per territory for ``milo coverage`` / ``milo compare``: matrices, need, choice, row.

Fixed contact points are the territory's bases (Mission Locale head office and antennas) and
its fixed partners (``fixed_site``, such as fixed France Services). Van stop candidates are the
partners that can host the van. Travel times come from :func:`planner.matrix.travel_matrix`
(road network when given, else the declared estimate, as every output says).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from planner.coverage.adapters import indicators_from_territory
from planner.coverage.choice import CoverageSolution, SolverOptions, maximal_covering
from planner.coverage.compare import ComparisonTable, compare_territories
from planner.coverage.indicators import TerritoryIndicators
from planner.coverage.need import NeedTable, NeedWeights, need_scores_from_territory
from planner.coverage.problem import CoverageProblem
from planner.coverage.synthetic import synthetic_activity_from_territory
from planner.errors import InvalidProblemError
from planner.matrix import travel_matrix


@dataclass(frozen=True, eq=False)
class TerritoryCoverage:
    """Everything computed for one territory."""

    need: NeedTable
    choice: CoverageSolution
    indicators: TerritoryIndicators
    method: str
    travel_description: str = ""
    fixed_matrix: Any = None  # communes -> fixed contact points (TravelMatrix), for reuse


def fixed_points(territory: Any) -> np.ndarray:
    """Lon/lat of the fixed contact points: bases, then fixed partners."""
    pts = [[b.lon, b.lat] for b in territory.bases]
    fixed = territory.fixed_sites
    pts += [[g.x, g.y] for g in fixed.geometry]
    if not pts:
        raise InvalidProblemError(
            f"Le territoire {territory.id} n'a aucun point de contact fixe.",
            hint="Déclarez au moins une base (siège ou antenne) dans la spécification.",
        )
    return np.asarray(pts, dtype=float)


def territory_coverage(
    territory: Any,
    *,
    k: int,
    within: int = 1200,
    network: Any = None,
    weights: NeedWeights | None = None,
    options: SolverOptions | None = None,
    today: date | None = None,
) -> TerritoryCoverage:
    """Need scores, ``k`` van stops by maximal covering, and the territory's indicators.

    The stops maximise the need-weighted demand within ``within`` seconds that fixed contact
    points do not already reach within the same time. ``k`` is capped by the number of
    candidates (a small territory may have fewer hosts than ``k``).
    """
    communes = territory.communes
    lonlat = communes[["lon", "lat"]].to_numpy(dtype=float)
    fixed_m = travel_matrix(lonlat, fixed_points(territory), network=network)
    need = need_scores_from_territory(territory, fixed_m, weights=weights, today=today)
    hosts = territory.partners[territory.partners["can_host_van"].astype(bool)]
    if len(hosts) == 0:
        raise InvalidProblemError(
            f"Le territoire {territory.id} n'a aucun lieu pouvant accueillir le camion.",
            hint="Ajoutez des partenaires (can_host_van = vrai).",
        )
    host_pts = np.column_stack([hosts.geometry.x, hosts.geometry.y])
    host_m = travel_matrix(lonlat, host_pts, network=network)
    problem = CoverageProblem.from_territory(
        territory, host_m, site_ids=[str(i) for i in hosts.index],
        weights=need.coverage_weights(),
    )  # fmt: skip
    pre = (fixed_m.reachable & (fixed_m.durations <= within)).any(axis=1)
    choice = maximal_covering(
        problem, k=min(k, problem.n_sites), within=within, already_covered=pre, options=options
    )
    cols = list(choice.selected)
    stop_m = travel_matrix(lonlat, host_pts[cols], network=network)
    indicators = indicators_from_territory(
        territory, fixed_m, stop_matrix=stop_m, stop_ids=list(choice.selected_ids), today=today
    )
    return TerritoryCoverage(
        need, choice, indicators, fixed_m.method, fixed_m.describe_fr(), fixed_matrix=fixed_m
    )


def with_demo_activity(territory: Any, *, seed: int, today: date) -> Any:
    """The territory itself when it has real activity; otherwise a copy carrying a seeded
    synthetic history ("données fictives") ending the day before ``today``."""
    if not territory.activity.empty:
        return territory
    activity = synthetic_activity_from_territory(
        territory, end=today - timedelta(days=1), seed=seed
    )
    return dataclasses.replace(territory, activity=activity, activity_synthetic=True)


def region_comparison(
    territories: list[Any],
    *,
    k: int = 8,
    within: int = 1200,
    seed: int = 0,
    today: date | None = None,
    synthetic_activity: bool = False,
) -> tuple[ComparisonTable, list[TerritoryCoverage]]:
    """What ``milo compare`` does: coverage per territory, then the suppressed comparison.

    With ``synthetic_activity`` (the demo), territories without an activity file get a seeded
    synthetic history, labelled "données fictives" in every output.
    """
    today = today or date.today()
    if synthetic_activity:
        territories = [
            with_demo_activity(t, seed=seed + i, today=today) for i, t in enumerate(territories)
        ]
    rows = [territory_coverage(t, k=k, within=within, today=today) for t in territories]
    return compare_territories([r.indicators for r in rows]), rows
