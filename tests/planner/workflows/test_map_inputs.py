"""Inputs of the coverage map from a Territory: stops' catchments, access times, need."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from geo_data.roads import load_network, prepare_network
from planner.catchment import CoverageStop
from planner.network import road_network_from_graph
from planner.workflows.coverage import territory_coverage
from planner.workflows.map_inputs import coverage_inputs, plan_stops, stop_catchments
from tests.maps.conftest import make_plan


def test_demo_territory_uses_the_declared_estimate(creusot):
    stops = creusot.communes[["lon", "lat"]].to_numpy(dtype=float)[:3]
    c = stop_catchments(creusot, stops)
    assert c.method == "estimate" and c.n_communes == len(creusot.communes) and c.n_stops == 3
    for j in range(3):  # each stop is in its own commune
        assert j in c.communes_of(j, 20)
    assert np.all(c.young_within[0] <= c.young_within[1])
    assert c.young_within[1].max() <= creusot.communes["young"].sum()


@pytest.mark.shared
def test_same_code_path_on_a_real_osm_graph(geo_dir):
    G, _ = prepare_network(load_network(geo_dir / "osm" / "saint_barthelemy.osm.pbf"))
    net = road_network_from_graph(G)
    rng = np.random.default_rng(3)
    pts = net.lonlat[rng.choice(net.n_nodes, size=12, replace=False)]
    communes = pd.DataFrame({"lon": pts[:, 0], "lat": pts[:, 1], "young": rng.uniform(0, 50, 12)})
    territory = SimpleNamespace(communes=communes)
    stops = pts[:2]
    to_stop = stop_catchments(territory, stops, network=net, thresholds_min=(5, 10))
    both = stop_catchments(
        territory, stops, network=G, thresholds_min=(5, 10), both_directions=True
    )
    assert to_stop.method == both.method == "osm"
    assert "OpenStreetMap" in to_stop.describe_fr()
    assert to_stop.communes_of(0, 5)[0] == 0 and np.all(both.within <= to_stop.within)
    assert to_stop.within[1].sum() > to_stop.within[0].sum()  # 10 min reaches more than 5


def test_inputs_cover_every_commune(marches):
    inputs = coverage_inputs(marches, make_plan(marches, weeks=1))
    assert len(inputs.need) == len(marches.communes)
    assert inputs.access_min.index.equals(marches.communes.index.astype(str))
    assert (inputs.access_min >= 0).all()
    assert inputs.stops and all(s.catchment for s in inputs.stops)
    assert inputs.method == "estimate"


def test_plan_stops_are_distinct(marches):
    plan = make_plan(marches, weeks=2)
    stops = plan_stops(plan)
    assert len(stops) == len({v["stop_id"] for v in plan["visits"]})
    assert plan_stops(None) == []
    assert CoverageStop("a", "A", 4.0, 47.0).catchment == ()


def test_given_stops_join_the_plan_stops(marches):
    site = marches.partners.iloc[3]
    extra = [("site-a", str(site["name"]), site.geometry.x, site.geometry.y)]
    got = coverage_inputs(marches, None, stops=extra)
    assert [s.id for s in got.stops] == ["site-a"]
    assert got.stops[0].catchment


def test_a_coverage_result_gives_its_matrix_need_and_stops(creusot):
    result = territory_coverage(creusot, k=2)
    got = coverage_inputs(creusot, None, coverage=result)
    assert [s.id for s in got.stops] == list(result.choice.selected_ids)
    assert got.need is result.need.frame
    given = [(s.id, s.name, s.lon, s.lat) for s in result.stops]
    fresh = coverage_inputs(creusot, None, stops=given)
    pd.testing.assert_series_equal(got.access_min, fresh.access_min)
    pd.testing.assert_frame_equal(got.need, fresh.need)
