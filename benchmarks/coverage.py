"""Coverage models against spopt on the SF instance, and the whole-region comparison time.

Run: ``python benchmarks/coverage.py`` (``--skip-region`` to time only SF). Prints one JSON line
per case.

SF (``../shared/benchmarks/coverage``, read exactly as spopt's own tests read it: distances
pivoted by tract ``DestinationName`` x store ``name``, tracts sorted by ``NAME``, weights
``POP2000``): MCLP p=4 within 5,000 m must cover 875,247 people, p-median p=4 a mean of
2,982.13 m, LSCP within 8,000 m 3 sites. Our models solve on integer metres (``np.rint``) with
OR-Tools/SCIP; the p-median mean is evaluated on the original network distances. spopt 0.7.0
(PuLP + CBC) runs in the same process on the float matrix.

Region: every territory of ``geo_data/demo/specs/region-bfc.toml`` (one per arrondissement,
3,685 communes) built from ``../shared/geo_data``, with a seeded synthetic activity history,
need scores, 8 van stops by maximal covering within 20 min and the indicators, then the
suppressed comparison. Travel times: the declared estimate (no regional road network offline).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

import numpy as np
import pandas as pd

from benchmarks import SHARED
from planner.coverage import (
    CoverageProblem,
    maximal_covering,
    p_median,
    set_covering,
)
from planner.workflows.comparison import region_comparison


def load_sf() -> tuple[np.ndarray, np.ndarray]:
    base = SHARED / "benchmarks" / "coverage"
    dist = pd.read_csv(base / "SF_network_distance_candidateStore_16_censusTract_205_new.csv")
    piv = dist.pivot_table(values="distance", index="DestinationName", columns="name")
    demand = pd.read_csv(base / "SF_demand_205_centroid_uniform_weight.csv")
    demand = demand.sort_values(by=["NAME"]).reset_index(drop=True)
    return piv.to_numpy(), demand["POP2000"].to_numpy()


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_sf() -> None:
    import pulp
    from spopt.locate import LSCP, MCLP, PMedian

    metres, weights = load_sf()
    problem = CoverageProblem.from_matrix(np.rint(metres).astype(np.int64), weights, unit="m")
    cbc = pulp.PULP_CBC_CMD(msg=False)
    cases = {
        "mclp_p4_5000m": (
            lambda: maximal_covering(problem, k=4, within=5000),
            lambda: MCLP.from_cost_matrix(metres, weights, 5000.0, 4).solve(cbc),
            lambda s: s.objective,
            lambda m: m.problem.objective.value(),
            875_247,
        ),
        "pmedian_p4_mean_m": (
            lambda: p_median(problem, p=4),
            lambda: PMedian.from_cost_matrix(metres, weights, 4).solve(cbc),
            lambda s: round(s.mean_cost(metres, weights), 2),
            lambda m: round(m.mean_dist, 2),
            2982.13,
        ),
        "lscp_8000m_sites": (
            lambda: set_covering(problem, within=8000),
            lambda: LSCP.from_cost_matrix(metres, 8000.0).solve(cbc),
            lambda s: s.objective,
            lambda m: m.problem.objective.value(),
            3,
        ),
    }
    for name, (ours, theirs, our_value, their_value, expected) in cases.items():
        sol, ours_s = timed(ours)
        ref, spopt_s = timed(theirs)
        row = {
            "case": f"SF-{name}", "expected": expected, "value": our_value(sol),
            "status": sol.status, "spopt_value": their_value(ref),
            "selected": list(sol.selected), "milo_s": round(ours_s, 4),
            "spopt_s": round(spopt_s, 4), "ratio_spopt_over_milo": round(spopt_s / ours_s, 2),
            "ok": our_value(sol) == expected and sol.status == "OPTIMAL",
        }  # fmt: skip
        print(json.dumps(row), flush=True)


def run_region_comparison(territories, *, k: int = 8, within: int = 1200, seed: int = 0):
    """The same call as ``milo compare`` (activity history ends on 2025-06-30)."""
    return region_comparison(
        territories, k=k, within=within, seed=seed, today=date(2025, 7, 1), synthetic_activity=True
    )


def bench_region() -> None:
    from geo_data.demo import DEMO_DIR
    from geo_data.region import load_region

    spec = DEMO_DIR / "specs" / "region-bfc.toml"
    start = time.perf_counter()
    (_, territories), load_s = timed(lambda: load_region(spec, data_dir=SHARED / "geo_data"))
    (table, rows), compute_s = timed(lambda: run_region_comparison(territories))
    print(json.dumps({
        "case": "region-bfc-comparison", "territories": len(territories),
        "communes": int(sum(len(t.communes) for t in territories)),
        "all_optimal": all(r.choice.optimal for r in rows), "load_s": round(load_s, 2),
        "coverage_and_compare_s": round(compute_s, 2),
        "total_s": round(time.perf_counter() - start, 2), "goal_s": 300,
        "matrix_method": rows[0].method, "rows": len(table.frame),
    }), flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-region", action="store_true")
    args = parser.parse_args()
    bench_sf()
    if not args.skip_region:
        bench_region()


if __name__ == "__main__":
    main()
