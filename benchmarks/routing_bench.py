"""Shared command line and reporting of the routing benchmarks (``vrptw.py``, ``optw.py``)."""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.instances import Instance, write_sol
from planner.routing.model import RoutingProblem, RoutingSolution
from planner.routing.solve import SOLVERS, solve


@dataclass(frozen=True)
class Benchmark:
    """How one benchmark family reads, models and scores its instances."""

    default_dir: Path
    pattern: str
    read: Callable[[Path], Instance]
    to_problem: Callable[[Instance], RoutingProblem]
    cost: Callable[[Instance, RoutingSolution], float | int]
    best_known: Callable[[Path, Instance], float | None]
    gap: Callable[[float, float], float]
    restarts: int = 1
    solver: str = "pyvrp"  # default of --solver


def parse_args(
    description: str, argv: list[str] | None, *, solver: str = "pyvrp"
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("files", nargs="*", type=Path, help="instance files (default: all)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solver", choices=SOLVERS, default=solver)
    parser.add_argument("--solutions", type=Path, help="write DIR/<instance>.sol")
    parser.add_argument(
        "--restarts", type=int, help="independent runs (seeds seed, seed+1...) sharing the time"
    )
    return parser.parse_args(argv)


def best_of_restarts(
    problem: RoutingProblem, *, solver: str, time_limit: float, seed: int, restarts: int
) -> RoutingSolution:
    """Best of ``restarts`` runs with consecutive seeds, each given ``time_limit / restarts``."""
    runs = [
        solve(problem, solver=solver, time_limit=time_limit / restarts, seed=seed + k)
        for k in range(restarts)
    ]
    best = min(runs, key=lambda r: (not r.feasible, r.objective))
    return replace(best, runtime_s=sum(r.runtime_s for r in runs))


def solution_routes(instance: Instance, solution: RoutingSolution) -> list[list[int]]:
    """Routes as the file's customer numbers (client k is row k + 1)."""
    return [[int(instance.ids[c + 1]) for c in r.visits] for r in solution.routes]


def main(bench: Benchmark, description: str, argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Solve every file, print one JSON line each and a summary line; return the records."""
    args = parse_args(description, argv, solver=bench.solver)
    files = args.files or sorted(bench.default_dir.glob(bench.pattern))
    records = []
    for path in files:
        instance = bench.read(path)
        problem = bench.to_problem(instance)
        solution = best_of_restarts(
            problem,
            solver=args.solver,
            time_limit=args.time_limit,
            seed=args.seed,
            restarts=args.restarts or bench.restarts,
        )
        cost = bench.cost(instance, solution)
        record: dict[str, Any] = {
            "instance": instance.name,
            "cost": cost,
            "time_s": round(solution.runtime_s, 2),
            "feasible": solution.feasible,
        }
        best = bench.best_known(path, instance)
        if best is not None:
            record["best_known"] = best
            record["gap"] = round(bench.gap(cost, best), 3)
        print(json.dumps(record), flush=True)
        records.append(record)
        if args.solutions is not None:
            write_sol(
                args.solutions / f"{path.stem}.sol", solution_routes(instance, solution), cost
            )
    gaps = [r["gap"] for r in records if "gap" in r]
    summary = {
        "summary": True,
        "instances": len(records),
        "feasible": sum(r["feasible"] for r in records),
        "mean_gap": round(statistics.fmean(gaps), 3) if gaps else None,
        "max_gap": max(gaps) if gaps else None,
        "solver": args.solver,
        "time_limit": args.time_limit,
        "restarts": args.restarts or bench.restarts,
    }
    print(json.dumps(summary), flush=True)
    return records
