"""Our VRPTW path against plain PyVRP on fresh Solomon-like instances, same data, same time.

Usage: ``python benchmarks/vrptw_vs_pyvrp.py [--instances 6] [--time-limit 10] [--seed 0]
[--keep DIR]``.

The published Solomon instances are the ones our solver was tuned on; this script makes new
ones (seeded): 100 customers placed at random, in clusters or half and half (R, C, RC), with
short or long scheduling horizons and time windows, Solomon-style demands and capacities. Each
is written in Solomon's text format (to a temporary folder, or ``--keep DIR``), read back with
:func:`benchmarks.instances.read_solomon`, then solved twice with the same seed and time:

- *ours*: :func:`planner.routing.solve.solve` on :func:`benchmarks.vrptw.vrptw_problem`, the
  path of ``benchmarks/vrptw.py``;
- *pyvrp*: plain ``pyvrp.Model`` with default parameters, ``stop.MaxRuntime``, on the same
  integer distances (Euclidean truncated to one decimal, in tenths; travel time = distance).

One JSON line per instance: ``instance``, ``ours`` and ``pyvrp`` (total distance, file unit),
``ratio = ours / pyvrp`` (below 1: ours shorter), ``both_feasible``; then a summary line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from benchmarks.instances import SCALE, Instance, read_solomon, truncated_distances
from benchmarks.vrptw import vrptw_cost, vrptw_problem
from planner.routing.solve import solve

# (family, placement, horizon, service, capacity, window half-widths): Solomon's type 1
# (short horizon, small vehicles) and type 2 (long horizon, large vehicles) families.
FAMILIES = (
    ("R1", "R", 230, 10, 200, (5, 30)),
    ("C1", "C", 1236, 90, 200, (20, 90)),
    ("RC1", "RC", 240, 10, 200, (10, 45)),
    ("R2", "R", 1000, 10, 1000, (30, 250)),
    ("C2", "C", 3390, 90, 700, (80, 320)),
    ("RC2", "RC", 960, 10, 1000, (30, 240)),
)
CUSTOMERS = 100
FLEET = 25


def make_instance(index: int, seed: int) -> str:
    """Solomon text of generated instance ``index`` (family ``index % 6``) for ``seed``."""
    family, placement, horizon, service, capacity, (lo, hi) = FAMILIES[index % len(FAMILIES)]
    rng = np.random.default_rng([seed, index])
    depot = np.array([50.0, 50.0])
    coords = _coordinates(placement, rng)
    demand = rng.integers(1, 41, CUSTOMERS)
    travel = np.sqrt(((coords - depot) ** 2).sum(axis=1))
    earliest = np.ceil(travel)  # reachable from the depot
    latest = np.floor(horizon - service - travel)  # and back before the depot closes
    center = rng.uniform(earliest, np.maximum(earliest, latest))
    half = rng.uniform(lo, hi, CUSTOMERS)
    # Windowless customers, as in Solomon's 25 % / 50 % / 75 % densities.
    open_all = rng.random(CUSTOMERS) < 0.25
    ready = np.where(open_all, 0, np.maximum(0, np.floor(center - half)))
    due = np.where(open_all, latest, np.minimum(latest, np.ceil(center + half)))
    due = np.maximum(due, ready)
    name = f"GEN{family}_{index:02d}_s{seed}"
    rows = [f"{0:5d} {50:8d} {50:8d} {0:8d} {0:8d} {horizon:8d} {0:8d}"]
    for k in range(CUSTOMERS):
        x, y = (int(v) for v in coords[k])
        rows.append(
            f"{k + 1:5d} {x:8d} {y:8d} {int(demand[k]):8d} {int(ready[k]):8d} "
            f"{int(due[k]):8d} {service:8d}"
        )
    header = [
        name,
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        f"{FLEET:5d} {capacity:10d}",
        "",
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME",
        "",
    ]
    return "\n".join([*header, *rows]) + "\n"


def _coordinates(placement: str, rng: np.random.Generator) -> np.ndarray:
    """Integer coordinates in [0, 100]: uniform (R), around 8 centres (C), or half each."""
    clustered = {"R": 0, "C": CUSTOMERS, "RC": CUSTOMERS // 2}[placement]
    centres = rng.uniform(10, 90, (8, 2))
    around = centres[rng.integers(0, 8, clustered)] + rng.normal(0, 4, (clustered, 2))
    uniform = rng.uniform(0, 100, (CUSTOMERS - clustered, 2))
    # Integer coordinates, as in Solomon's files; the depot stays its own location.
    coords = np.clip(np.rint(np.vstack([around, uniform])), 0, 100)
    coords[(coords == 50).all(axis=1)] += [1, 0]
    return coords


def pyvrp_distance(instance: Instance, *, time_limit: float, seed: int) -> tuple[float, bool]:
    """Plain PyVRP (``pyvrp.Model``, default parameters) on the same integer data."""
    matrix = truncated_distances(instance.coords)
    model = pyvrp.Model()
    locations = [model.add_location(float(x), float(y)) for x, y in instance.coords]
    depot = model.add_depot(locations[0], tw_early=0, tw_late=int(SCALE * instance.due[0]))
    model.add_vehicle_type(
        num_available=instance.vehicles,
        capacity=instance.capacity if instance.capacity is not None else [],
        start_depot=depot,
        end_depot=depot,
        tw_early=0,
        tw_late=int(SCALE * instance.due[0]),
    )
    for k in range(1, len(instance.ids)):
        model.add_client(
            locations[k],
            delivery=int(instance.demand[k]),
            service_duration=int(round(SCALE * instance.service[k])),
            tw_early=int(round(SCALE * instance.ready[k])),
            tw_late=int(round(SCALE * instance.due[k])),
        )
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            model.add_edge(frm, to, distance=int(matrix[i, j]), duration=int(matrix[i, j]))
    result = model.solve(stop=MaxRuntime(time_limit), seed=seed, display=False)
    return round(result.best.distance() / SCALE, 1), result.is_feasible()


def compare(path: Path, *, time_limit: float, seed: int) -> dict:
    """Both solvers on one Solomon file; the JSON record."""
    instance = read_solomon(path)
    ours = solve(vrptw_problem(instance), solver="pyvrp", time_limit=time_limit, seed=seed)
    plain, plain_feasible = pyvrp_distance(instance, time_limit=time_limit, seed=seed)
    cost = vrptw_cost(instance, ours)
    return {
        "instance": instance.name,
        "ours": cost,
        "pyvrp": plain,
        "ratio": round(cost / plain, 4) if plain else None,
        "both_feasible": bool(ours.feasible and plain_feasible),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    """Generate, solve both ways, print one JSON line per instance and a summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=6)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solver")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write the instances to DIR and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        records = []
        for index in range(args.instances):
            text = make_instance(index, args.seed)
            path = folder / f"{text.split(maxsplit=1)[0]}.txt"
            path.write_text(text)
            record = compare(path, time_limit=args.time_limit, seed=args.seed)
            print(json.dumps(record), flush=True)
            records.append(record)
    ratios = [r["ratio"] for r in records if r["both_feasible"] and r["ratio"] is not None]
    summary = {
        "summary": True,
        "instances": len(records),
        "both_feasible": sum(r["both_feasible"] for r in records),
        "mean_ratio": round(statistics.fmean(ratios), 4) if ratios else None,
        "max_ratio": max(ratios) if ratios else None,
        "time_limit": args.time_limit,
        "seed": args.seed,
    }
    print(json.dumps(summary), flush=True)
    return records


if __name__ == "__main__":
    main()
