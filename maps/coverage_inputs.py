"""Plain inputs of :func:`maps.coverage.coverage_map` computed from a Territory (and a plan).

A thin glue over the planner (travel times, need scores, catchments) so that ``milo demo`` and
the notebook can draw a coverage map in one call; the planner does the computing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from maps.coverage import CoverageStop
from planner.catchment import catchments
from planner.coverage.need import NeedTable, nearest_times, need_scores_from_territory
from planner.coverage.runner import fixed_points
from planner.matrix import TravelMatrix, travel_matrix
from planner.territory import Territory


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


def coverage_inputs(
    territory: Territory,
    plan: dict[str, Any] | None = None,
    *,
    stops: Sequence[tuple[str, str, float, float]] = (),
    network: Any = None,
    threshold_min: int = 20,
    to_fixed: TravelMatrix | None = None,
    need: NeedTable | None = None,
) -> CoverageInputs:
    """Need scores, access times (fixed points and van stops) and the stops' catchments.

    The van stops are the plan's visited places, or ``stops`` given as (id, name, lon, lat),
    e.g. the sites chosen by the coverage model (``coverage.json``). ``to_fixed`` (communes ->
    fixed contact points) and ``need``, when a caller already has them (``territory_coverage``),
    are reused instead of computed again.
    """
    communes = territory.communes
    origins = np.column_stack([communes["lon"].to_numpy(float), communes["lat"].to_numpy(float)])
    if to_fixed is None:
        to_fixed = travel_matrix(origins, fixed_points(territory), network=network)
    if need is None:
        need = need_scores_from_territory(territory, to_fixed)
    stops = plan_stops(plan) + [s for s in stops if s[0] not in {p[0] for p in plan_stops(plan)}]
    best = nearest_times(to_fixed)
    out_stops: tuple[CoverageStop, ...] = ()
    if stops:
        lonlat = np.array([(s[2], s[3]) for s in stops], dtype=float)
        to_stops = travel_matrix(origins, lonlat, network=network)
        catch = catchments(
            to_stops, communes["young"].to_numpy(float), thresholds_min=(threshold_min,)
        )
        best = np.fmin(best, nearest_times(to_stops))
        codes = communes.index.astype(str).to_numpy()
        out_stops = tuple(
            CoverageStop(
                sid,
                name,
                lon,
                lat,
                tuple(codes[catch.within[0][:, j]]),
                label=f"zone à {threshold_min} min",
            )
            for j, (sid, name, lon, lat) in enumerate(stops)
        )
    access = pd.Series(best / 60.0, index=communes.index.astype(str))
    return CoverageInputs(need.frame, access, out_stops, to_fixed.method)
