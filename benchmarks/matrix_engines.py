"""Speed of the travel-matrix engine against pandana's contraction hierarchies.

Run: ``python benchmarks/matrix_engines.py`` (``--quick`` for a small smoke run). Needs the
``bench`` extra (pandana); without it, prints one line saying so and stops. Prints one JSON line
per case: ``{"case", "n_nodes", "n_points", "engine_s", "pandana_prep_s", "pandana_query_s",
"ratio", "max_abs_diff_s", ...}``.

Cases: the seeded ~50k-node synthetic graph of :mod:`benchmarks.matrix` at 200 x 200 and
1000 x 1000 points, and the Andorra extract (``../shared/geo_data/osm``, skipped when absent) at
200 x 200 and 1000 x 1000 (points drawn with replacement on its ~1,200 nodes).

What is timed: ``engine_s`` is :func:`planner.matrix.travel_matrix` on the
:class:`~planner.network.RoadNetwork` (snapping, Dijkstra sweeps, durations *and* distances);
``pandana_prep_s`` is ``pandana.Network(...)`` on the same CSR edges weighted by their float
seconds (builds the contraction hierarchy, once per graph); ``pandana_query_s`` is
``net.shortest_path_lengths`` on every ordered pair of the snapped nodes (durations only).
``ratio`` = (prep + query) / engine, ``query_ratio`` = query / engine. pandana keeps weights in
thousandths (integers), so ``max_abs_diff_s`` compares the engine's integer seconds with
pandana's values rounded the same way, on the pairs both reach (1 s when a time sits within a
thousandth of a half second), and ``max_abs_diff_unrounded_s`` pandana's unrounded values
against the engine's integer seconds (0.5 s plus pandana's rounding of each edge to a
thousandth, summed along the path).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator

import numpy as np

from benchmarks.matrix import SHARED_OSM, random_points, synthetic_road_graph
from geo_data.roads import load_network, prepare_network
from planner.matrix import travel_matrix
from planner.network import RoadNetwork, road_network_from_graph

#: pandana's value for a pair it cannot link (2**32 - 1 thousandths)
PANDANA_UNREACHABLE = 4_294_967.0


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send pandana's C++ progress lines (file descriptor 1) to stderr, off the JSON lines."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def pandana_network(net: RoadNetwork):
    """A ``pandana.Network`` on the CSR edges of ``net`` (node ids 0..n-1, weight ``time_s``)."""
    import pandana
    import pandas as pd

    nodes = pd.DataFrame({"x": net.xy[:, 0], "y": net.xy[:, 1]})
    src = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    edges = pd.DataFrame({"from": src, "to": net.indices, "time_s": net.time_s})
    with _quiet_stdout():
        return pandana.Network(
            nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["time_s"]], twoway=False
        )


def run_case(case: str, net: RoadNetwork, n_points: int, pdn, prep_s: float, *, seed: int) -> dict:
    """Time both engines on ``n_points`` x ``n_points`` and compare their durations."""
    pts = random_points(net, n_points, np.random.default_rng(seed))
    t0 = time.perf_counter()
    m = travel_matrix(pts, network=net)
    engine_s = time.perf_counter() - t0
    nodes, _ = net.snap(pts)
    orig, dest = np.repeat(nodes, n_points), np.tile(nodes, n_points)
    t0 = time.perf_counter()
    with _quiet_stdout(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandana warns on each unreachable pair
        ref = np.asarray(pdn.shortest_path_lengths(orig, dest, imp_name="time_s"), dtype=float)
    query_s = time.perf_counter() - t0
    ref = ref.reshape(n_points, n_points)
    ref_reach = ref < PANDANA_UNREACHABLE
    both = ref_reach & m.reachable
    diff = np.abs(np.rint(ref[both]) - m.durations[both])
    return {
        "case": case,
        "n_nodes": net.n_nodes,
        "n_edges": net.n_edges,
        "n_points": n_points,
        "engine_s": round(engine_s, 3),
        "pandana_prep_s": round(prep_s, 3),
        "pandana_query_s": round(query_s, 3),
        "ratio": round((prep_s + query_s) / engine_s, 2),
        "query_ratio": round(query_s / engine_s, 2),
        "max_abs_diff_s": int(diff.max()) if diff.size else 0,
        "max_abs_diff_unrounded_s": round(float(np.abs(ref[both] - m.durations[both]).max()), 3),
        "same_reachability": bool(np.array_equal(ref_reach, m.reachable)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small graph, for a smoke run")
    args = parser.parse_args(argv)
    try:
        import pandana  # noqa: F401
    except ImportError as exc:
        print(json.dumps({"skipped": f"pandana non installé ({exc}) : pip install -e '.[bench]'"}))
        return 0
    sizes = (30, 60) if args.quick else (200, 1000)
    n_nodes = 3_000 if args.quick else 50_000
    graphs = [(f"synthetic-{n_nodes // 1000}k", synthetic_road_graph(n_nodes, seed=42))]
    path = SHARED_OSM / "andorra.osm.pbf"
    if path.is_file():
        graphs.append(("andorra", load_network(path)))
    for label, G in graphs:
        net = road_network_from_graph(prepare_network(G)[0])
        t0 = time.perf_counter()
        pdn = pandana_network(net)
        prep_s = time.perf_counter() - t0  # once per graph, reported on each of its lines
        for n_points in sizes:
            result = run_case(f"{label}-{n_points}", net, n_points, pdn, prep_s, seed=7)
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
