"""The fastest-path lengths of the matrix engine against a plain predecessor walk."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from benchmarks.matrix import synthetic_road_graph
from geo_data.roads import prepare_network
from planner.matrix import _path_lengths, travel_matrix
from planner.network import road_network_from_graph


def reference_lengths(net, pred, targets):
    """Walk each tree path by hand and sum its edges from the source outwards."""
    out = np.zeros((pred.shape[0], targets.shape[0]))
    for r in range(pred.shape[0]):
        for j, t in enumerate(targets.tolist()):
            path = [t]
            while pred[r, path[-1]] >= 0:
                path.append(int(pred[r, path[-1]]))
            total = 0.0
            for u, v in zip(path[:0:-1], path[-2::-1], strict=True):
                e = net.edge_index(np.array([u]), np.array([v]))[0]
                total += net.length_m[e]
            out[r, j] = total
    return out


def test_tree_path_lengths_equal_a_plain_walk_bit_for_bit() -> None:
    G, _ = prepare_network(synthetic_road_graph(1_500, seed=3))
    net = road_network_from_graph(G)
    rng = np.random.default_rng(0)
    sources = rng.choice(net.n_nodes, 12, replace=False)
    targets = np.unique(np.concatenate([rng.choice(net.n_nodes, 40), sources[:3]]))
    for graph in (net, net.reverse):
        _, pred = dijkstra(graph.time_csr, directed=True, indices=sources, return_predecessors=True)
        got = _path_lengths(graph, pred, targets)
        assert np.array_equal(got, reference_lengths(graph, pred, targets))
        assert np.all(got[targets[None, :] == sources[:, None]] == 0)


def test_unreachable_targets_have_no_length() -> None:
    G, _ = prepare_network(synthetic_road_graph(400, seed=5))
    net = road_network_from_graph(G)
    pred = np.full((2, net.n_nodes), -9999, dtype=np.int32)  # two trees reduced to their roots
    targets = np.arange(0, net.n_nodes, 37)
    assert np.array_equal(_path_lengths(net, pred, targets), np.zeros((2, targets.size)))


def test_distances_follow_the_fastest_path_on_a_synthetic_graph() -> None:
    G, _ = prepare_network(synthetic_road_graph(2_000, seed=11))
    net = road_network_from_graph(G)
    rng = np.random.default_rng(4)
    pts = net.lonlat[rng.choice(net.n_nodes, 30, replace=False)]
    m = travel_matrix(pts, network=net)
    straight = np.hypot(*(net.project(pts)[:, None, :] - net.project(pts)[None, :, :]).T).T
    assert m.reachable.all() and np.all(m.distances >= np.floor(straight) - 1)
