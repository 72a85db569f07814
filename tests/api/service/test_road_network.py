"""The service plans on the territory's road network once ``milo roads`` has put one in the
cache (here: ``--network FILE``'s import of a GraphML), and on the estimate before."""

from __future__ import annotations

import warnings

import pytest

from benchmarks.matrix import synthetic_road_graph
from geo_data.roads import save_graphml
from geo_data.roads_download import import_network_file
from planner.matrix import SnapDistanceWarning
from tests.api.service.conftest import CM, make_plan


@pytest.fixture
def burgundy_graphml(tmp_path):
    # a seeded road-like graph over the south of Burgundy (Creusot-Montceau inside), dense
    # enough that every commune and partner lies near a road
    return save_graphml(
        synthetic_road_graph(10_000, seed=3, side_m=45_000.0), tmp_path / "reseau.graphml"
    )


def test_plan_uses_the_cached_network_of_its_territory(client, tokens, burgundy_graphml):
    before = make_plan(client, tokens["manager"])
    assert before["plan"]["travel_time_method"] == "estimate"
    territory = client.app.state.milo.territories.get(CM)[0]
    status = import_network_file(territory, burgundy_graphml)
    assert status.state == "ok"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnapDistanceWarning)
        after = make_plan(client, tokens["manager"])
    doc = after["plan"]
    assert doc["travel_time_method"] == "osm"
    assert doc["travel_time"].startswith("temps de trajet sur le réseau routier OSM (")
