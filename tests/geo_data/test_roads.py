"""Road networks: OSM/PBF/GraphML reading, speeds, clean-up, download settings, matrix cache."""

from __future__ import annotations

import bz2
import math
import shutil

import networkx as nx
import numpy as np
import osmnx as ox
import pytest

from geo_data.roads import (
    MatrixCache,
    load_network,
    load_road_network,
    parse_maxspeed,
    prepare_network,
    save_graphml,
)
from planner.errors import DataSourceError, InvalidNetworkError
from planner.matrix import travel_matrix
from planner.network import road_network_from_graph


@pytest.fixture(scope="module")
def tiny_path(data_dir):
    return data_dir / "roads" / "tiny.osm"


@pytest.fixture(scope="module")
def tiny_raw(tiny_path):
    return load_network(tiny_path, simplify=False)


# --- reading OSM ----------------------------------------------------------------------------


def test_osm_xml_keeps_complete_drivable_ways_with_osmnx_attributes(tiny_raw):
    G = tiny_raw
    assert set(G.nodes) == {1, 2, 3, 4, 5, 6, 7, 9, 20, 21}  # 8 (parking aisle), 99 absent
    assert G.number_of_edges() == 18
    assert G.graph["ways_clipped"] == 1 and G.graph["ways_drivable"] == 8
    assert not G.has_edge(2, 5)  # footway dropped, residential 5 -> 2 is one-way
    assert G.has_edge(5, 2) and G[5][2][0]["oneway"] is True
    assert not G.has_edge(3, 99) and not G.has_edge(7, 8)
    for _, data in G.nodes(data=True):
        assert {"x", "y"} <= set(data)
    for _, _, data in G.edges(data=True):
        assert {"osmid", "highway", "length", "speed_kph", "travel_time", "speed_source"} <= set(
            data
        )
        assert data["travel_time"] == pytest.approx(data["length"] / (data["speed_kph"] / 3.6))


def test_speeds_from_maxspeed_then_french_defaults(tiny_raw):
    e = tiny_raw.edges
    assert e[1, 2, 0]["speed_kph"] == 80 and e[1, 2, 0]["speed_source"] == "maxspeed"
    assert e[4, 5, 0]["speed_kph"] == 50  # FR:urban
    assert e[6, 3, 0]["speed_kph"] == pytest.approx(30 * 1.609344)  # "30 mph"
    assert e[1, 4, 0]["speed_kph"] == 60 and e[1, 4, 0]["speed_source"] == "default"
    assert e[5, 2, 0]["speed_kph"] == 30  # residential default


def test_bz2_and_simplified_graph_give_the_same_times(tiny_path, tiny_raw, tmp_path):
    packed = tmp_path / "tiny.osm.bz2"
    packed.write_bytes(bz2.compress(tiny_path.read_bytes()))
    simplified = load_network(packed)
    assert simplified.number_of_nodes() < tiny_raw.number_of_nodes()
    pts = np.array([[4.310, 46.900], [4.320, 46.900], [4.310, 46.905]])  # kept by simplify
    a = travel_matrix(pts, network=prepare_network(tiny_raw)[0])
    b = travel_matrix(pts, network=prepare_network(simplified)[0])
    np.testing.assert_array_equal(a.durations, b.durations)
    np.testing.assert_array_equal(a.distances, b.distances)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", 50.0),
        ("FR:urban", 50.0),
        ("FR:rural", 80.0),
        ("FR:motorway", 130.0),
        ("FR:zone30", 30.0),
        ("50 mph", 50 * 1.609344),
        ("30 km/h", 30.0),
        ("50;70", 60.0),
        ("50|90", 70.0),
        (["50", "70"], 60.0),
        ("['30', '50']", 40.0),
        ("none", None),
        ("signals", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_parse_maxspeed(value, expected):
    result = parse_maxspeed(value)
    assert result == (None if expected is None else pytest.approx(expected))


# --- prepare_network ------------------------------------------------------------------------


def test_prepare_keeps_largest_scc_and_reports_drops(tiny_raw):
    P, report = prepare_network(tiny_raw)
    assert set(P.nodes) == {1, 2, 3, 4, 5, 6, 7}
    assert (report.nodes_in, report.edges_in, report.nodes, report.edges) == (10, 18, 7, 15)
    assert (report.components, report.dropped_nodes, report.dropped_edges) == (3, 3, 3)
    assert dict(report.speed_sources) == {"maxspeed": 12, "default": 3}
    assert "3 composante(s)" in report.describe_fr()
    assert nx.is_strongly_connected(P)
    assert tiny_raw.number_of_nodes() == 10  # input untouched


def test_missing_speeds_are_filled_from_class_defaults_and_counted():
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node(1, x=4.30, y=46.90)
    G.add_node(2, x=4.31, y=46.90)
    G.add_edge(1, 2, length=760.0, highway="secondary")
    G.add_edge(2, 1, length=760.0)  # no class at all: declared fallback speed
    P, report = prepare_network(G)
    assert P.edges[1, 2, 0]["speed_kph"] == 70 and P.edges[1, 2, 0]["travel_time"] > 0
    assert P.edges[2, 1, 0]["speed_source"] == "fallback"
    assert dict(report.speed_sources) == {"default": 1, "fallback": 1}


def test_missing_length_is_refused():
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_edge(1, 2, highway="primary")
    G.add_edge(2, 1, highway="primary")
    nx.set_node_attributes(G, {1: 4.3, 2: 4.31}, "x")
    nx.set_node_attributes(G, {1: 46.9, 2: 46.9}, "y")
    with pytest.raises(InvalidNetworkError, match="sans longueur valide"):
        prepare_network(G)


def test_empty_graph_is_refused():
    with pytest.raises(InvalidNetworkError, match="Réseau routier vide"):
        prepare_network(nx.MultiDiGraph(crs="epsg:4326"))
    with pytest.raises(InvalidNetworkError, match="Réseau routier vide"):
        road_network_from_graph(nx.MultiDiGraph(crs="epsg:4326"))


def test_graph_without_drivable_edge_is_refused():
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node(1, x=4.30, y=46.90)
    G.add_node(2, x=4.31, y=46.90)
    G.add_edge(1, 2, length=760.0, highway="footway")
    G.add_edge(2, 1, length=760.0, highway=["path", "cycleway"])
    with pytest.raises(InvalidNetworkError, match="Aucune voie carrossable"):
        prepare_network(G)


def test_one_way_only_graph_has_no_routable_component():
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node(1, x=4.30, y=46.90)
    G.add_node(2, x=4.31, y=46.90)
    G.add_edge(1, 2, length=760.0, highway="primary")
    with pytest.raises(InvalidNetworkError, match="Aucun circuit"):
        prepare_network(G)


def test_projected_graph_is_refused_with_the_fix(tiny_raw):
    projected = ox.project_graph(tiny_raw, to_crs="EPSG:2154")
    with pytest.raises(InvalidNetworkError, match="coordonnées projetées.*EPSG:4326"):
        prepare_network(projected)
    lying = tiny_raw.copy()
    for _, data in lying.nodes(data=True):
        data["x"], data["y"] = data["x"] * 1e5, data["y"] * 1e5  # metres, crs still 4326
    with pytest.raises(InvalidNetworkError, match="semble projeté"):
        road_network_from_graph(lying)


# --- bad files ------------------------------------------------------------------------------


def test_osm_without_drivable_way(data_dir):
    with pytest.raises(InvalidNetworkError, match="Aucune voie carrossable complète"):
        load_network(data_dir / "roads" / "footways_only.osm")


def test_empty_osm_file(data_dir):
    with pytest.raises(InvalidNetworkError, match="0 voies lues"):
        load_network(data_dir / "roads" / "empty.osm")


def test_broken_files_and_names(data_dir, tmp_path):
    with pytest.raises(DataSourceError, match="Fichier OSM illisible"):
        load_network(data_dir / "roads" / "broken.osm")
    with pytest.raises(DataSourceError, match="GraphML illisible"):
        load_network(data_dir / "roads" / "not_a_graph.graphml")
    with pytest.raises(DataSourceError, match="introuvable"):
        load_network(tmp_path / "absent.osm.pbf")
    with pytest.raises(DataSourceError, match="Format de réseau routier non reconnu"):
        load_network(tmp_path / "roads.shp")


# --- GraphML --------------------------------------------------------------------------------


def test_graphml_round_trip_keeps_the_routable_network(tiny_path, tmp_path):
    P, report = prepare_network(load_network(tiny_path))
    net, report2 = load_road_network(tiny_path)
    assert net.graph_hash == road_network_from_graph(P).graph_hash and report2 == report
    path = save_graphml(P, tmp_path / "cache" / "tiny.graphml")
    back = load_network(path)
    a, b = road_network_from_graph(P), road_network_from_graph(back)
    assert a.graph_hash == b.graph_hash
    np.testing.assert_array_equal(a.geom_lonlat, b.geom_lonlat)
    assert {d["speed_source"] for _, _, d in back.edges(data=True)} <= {"maxspeed", "default"}


# --- real extracts --------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "crs", "min_nodes"),
    [("andorra", "EPSG:2154", 1000), ("saint_barthelemy", "EPSG:5490", 800)],
)
def test_real_pbf_extracts_become_routable(geo_dir, tmp_path, name, crs, min_nodes):
    G, report = prepare_network(load_network(geo_dir / "osm" / f"{name}.osm.pbf"))
    net = road_network_from_graph(G)
    assert net.crs == crs and net.n_nodes >= min_nodes
    assert report.dropped_nodes < 0.05 * report.nodes_in
    back = load_network(save_graphml(G, tmp_path / f"{name}.graphml"))
    assert road_network_from_graph(back).graph_hash == net.graph_hash


# --- download (never online in tests) -------------------------------------------------------


OSMNX_SETTINGS = (
    "doh_url_template",
    "overpass_rate_limit",
    "requests_timeout",
    "cache_folder",
    "use_cache",
    "log_console",
)


@pytest.fixture
def osmnx_settings(monkeypatch):
    """Restore osmnx's global settings after a test that configures them."""
    for name in OSMNX_SETTINGS:
        monkeypatch.setattr(ox.settings, name, getattr(ox.settings, name))


# --- matrix cache ---------------------------------------------------------------------------


class CountingCache(MatrixCache):
    def __init__(self, folder):
        super().__init__(folder)
        self.puts = 0

    def put(self, key, matrix):
        self.puts += 1
        super().put(key, matrix)


def test_matrix_cache_round_trip_and_hit(tiny_path, tmp_path):
    P, _ = prepare_network(load_network(tiny_path))
    net = road_network_from_graph(P)
    pts = np.array([[4.310, 46.900], [4.310, 46.905]])
    cache = CountingCache(tmp_path / "m")
    fresh = travel_matrix(pts, network=net, cache=cache)
    again = travel_matrix(pts, network=net, cache=cache)
    assert cache.puts == 1
    np.testing.assert_array_equal(fresh.durations, again.durations)
    assert dict(fresh.params) == dict(again.params) and again.method == "osm"
    other = travel_matrix(pts[::-1], network=net, cache=MatrixCache(tmp_path / "m"))
    assert other.durations[0, 1] == fresh.durations[1, 0]
    assert len(list((tmp_path / "m").glob("*.npz"))) == 2
    with pytest.raises(DataSourceError, match="Clé de cache"):
        cache.get("../etc")


def test_cache_folder_can_be_removed_between_runs(tiny_path, tmp_path):
    P, _ = prepare_network(load_network(tiny_path))
    pts = np.array([[4.310, 46.900], [4.310, 46.905]])
    first = travel_matrix(pts, network=P, cache=MatrixCache(tmp_path / "m"))
    shutil.rmtree(tmp_path / "m")
    second = travel_matrix(pts, network=P, cache=MatrixCache(tmp_path / "m"))
    assert math.isclose(first.durations[0, 1], second.durations[0, 1])
