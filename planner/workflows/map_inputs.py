"""Inputs of the coverage map (:func:`maps.coverage.coverage_map`) from a Territory and a plan.

The van stops are a plan's visited places and/or given stops (such as the coverage model's
choice); their catchments and the access times come from :func:`planner.matrix.travel_matrix`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.catchment import Catchments, CoverageStop, catchments
from planner.coverage.need import NeedTable
from planner.estimate import EstimateParams
from planner.matrix import SnapParams, TravelMatrix, travel_matrix
from planner.territory import Territory
from planner.workflows.coverage import TerritoryCoverage
from planner.workflows.need import need_table
from planner.workflows.territory_arrays import commune_codes, commune_points, fixed_matrix, young


@dataclass(frozen=True)
class CoverageInputs:
    """Need table, access minutes (with the van's stops) and stops with 20-min catchments."""

    need: pd.DataFrame
    access_min: pd.Series
    stops: tuple[CoverageStop, ...]
    method: str


def plan_stops(plan: dict[str, Any] | None) -> list[tuple[str, str, float, float]]:
    """Distinct (id, name, lon, lat) of a plan's visits, in first-visit order."""
    seen: dict[str, tuple[str, str, float, float]] = {}
    for v in (plan or {}).get("visits", []):
        seen.setdefault(
            str(v["stop_id"]),
            (str(v["stop_id"]), str(v["stop_name"]), float(v["lon"]), float(v["lat"])),
        )
    return list(seen.values())


def stop_catchments(
    territory: Territory,
    stops_lonlat: object,
    *,
    network: Any = None,
    estimate: EstimateParams = EstimateParams(),  # noqa: B008 - frozen dataclass
    snap: SnapParams = SnapParams(),  # noqa: B008 - frozen dataclass
    thresholds_min: tuple[int, ...] = (20, 30),
    both_directions: bool = False,
    cache: Any = None,
) -> Catchments:
    """Catchments of ``stops_lonlat`` (lon/lat rows) over the territory's communes."""
    pts = commune_points(territory)
    options = {"network": network, "estimate": estimate, "snap": snap, "cache": cache}
    to_stop = travel_matrix(pts, stops_lonlat, **options)
    from_stop = travel_matrix(stops_lonlat, pts, **options) if both_directions else None
    return catchments(
        to_stop, young(territory), thresholds_min=thresholds_min, matrix_from_stop=from_stop
    )


def coverage_inputs(
    territory: Territory,
    plan: dict[str, Any] | None = None,
    *,
    stops: Sequence[tuple[str, str, float, float]] = (),
    network: Any = None,
    threshold_min: int = 20,
    coverage: TerritoryCoverage | None = None,
    to_fixed: TravelMatrix | None = None,
    need: NeedTable | None = None,
) -> CoverageInputs:
    """Need scores, access times (fixed points and van stops) and the stops' catchments.

    The van stops are the plan's visited places, then ``stops`` given as (id, name, lon, lat),
    then the stops chosen by ``coverage`` (a :func:`~planner.workflows.coverage.
    territory_coverage` result), each once. The communes -> fixed points matrix (``to_fixed``)
    and the ``need`` table are taken from ``coverage`` or given by a caller that has them
    (the service's cache); otherwise they are computed.
    """
    if coverage is not None:
        to_fixed = coverage.fixed_matrix if to_fixed is None else to_fixed
        need = coverage.need if need is None else need
        stops = [*stops, *((s.id, s.name, s.lon, s.lat) for s in coverage.stops)]
    if to_fixed is None:
        to_fixed = fixed_matrix(territory, network=network)
    if need is None:
        need = need_table(territory, to_fixed)
    chosen: dict[str, tuple[str, str, float, float]] = {}
    for stop in [*plan_stops(plan), *stops]:
        chosen.setdefault(stop[0], stop)
    best = to_fixed.nearest_s()
    out_stops: tuple[CoverageStop, ...] = ()
    if chosen:
        lonlat = np.array([(s[2], s[3]) for s in chosen.values()], dtype=float)
        to_stops = travel_matrix(commune_points(territory), lonlat, network=network)
        catch = catchments(to_stops, young(territory), thresholds_min=(threshold_min,))
        best = np.fmin(best, to_stops.nearest_s())
        codes = np.asarray(commune_codes(territory), dtype=object)
        out_stops = tuple(
            CoverageStop(
                sid,
                name,
                lon,
                lat,
                tuple(codes[catch.within[0][:, j]]),
                label=f"zone à {threshold_min} min",
            )
            for j, (sid, name, lon, lat) in enumerate(chosen.values())
        )
    access = pd.Series(best / 60.0, index=territory.communes.index.astype(str))
    return CoverageInputs(need.frame, access, out_stops, to_fixed.method)
