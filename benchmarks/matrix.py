"""Speed of the travel-matrix engine against a networkx single-source loop.

Run: ``python benchmarks/matrix.py`` (``--quick`` for a small smoke run). Prints one JSON line
per case: ``{"case", "n_nodes", "n_points", "engine_s", "networkx_s", "ratio",
"max_abs_diff_s", ...}``.

Cases
-----
``synthetic-50k-200``, ``synthetic-50k-1000``
    A generated road-like planar graph of about 50,000 nodes (see :func:`synthetic_road_graph`),
    200 x 200 and 1000 x 1000 points.
``andorra-200``, ``saint_barthelemy-200``
    The real OSM extracts of ``../shared/geo_data/osm`` (skipped when absent), loaded and
    prepared by :mod:`geo_data.roads`, 200 x 200 points.

What is timed
-------------
``engine_s``: :func:`planner.matrix.travel_matrix` on a :class:`planner.network.RoadNetwork`
(snapping, Dijkstra sweeps on the CSR graph, durations *and* distances along the fastest path;
the one-off conversion graph -> CSR is reported apart as ``build_s``). ``networkx_s``: what
osmnx users do, ``networkx.single_source_dijkstra_path_length(G, s, weight="travel_time")`` for
each distinct source node on the same prepared MultiDiGraph, durations only, reading the values
at the same snapped target nodes. For the 1000-point case the networkx loop runs on the first
``NX_SOURCES_1000`` sources only and its time is scaled to 1000 (``networkx_sources_timed``
says so); values are compared on those rows. ``max_abs_diff_s`` is the largest difference
between the engine's integer seconds and networkx's times rounded the same way; unreachable
pairs must agree too.
"""

from __future__ import annotations

import argparse
import json
import time

import networkx as nx
import numpy as np
import pyproj
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

from benchmarks import SHARED
from geo_data.roads import FRENCH_DEFAULT_SPEEDS_KPH, load_network, prepare_network
from planner.matrix import travel_matrix
from planner.network import RoadNetwork, road_network_from_graph

SHARED_OSM = SHARED / "geo_data" / "osm"
NX_SOURCES_1000 = 100

# share of edges per road class in the synthetic graph (rural-like mix)
CLASS_MIX = {
    "residential": 0.30,
    "unclassified": 0.30,
    "tertiary": 0.20,
    "secondary": 0.12,
    "primary": 0.08,
}


def synthetic_road_graph(
    n_nodes: int = 50_000, *, seed: int = 42, side_m: float = 100_000.0, oneway_share=0.03
) -> nx.MultiDiGraph:
    """A seeded road-like planar graph in osmnx form, somewhere in Burgundy.

    Construction: ``n_nodes`` points uniform in a ``side_m`` square (Lambert-93, centred near
    Autun); their Delaunay triangulation (planar); its Euclidean minimum spanning tree (so the
    graph is connected) plus a random 30 % of the other Delaunay edges (loops, like a road
    mesh), giving a mean degree near 3. Each road gets a class drawn from :data:`CLASS_MIX`,
    its French default speed, a length = straight line x U(1.0, 1.25) (bends), and is two-way
    except ``oneway_share`` of them. Nodes carry lon/lat ``x``/``y``; edges ``length``,
    ``highway``, ``oneway``, ``speed_kph``, ``travel_time``, as osmnx writes them.
    """
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, side_m, size=(n_nodes, 2)) + np.array([790_000.0, 6_600_000.0])
    simplices = Delaunay(xy).simplices
    pairs = np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [2, 0]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    straight = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    mst = minimum_spanning_tree(
        coo_matrix((straight, (pairs[:, 0], pairs[:, 1])), shape=(n_nodes, n_nodes))
    ).tocoo()
    mst_keys = set((np.minimum(mst.row, mst.col) * n_nodes + np.maximum(mst.row, mst.col)).tolist())
    keys = pairs[:, 0] * n_nodes + pairs[:, 1]
    in_mst = np.fromiter((k in mst_keys for k in keys.tolist()), dtype=bool, count=keys.size)
    keep = in_mst | (rng.random(keys.size) < 0.30)
    pairs, length = pairs[keep], straight[keep] * rng.uniform(1.0, 1.25, keep.sum())
    classes = rng.choice(list(CLASS_MIX), size=len(pairs), p=list(CLASS_MIX.values()))
    oneway = rng.random(len(pairs)) < oneway_share
    lon, lat = pyproj.Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    G = nx.MultiDiGraph(crs="epsg:4326", created_with="benchmarks/matrix.py")
    G.add_nodes_from((i, {"x": float(lon[i]), "y": float(lat[i])}) for i in range(n_nodes))
    for k, ((u, v), ln, hw, ow) in enumerate(
        zip(pairs.tolist(), length, classes, oneway, strict=True)
    ):
        speed = FRENCH_DEFAULT_SPEEDS_KPH[str(hw)]
        attrs = {"osmid": k, "highway": str(hw), "oneway": bool(ow), "length": float(ln),
                 "speed_kph": speed, "travel_time": float(ln) / (speed / 3.6)}  # fmt: skip
        G.add_edge(u, v, reversed=False, **attrs)
        if not ow:
            G.add_edge(v, u, reversed=True, **attrs)
    return G


def random_points(net: RoadNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` lon/lat points near random network nodes (jitter up to ~100 m)."""
    nodes = rng.choice(net.n_nodes, size=n, replace=n > net.n_nodes)
    return net.lonlat[nodes] + rng.uniform(-0.001, 0.001, size=(n, 2))


def networkx_matrix(G: nx.MultiDiGraph, src_ids: np.ndarray, dst_ids: np.ndarray) -> np.ndarray:
    """Float seconds by a single-source Dijkstra per distinct source (inf if unreachable)."""
    out = np.full((src_ids.size, dst_ids.size), np.inf)
    for s in np.unique(src_ids).tolist():
        lengths = nx.single_source_dijkstra_path_length(G, s, weight="travel_time")
        row = np.array([lengths.get(d, np.inf) for d in dst_ids.tolist()])
        out[src_ids == s] = row
    return out


def run_case(case: str, G: nx.MultiDiGraph, n_points: int, *, nx_sources: int, seed: int) -> dict:
    """Time both methods on ``n_points`` x ``n_points`` and compare their values."""
    t0 = time.perf_counter()
    net = road_network_from_graph(G)
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    pts = random_points(net, n_points, rng)
    t0 = time.perf_counter()
    m = travel_matrix(pts, network=net)
    engine_s = time.perf_counter() - t0
    nodes, _ = net.snap(pts)
    ids = net.node_ids[nodes]
    rows = min(nx_sources, n_points)
    t0 = time.perf_counter()
    ref = networkx_matrix(G, ids[:rows], ids)
    networkx_s = (time.perf_counter() - t0) * n_points / rows
    ref_reach = np.isfinite(ref)
    same_reach = bool(np.array_equal(ref_reach, m.reachable[:rows]))
    diff = np.abs(np.rint(np.where(ref_reach, ref, 0)) - np.where(ref_reach, m.durations[:rows], 0))
    return {
        "case": case,
        "n_nodes": net.n_nodes,
        "n_points": n_points,
        "engine_s": round(engine_s, 3),
        "networkx_s": round(networkx_s, 3),
        "ratio": round(networkx_s / engine_s, 1),
        "max_abs_diff_s": int(diff.max()),
        "same_reachability": same_reach,
        "networkx_sources_timed": rows,
        "build_s": round(build_s, 3),
        "n_edges": net.n_edges,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small graph, for a smoke run")
    parser.add_argument("--nodes", type=int, default=50_000)
    args = parser.parse_args(argv)
    n_nodes = 3_000 if args.quick else args.nodes
    G, _ = prepare_network(synthetic_road_graph(n_nodes, seed=42))
    label = f"synthetic-{n_nodes // 1000}k"
    cases = [(f"{label}-200", G, 200, 200)]
    if not args.quick:
        cases.append((f"{label}-1000", G, 1000, NX_SOURCES_1000))
    for name in ("andorra", "saint_barthelemy"):
        path = SHARED_OSM / f"{name}.osm.pbf"
        if path.is_file():
            real, _ = prepare_network(load_network(path))
            cases.append((f"{name}-200", real, 200, 200))
    for case, graph, n_points, nx_sources in cases:
        result = run_case(case, graph, n_points, nx_sources=nx_sources, seed=7)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
