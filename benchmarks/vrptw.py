"""VRPTW benchmark on Solomon instances: total distance against the best known solutions.

Usage: ``python benchmarks/vrptw.py [FILE...] [--time-limit 10] [--solutions DIR]``.
Distances are Euclidean truncated to one decimal (integer tenths), travel time equals
distance, the objective is total distance with at most the instance's number of vehicles,
as for the published best known values (sibling ``.sol`` files).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import SHARED
from benchmarks.instances import (
    SCALE,
    Instance,
    read_sol,
    read_solomon,
    scaled,
    truncated_distances,
)
from benchmarks.routing_bench import Benchmark, main
from planner.routing.model import Client, RoutingProblem, RoutingSolution, Vehicle


def vrptw_problem(instance: Instance) -> RoutingProblem:
    """Every customer required; identical vehicles from the depot within its window."""
    matrix = truncated_distances(instance.coords)
    ready, due, service = scaled(instance.ready), scaled(instance.due), scaled(instance.service)
    clients = tuple(
        Client(
            location=k,
            service=int(service[k]),
            tw_early=int(ready[k]),
            tw_late=int(due[k]),
            demand=int(instance.demand[k]),
            name=str(instance.ids[k]),
        )
        for k in range(1, len(instance.ids))
    )
    vehicle = Vehicle(0, 0, tw_early=int(ready[0]), tw_late=int(due[0]), capacity=instance.capacity)
    return RoutingProblem(
        durations=matrix,
        distances=matrix.copy(),
        depots=(0,),
        clients=clients,
        vehicles=(vehicle,) * instance.vehicles,
    )


def vrptw_cost(instance: Instance, solution: RoutingSolution) -> float:
    """Total distance in the file's unit (one decimal)."""
    return round(solution.distance / SCALE, 1)


def best_known(path: Path, instance: Instance) -> float | None:
    """Cost of the sibling ``.sol`` file, when there is one."""
    sol = Path(path).with_suffix(".sol")
    return read_sol(sol)[1] if sol.exists() else None


BENCHMARK = Benchmark(
    default_dir=SHARED / "benchmarks" / "solomon",
    pattern="*.txt",
    read=read_solomon,
    to_problem=vrptw_problem,
    cost=vrptw_cost,
    best_known=best_known,
    gap=lambda cost, best: 100.0 * (cost - best) / best,
)


def main_cli(argv: list[str] | None = None) -> list[dict]:
    """Run the benchmark on the command line ``argv`` (default ``sys.argv[1:]``)."""
    return main(BENCHMARK, "Solomon VRPTW benchmark (total distance, gap to best known).", argv)


if __name__ == "__main__":
    main_cli()
