"""Road times vs the declared estimate, on the real OSM extracts.

Run: ``python benchmarks/roads.py`` (``--quick`` for a small smoke run, ``--only andorra`` for
one extract). Prints one JSON line per extract of ``../shared/geo_data/osm`` (skipped when
absent).

Method
------
Each extract is loaded and prepared by :mod:`geo_data.roads` (largest strongly connected
component, French default speeds). ``--points`` distinct network nodes are drawn with a seeded
generator (the points lie on the nodes: no snapping distance). On those points, the road matrix
is :func:`planner.matrix.travel_matrix` with ``network=`` and the estimate the same function
without a network (:mod:`planner.estimate`, default :class:`~planner.estimate.EstimateParams`).

Pairs: every ordered pair of distinct points; self pairs are left out (``self_pairs``), and so
are pairs that the road network cannot link (``unreachable_pairs``) or whose estimate rounds to
0 s or 0 m (``zero_estimate_pairs``, a ratio has no meaning there); ``n_pairs`` counts the rest.

Figures
-------
``duration_ratio``, ``distance_ratio``
    Road / estimate, per pair: p10, median, p90 (and the mean). Above 1 the estimate is
    optimistic.
``road_vs_straight``
    Road distance / great-circle distance between the points (the circuity actually met):
    min, p10, median, p90. The estimate assumes 1.3.
``duration_ratio_by_band``
    Median duration ratio per straight-line band of the estimate (0-2, 2-10, 10-30, 30+ km)
    and the pairs in each.
``flips``
    For each threshold (15, 20, 30 min): the share of pairs within the threshold by road
    (``within_road``) and by the estimate (``within_estimate``), and the shares whose verdict
    flips: ``road_only`` (within by road, not by the estimate), ``estimate_only`` (the reverse)
    and ``total``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks import SHARED
from geo_data.roads import load_road_network
from planner.matrix import travel_matrix
from planner.network import RoadNetwork
from planner.points import haversine_m

SHARED_OSM = SHARED / "geo_data" / "osm"
EXTRACTS = ("andorra", "saint_barthelemy")
THRESHOLDS_MIN = (15, 20, 30)
BANDS_KM = (0.0, 2.0, 10.0, 30.0, np.inf)


def _quantiles(values: np.ndarray, with_min: bool = False) -> dict[str, float]:
    if values.size == 0:
        return {}
    p10, med, p90 = np.quantile(values, [0.1, 0.5, 0.9])
    out = {"p10": round(float(p10), 3), "median": round(float(med), 3)}
    out["p90"] = round(float(p90), 3)
    if with_min:
        out["min"] = round(float(values.min()), 3)
    else:
        out["mean"] = round(float(values.mean()), 3)
    return out


def sample_points(net: RoadNetwork, n_points: int, seed: int) -> np.ndarray:
    """Lon/lat of ``n_points`` distinct network nodes drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    nodes = rng.choice(net.n_nodes, size=min(n_points, net.n_nodes), replace=False)
    return net.lonlat[np.sort(nodes)]


def compare(name: str, net: RoadNetwork, n_points: int, *, seed: int) -> dict:
    """Road matrix vs estimate on a seeded sample of the network's nodes (see the module)."""
    pts = sample_points(net, n_points, seed)
    t0 = time.perf_counter()
    road = travel_matrix(pts, network=net)
    road_s = time.perf_counter() - t0
    est = travel_matrix(pts)
    n = pts.shape[0]
    off_diag = ~np.eye(n, dtype=bool)
    reach = road.reachable & off_diag
    nonzero = (est.durations > 0) & (est.distances > 0)
    keep = reach & nonzero
    rd, ed = road.durations[keep].astype(float), est.durations[keep].astype(float)
    rl, el = road.distances[keep].astype(float), est.distances[keep].astype(float)
    straight = haversine_m(pts, pts)[keep]
    ratio = rd / ed
    bands = {}
    for lo, hi in zip(BANDS_KM[:-1], BANDS_KM[1:], strict=True):
        inside = (straight >= lo * 1000) & (straight < hi * 1000)
        label = f"{lo:g}-{hi:g}km" if np.isfinite(hi) else f"{lo:g}km+"
        bands[label] = {
            "pairs": int(inside.sum()),
            "median": round(float(np.median(ratio[inside])), 3) if inside.any() else None,
        }
    flips = {}
    for minutes in THRESHOLDS_MIN:
        by_road, by_est = rd <= minutes * 60, ed <= minutes * 60
        road_only, est_only = by_road & ~by_est, by_est & ~by_road
        flips[str(minutes)] = {
            "within_road": round(float(by_road.mean()), 4),
            "within_estimate": round(float(by_est.mean()), 4),
            "road_only": round(float(road_only.mean()), 4),
            "estimate_only": round(float(est_only.mean()), 4),
            "total": round(float((road_only | est_only).mean()), 4),
        }
    return {
        "extract": name,
        "n_nodes": net.n_nodes,
        "n_edges": net.n_edges,
        "n_points": n,
        "seed": seed,
        "n_pairs": int(keep.sum()),
        "self_pairs": n,
        "unreachable_pairs": int((off_diag & ~road.reachable).sum()),
        "zero_estimate_pairs": int((reach & ~nonzero).sum()),
        "duration_ratio": _quantiles(ratio),
        "distance_ratio": _quantiles(rl / el),
        "road_vs_straight": _quantiles(rl / straight, with_min=True),
        "duration_ratio_by_band": bands,
        "flips": flips,
        "road_median_min": round(float(np.median(rd)) / 60, 1),
        "estimate_median_min": round(float(np.median(ed)) / 60, 1),
        "road_matrix_s": round(road_s, 3),
        "estimate": dict(est.params),
    }


def run(name: str, path: Path, n_points: int, *, seed: int) -> dict:
    """Load and prepare one extract, then :func:`compare` (with the load time)."""
    t0 = time.perf_counter()
    net, _ = load_road_network(path)
    load_s = time.perf_counter() - t0
    return {**compare(name, net, n_points, seed=seed), "load_s": round(load_s, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 points, for a smoke run")
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=EXTRACTS, action="append", help="one extract (repeat)")
    args = parser.parse_args(argv)
    n_points = 40 if args.quick else args.points
    for name in args.only or EXTRACTS:
        path = SHARED_OSM / f"{name}.osm.pbf"
        if not path.is_file():
            print(json.dumps({"extract": name, "skipped": f"fichier absent : {path}"}))
            continue
        result = run(name, path, n_points, seed=args.seed)
        print(json.dumps(result, default=list), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
