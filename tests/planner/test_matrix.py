"""Matrix engine on road networks: exactness against networkx, directions, bad inputs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from geo_data.roads import load_network, prepare_network
from planner.errors import InfeasibleError, InvalidPointsError, InvalidProblemError
from planner.matrix import (
    UNREACHABLE,
    SnapDistanceWarning,
    SnapParams,
    TravelMatrix,
    path_geometry,
    travel_matrix,
)
from planner.network import road_network_from_graph
from planner.points import check_lonlat

# node coordinates of tests/data/roads/tiny.osm
N1, N2, N3, N4, N5, N7, N9, N20 = (
    (4.300, 46.900),
    (4.310, 46.900),
    (4.320, 46.900),
    (4.300, 46.905),
    (4.310, 46.905),
    (4.330, 46.900),
    (4.340, 46.900),
    (4.400, 46.950),
)


@pytest.fixture(scope="module")
def tiny_raw(data_dir):
    return load_network(data_dir / "roads" / "tiny.osm", simplify=False)


@pytest.fixture(scope="module")
def tiny(tiny_raw):
    return road_network_from_graph(prepare_network(tiny_raw)[0])


def nx_seconds(G, src_ids, dst_ids):
    out = np.full((len(src_ids), len(dst_ids)), np.inf)
    for i, s in enumerate(src_ids):
        lengths = nx.single_source_dijkstra_path_length(G, s, weight="travel_time")
        out[i] = [lengths.get(d, np.inf) for d in dst_ids]
    return out


def fastest_path_metres(G, s, t):
    path = nx.dijkstra_path(G, s, t, weight="travel_time")
    total = 0.0
    for u, v in zip(path[:-1], path[1:], strict=True):
        best = min(G[u][v].values(), key=lambda d: (d["travel_time"], d["length"]))
        total += best["length"]
    return total


def test_hand_checked_times_and_one_way_rule(tiny, tiny_raw):
    m = travel_matrix(np.array([N1, N3, N2, N5]), network=tiny)
    e = tiny_raw.edges
    assert m.durations[0, 1] == round((e[1, 2, 0]["length"] + e[2, 3, 0]["length"]) / (80 / 3.6))
    assert m.distances[0, 1] == round(e[1, 2, 0]["length"] + e[2, 3, 0]["length"])
    # 5 -> 2 takes the one-way residential street; 2 -> 5 must go round
    assert m.durations[3, 2] == round(e[5, 2, 0]["travel_time"])
    assert m.durations[2, 3] > m.durations[3, 2] + 30
    assert np.all(np.diag(m.durations) == 0) and m.reachable.all()
    assert m.method == "osm" and m.describe_fr() == (
        "temps de trajet sur le réseau routier OpenStreetMap"
    )
    assert m.params["graph_hash"] == tiny.graph_hash and m.params["snap_worst_m"] == 0


def test_same_values_as_networkx_on_the_tiny_graph(tiny_raw, tiny):
    P, _ = prepare_network(tiny_raw)
    pts = np.array([N1, N2, N3, N4, N5, N7])
    m = travel_matrix(pts, network=tiny)
    ids = [1, 2, 3, 4, 5, 7]
    np.testing.assert_array_equal(m.durations, np.rint(nx_seconds(P, ids, ids)))


def test_fewer_destinations_sweep_backwards_with_identical_results(tiny):
    pts = np.array([N1, N2, N3, N4, N5, N7])
    full = travel_matrix(pts, network=tiny)
    few = travel_matrix(pts, pts[[4, 1]], network=tiny)  # 2 targets < 6 sources: reversed graph
    np.testing.assert_array_equal(few.durations, full.durations[:, [4, 1]])
    np.testing.assert_array_equal(few.distances, full.distances[:, [4, 1]])


def test_unreachable_pairs_are_explicit(tiny_raw):
    raw = road_network_from_graph(tiny_raw)  # not restricted to the largest component
    m = travel_matrix(np.array([N1, N7, N9, N20]), network=raw)
    assert m.reachable[1, 2] and not m.reachable[2, 1]  # one-way dead end 7 -> 9
    assert not m.reachable[0, 3] and not m.reachable[3, 0]  # separate component
    assert np.all(m.durations[~m.reachable] == UNREACHABLE)
    assert np.all(m.distances[~m.reachable] == UNREACHABLE)
    assert m.params["n_unreachable"] == int((~m.reachable).sum()) == 8
    assert np.isnan(m.minutes()[0, 3])
    with pytest.raises(InfeasibleError, match="Aucun itinéraire"):
        path_geometry(N1, N20, network=raw)


def test_unreachable_can_never_be_a_zero_or_a_huge_time():
    zero = np.zeros((1, 2), dtype=np.int64)
    with pytest.raises(InvalidProblemError, match="-1"):
        TravelMatrix(zero, zero, np.array([[True, False]]), "osm", {})
    huge = np.array([[0, 10**9]], dtype=np.int64)
    with pytest.raises(InvalidProblemError, match="-1"):
        TravelMatrix(huge, huge, np.array([[True, False]]), "osm", {})
    with pytest.raises(InvalidProblemError, match="int64"):
        TravelMatrix(zero.astype(float), zero, np.ones((1, 2), bool), "osm", {})
    with pytest.raises(InvalidProblemError, match="Méthode"):
        TravelMatrix(zero, zero, np.ones((1, 2), bool), "crow", {})


def test_points_far_from_any_road(tiny):
    with pytest.raises(
        InvalidPointsError, match="^1 point de départ est à plus de 5000 m de toute"
    ):
        travel_matrix(np.array([N1, (4.60, 46.90)]), network=tiny)
    with pytest.raises(InvalidPointsError, match="^2 points de départ sont à plus de 5000 m"):
        travel_matrix(np.array([N1, (4.60, 46.90), (4.61, 46.90)]), network=tiny)
    with pytest.warns(
        SnapDistanceWarning, match="^1 point (de départ|d.arrivée) est à plus de 500 m du"
    ):
        m = travel_matrix(np.array([N1, (4.310, 46.9115)]), network=tiny)
    assert 700 < m.params["snap_worst_m"] < 750
    quiet = travel_matrix(
        np.array([N1, (4.310, 46.9115)]), network=tiny, snap=SnapParams(warn_m=1000)
    )
    np.testing.assert_array_equal(quiet.durations, m.durations)
    with pytest.raises(InvalidProblemError, match="Seuils d'accrochage"):
        SnapParams(warn_m=600, max_m=500)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([[46.90, 4.30]], r"en inversant.*ordre attendu \(lon, lat\)"),
        ([[800_000.0, 6_650_000.0]], "projetées"),
        ([[-74.0, 40.7]], "hors de France"),
        ([[4.30, 46.90], [-62.85, 17.90]], "plusieurs zones"),
        (np.zeros((2, 3)), r"tableau \(n, 2\)"),
        ([[4.30, np.nan]], "manquante"),
        ([["a", "b"]], "tableau numérique"),
    ],
)
def test_bad_points_are_refused_clearly(tiny, points, message):
    with pytest.raises(InvalidPointsError, match=message):
        travel_matrix(points, network=tiny)
    with pytest.raises(InvalidPointsError, match=message):
        check_lonlat(points)


def test_path_geometry_follows_the_roads(data_dir, tiny):
    simplified = prepare_network(load_network(data_dir / "roads" / "tiny.osm"))[0]
    g = path_geometry(N2, N5, network=simplified)
    m = travel_matrix(np.array([N2, N5]), network=tiny)
    assert (g.duration_s, g.distance_m) == (m.durations[0, 1], m.distances[0, 1])
    assert g.method == "osm"
    np.testing.assert_allclose(g.lonlat[0], N2)
    np.testing.assert_allclose(g.lonlat[-1], N5)
    # the fastest way 2 -> 5 goes round by nodes 1 and 4, merged into one simplified edge
    assert np.any(np.all(np.isclose(g.lonlat, N1), axis=1))
    assert np.any(np.all(np.isclose(g.lonlat, N4), axis=1))
    line = path_geometry(N2, N5)
    assert line.method == "estimate" and line.lonlat.shape == (2, 2)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["andorra", "saint_barthelemy"])
def test_real_extracts_agree_exactly_with_networkx(geo_dir, name):
    G, _ = prepare_network(load_network(geo_dir / "osm" / f"{name}.osm.pbf"))
    net = road_network_from_graph(G)
    rng = np.random.default_rng(11)
    nodes = rng.choice(net.n_nodes, size=40, replace=False)
    pts = net.lonlat[nodes]
    m = travel_matrix(pts, network=net)
    ids = net.node_ids[nodes].tolist()
    ref = nx_seconds(G, ids, ids)
    assert m.reachable.all() and np.isfinite(ref).all()
    np.testing.assert_array_equal(m.durations, np.rint(ref).astype(np.int64))
    for i, j in rng.integers(0, 40, size=(15, 2)).tolist():
        assert m.distances[i, j] == round(fastest_path_metres(G, ids[i], ids[j]))
    few = travel_matrix(pts, pts[:3], network=net)  # backward sweeps
    np.testing.assert_array_equal(few.durations, m.durations[:, :3])
