"""Territory coverage: need, the van's stops by maximal covering, and the indicators.

``milo coverage`` and the demo call :func:`territory_coverage`; the API's indicators of a
territory with its latest plan are :func:`plan_indicators`. Travel times come from
:func:`planner.matrix.travel_matrix` (road network when given, else the declared estimate, as
every output says).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from planner.coverage.choice import CoverageSolution, SolverOptions, maximal_covering
from planner.coverage.indicators import TerritoryIndicators, territory_indicators
from planner.coverage.need import NeedTable, NeedWeights
from planner.coverage.problem import CoverageProblem, young_weights
from planner.errors import InvalidProblemError
from planner.matrix import TravelMatrix, travel_matrix
from planner.territory import Territory
from planner.workflows.need import need_table
from planner.workflows.territory_arrays import (
    activity_label,
    activity_totals,
    commune_codes,
    commune_points,
    fixed_matrix,
    host_index,
    partner_points,
    partner_types,
    qpv_code_lists,
    van_hosts,
    young,
)

#: stop type of a plan's stop without a host partner (the van on the public square)
NO_HOST = "sans_hote"


@dataclass(frozen=True)
class ChosenStop:
    """A van stop chosen by the coverage model: a host partner and its point."""

    id: str
    name: str
    type: str
    commune: str
    lon: float
    lat: float


@dataclass(frozen=True, eq=False)
class TerritoryCoverage:
    """Everything computed for one territory (``fixed_matrix`` and ``need`` for reuse)."""

    need: NeedTable
    choice: CoverageSolution
    indicators: TerritoryIndicators
    method: str
    travel_description: str = ""
    fixed_matrix: TravelMatrix | None = None  # communes -> fixed contact points
    stops: tuple[ChosenStop, ...] = ()


#: the plan's ``travel_time_method`` in French (when the plan does not describe it itself)
METHOD_FR = {
    "estimate": "estimation déclarée (distance à vol d'oiseau x détour, vitesses par type de "
    "route)",
    "osm": "réseau routier OpenStreetMap",
}


def coverage_problem(
    territory: Territory,
    matrix: TravelMatrix,
    *,
    site_ids: Sequence[Any],
    weights: Any = None,
    cost: str = "duration",
) -> CoverageProblem:
    """The coverage problem of the communes (rows) and candidate sites (``matrix`` columns).

    Parameters
    ----------
    matrix
        Travel matrix from the communes (rows, ``territory.communes`` order) to the sites
        (columns, ``site_ids`` order).
    weights
        Integer weight per commune; defaults to the estimated young population rounded to
        whole people.
    cost
        ``"duration"`` (seconds) or ``"distance"`` (metres).
    """
    if cost not in ("duration", "distance"):
        raise InvalidProblemError(
            f"Coût inconnu {cost!r} ; attendu « duration » ou « distance ».",
            hint="Choisissez le temps de parcours ou la distance.",
        )
    if weights is None:
        weights = young_weights(young(territory), territory_id=territory.id)
    return CoverageProblem.from_matrix(
        np.asarray(matrix.durations if cost == "duration" else matrix.distances),
        np.asarray(weights),
        reachable=np.asarray(matrix.reachable, dtype=bool),
        demand_ids=commune_codes(territory),
        site_ids=site_ids,
        unit="s" if cost == "duration" else "m",
        method=matrix.method,
    )


def _indicators(
    territory: Territory, fixed_times: np.ndarray, **figures: Any
) -> TerritoryIndicators:
    """:func:`territory_indicators` on the territory's per-commune arrays, plus ``figures``."""
    return territory_indicators(
        territory.id,
        territory.name,
        young=young(territory),
        frr_class=list(territory.communes["frr_class"]),
        qpv_codes=qpv_code_lists(territory),
        fixed_times=fixed_times,
        **figures,
    )


def coverage_indicators(
    territory: Territory,
    to_fixed: TravelMatrix,
    *,
    stop_matrix: TravelMatrix | None = None,
    stop_ids: Sequence[str] = (),
    sessions_planned: int | None = None,
    km_driven: float | None = None,
    since: date | None = None,
    today: date | None = None,
    reach: int = 1200,
) -> TerritoryIndicators:
    """Indicators of a territory from its own activity and the van's stops (partner ids).

    Parameters
    ----------
    to_fixed
        Travel matrix communes -> fixed contact points.
    stop_matrix, stop_ids
        Travel matrix communes -> the van's stops, and the stops' partner ids (columns order).
    sessions_planned, km_driven
        From the itinerary plan.
    since, today
        Activity window (``today`` defaults to the current date; later activity is refused).
    """
    van_times = None
    if stop_matrix is not None:
        columns = np.asarray(stop_matrix.durations).shape[1]
        if columns != len(stop_ids):
            raise InvalidProblemError(
                f"La matrice vers les arrêts a {columns} colonnes pour {len(stop_ids)} arrêts.",
                hint="Une colonne par arrêt planifié, dans l'ordre de stop_ids.",
            )
        van_times = stop_matrix.nearest_s()
    return _indicators(
        territory,
        to_fixed.nearest_s(),
        van_times=van_times,
        stop_types=partner_types(territory, stop_ids),
        activity_totals=activity_totals(territory, today=today or date.today(), since=since),
        activity_label=activity_label(territory),
        notes=[n for n in (territory.approximation, territory.young_method) if n],
        sessions_planned=sessions_planned,
        km_driven=km_driven,
        reach=reach,
    )


def plan_indicators(
    territory: Territory,
    *,
    plan: dict[str, Any] | None,
    activity: dict[str, int],
    activity_label: str,
    to_fixed: TravelMatrix,
) -> TerritoryIndicators:
    """Indicators of a territory with a plan document (``plan.json``; None: no plan yet) and
    activity totals recorded elsewhere (the service's store).

    A plan's stops are told apart by ``stop_id``; a stop's type is its host partner's, found by
    commune and host name (:data:`NO_HOST` without a host). Times to the stops: the declared
    estimate.
    """
    van_times = None
    stop_types: list[str] = []
    sessions_planned = None
    km = None
    notes: list[str] = []
    if plan is not None:
        stops: dict[str, tuple[float, float, str, str]] = {}
        for v in plan["visits"]:
            stops.setdefault(v["stop_id"], (v["lon"], v["lat"], v["commune"], v.get("host") or ""))
        hosts = host_index(territory)
        stop_types = [
            hosts.get((commune, host), ("", NO_HOST, None))[1] if host else NO_HOST
            for _, _, commune, host in stops.values()
        ]
        if stops:
            pts = np.asarray([(lon, lat) for lon, lat, _, _ in stops.values()], dtype=float)
            van_times = travel_matrix(commune_points(territory), pts).nearest_s()
        sessions_planned = len(plan["visits"])
        km = float(plan.get("kpis", {}).get("drive_km", 0.0))
        method = plan.get("travel_time_method", "estimate")
        said = plan.get("travel_time") or METHOD_FR.get(method, method)
        notes.append(f"Temps de trajet : {said}.")
    else:
        notes.append("Aucun plan terminé : indicateurs sans camion.")
    return _indicators(
        territory,
        to_fixed.nearest_s(),
        van_times=van_times,
        stop_types=stop_types,
        activity_totals=activity,
        activity_label=activity_label,
        sessions_planned=sessions_planned,
        km_driven=km,
        notes=notes,
    )


def territory_coverage(
    territory: Territory,
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
    to_fixed = fixed_matrix(territory, network=network)
    need = need_table(territory, to_fixed, weights=weights, today=today)
    hosts = van_hosts(territory)
    host_pts = partner_points(hosts)
    host_m = travel_matrix(commune_points(territory), host_pts, network=network)
    problem = coverage_problem(
        territory, host_m, site_ids=[str(i) for i in hosts.index], weights=need.coverage_weights()
    )
    pre = (to_fixed.reachable & (to_fixed.durations <= within)).any(axis=1)
    choice = maximal_covering(
        problem, k=min(k, problem.n_sites), within=within, already_covered=pre, options=options
    )
    cols = list(choice.selected)
    stop_m = host_m.columns(cols)  # the chosen hosts' columns, not computed again
    indicators = coverage_indicators(
        territory, to_fixed, stop_matrix=stop_m, stop_ids=list(choice.selected_ids), today=today
    )
    stops = tuple(
        ChosenStop(
            id=str(sid),
            name=str(hosts.loc[sid, "name"]),
            type=str(hosts.loc[sid, "type"]),
            commune=str(hosts.loc[sid, "commune"]),
            lon=float(host_pts[j, 0]),
            lat=float(host_pts[j, 1]),
        )
        for sid, j in zip(choice.selected_ids, cols, strict=True)
    )
    return TerritoryCoverage(
        need,
        choice,
        indicators,
        to_fixed.method,
        to_fixed.describe_fr(),
        fixed_matrix=to_fixed,
        stops=stops,
    )
