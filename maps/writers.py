"""One call per page for ``milo demo``, ``milo map`` and the notebook: build, render, write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_data.plan_files import read_plan
from maps.assets import write_html
from maps.comparison import comparison_map
from maps.coverage import coverage_map
from maps.itinerary import itinerary_map
from maps.next_stop import next_stop_map
from maps.plan_input import territory_of
from planner.territory import Territory
from planner.workflows.coverage import TerritoryCoverage
from planner.workflows.map_inputs import coverage_inputs


def write_itinerary(
    plan_path: Path,
    out: Path | None = None,
    *,
    territory: Territory | None = None,
    color_by: str = "auto",
) -> Path:
    """``itinerary.html`` beside ``plan_path`` (or at ``out``); demo outlines found by slug."""
    plan = read_plan(plan_path)
    territory = territory if territory is not None else territory_of(plan)
    target = out if out is not None else Path(plan_path).with_name("itinerary.html")
    return write_html(itinerary_map(plan, territory, color_by=color_by), target)


def write_coverage(
    territory: Territory,
    out: Path,
    *,
    plan: dict[str, Any] | None = None,
    stops: Sequence[tuple[str, str, float, float]] = (),
    network: Any = None,
    coverage: TerritoryCoverage | None = None,
) -> Path:
    """``coverage.html``: need, access bands, zones, contact points, van stops, partners.

    The van stops are the ``plan``'s, then ``stops`` (id, name, lon, lat), then those chosen by
    ``coverage`` (a :func:`planner.workflows.coverage.territory_coverage` result, whose
    fixed-points matrix and need table are reused).
    """
    inputs = coverage_inputs(territory, plan, stops=stops, network=network, coverage=coverage)
    m = coverage_map(territory, need=inputs.need, access_min=inputs.access_min, stops=inputs.stops)
    return write_html(m, out)


def write_comparison(
    territories: gpd.GeoDataFrame,
    table: pd.DataFrame,
    out: Path,
    *,
    indicator: str,
    labels: dict[str, str] | None = None,
) -> Path:
    """``comparison.html`` of a (suppressed) regional comparison table."""
    return write_html(comparison_map(territories, table, indicator=indicator, labels=labels), out)


def write_next_stop(
    plan: dict[str, Any],
    out: Path,
    *,
    now: dt.datetime,
    van: str | None = None,
    territory: Territory | None = None,
) -> Path:
    """``next-stop.html`` (phone page) of the visit under way or next after ``now``."""
    return write_html(next_stop_map(plan, now=now, van=van, territory=territory), out)
