"""Benchmark file formats (Solomon, TOPTW, .sol), their routing models and the real instances."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import optw, vrptw
from benchmarks.instances import (
    format_sol,
    parse_sol,
    parse_solomon,
    parse_toptw,
    read_sol,
    read_solomon,
    read_toptw,
    truncated_distances,
)
from planner.routing.check import build_route, check_routes, solution_totals
from planner.routing.solve import solve


@pytest.fixture
def routing_data(data_dir: Path) -> Path:
    return data_dir / "routing"


def routes_from_sol(instance, problem, sol_routes):
    """.sol customer numbers -> checked model routes (vehicle k for the k-th route)."""
    row = {int(i): k for k, i in enumerate(instance.ids)}
    return [build_route(problem, k, [row[c] - 1 for c in r]) for k, r in enumerate(sol_routes)]


def test_parse_solomon(routing_data):
    inst = read_solomon(routing_data / "tiny_solomon.txt")
    assert (inst.name, inst.vehicles, inst.capacity) == ("TINY5", 2, 25)
    assert inst.ids.tolist() == [0, 1, 2, 3, 4, 5]
    assert inst.demand.tolist() == [0, 10, 10, 10, 10, 5]
    assert (inst.ready[5], inst.due[5], inst.service[5]) == (0, 20, 5)


def test_parse_solomon_without_fleet(routing_data):
    with pytest.raises(ValueError, match="VEHICLE line"):
        read_solomon(routing_data / "tiny_solomon_no_vehicle.txt")
    with pytest.raises(ValueError, match="Empty Solomon file"):
        parse_solomon("\n \n")


def test_parse_toptw(routing_data):
    inst = read_toptw(routing_data / "tiny_toptw.txt")
    assert (inst.name, inst.vehicles, inst.capacity) == ("tiny_toptw", 1, None)
    assert inst.score.tolist() == [0, 10, 10, 15, 30, 100]
    assert (inst.ready[0], inst.due[0]) == (0, 100)
    assert inst.coords[4].tolist() == [0, -40]


def test_parse_toptw_short_row(routing_data):
    with pytest.raises(ValueError, match=r"rows \['1'\] have fewer than 7 fields"):
        read_toptw(routing_data / "tiny_toptw_short_row.txt")
    with pytest.raises(ValueError, match="two header lines"):
        parse_toptw("1 1 1 1\n0 10\n", name="x")


def test_truncated_distances():
    m = truncated_distances(np.array([[0, 0], [3, 4], [1, 1]]))
    assert m.tolist() == [[0, 50, 14], [50, 0, 36], [14, 36, 0]]
    assert truncated_distances(np.array([[0, 0], [0.55, 0]]))[0, 1] == 5


def test_sol_round_trip(tmp_path):
    text = format_sol([[3, 1], [], [2]], 81.7)
    assert text == "Route #1: 3 1\nRoute #2: 2\nCost 81.7\n"
    assert parse_sol(text) == ([[3, 1], [2]], 81.7)
    assert format_sol([[4, 1]], 40).endswith("Cost 40\n")


def test_vrptw_model_solves_tiny_to_optimum(routing_data):
    inst = read_solomon(routing_data / "tiny_solomon.txt")
    problem = vrptw.vrptw_problem(inst)
    solution = solve(problem, time_limit=1.0, max_iterations=500)
    assert solution.feasible and vrptw.vrptw_cost(inst, solution) == 81.2
    best_routes, best_cost = read_sol(routing_data / "tiny_solomon.sol")
    routes = routes_from_sol(inst, problem, best_routes)
    assert check_routes(problem, routes) == ()
    assert solution_totals(problem, routes)[1] == round(10 * best_cost) == 812


def test_vrptw_checker_rejects_a_late_customer(routing_data):
    inst = read_solomon(routing_data / "tiny_solomon.txt")
    problem = vrptw.vrptw_problem(inst)
    routes = routes_from_sol(inst, problem, [[1, 2], [3, 4, 5]])  # 5 closes at 20
    assert any("client 4 servi à" in e for e in check_routes(problem, routes))


@pytest.mark.parametrize("solver", ["pyvrp", "ortools"])
def test_optw_model_collects_best_score(routing_data, solver):
    inst = read_toptw(routing_data / "tiny_toptw.txt")
    solution = solve(optw.optw_problem(inst), solver=solver, time_limit=0.5, max_iterations=300)
    assert solution.feasible and optw.optw_score(inst, solution) == 40
    assert solution.distance == 912


def test_benchmark_cli_prints_json_and_writes_sol(routing_data, tmp_path, capsys):
    vrptw.main_cli(
        [
            str(routing_data / "tiny_solomon.txt"),
            "--time-limit",
            "0.3",
            "--solutions",
            str(tmp_path),
        ]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["instance"] == "TINY5" and lines[0]["feasible"] is True
    assert lines[0]["best_known"] == 81.2 and lines[0]["gap"] == pytest.approx(0.0)
    assert lines[1]["summary"] is True and lines[1]["feasible"] == 1
    written = read_sol(tmp_path / "tiny_solomon.sol")
    assert written[1] == 81.2 and sorted(c for r in written[0] for c in r) == [1, 2, 3, 4, 5]


@pytest.mark.shared
def test_solomon_best_known_solutions_pass_the_checker(shared_dir):
    """All 56 published solutions are feasible with the truncation convention, same cost."""
    files = sorted((shared_dir / "benchmarks" / "solomon").glob("*.txt"))
    assert len(files) == 56
    for path in files:
        inst = read_solomon(path)
        problem = vrptw.vrptw_problem(inst)
        best_routes, best_cost = read_sol(path.with_suffix(".sol"))
        routes = routes_from_sol(inst, problem, best_routes)
        assert check_routes(problem, routes) == (), inst.name
        assert solution_totals(problem, routes)[1] == pytest.approx(10 * best_cost, abs=1), (
            inst.name
        )


@pytest.mark.shared
def test_solomon_c101_near_best_known(shared_dir):
    inst = read_solomon(shared_dir / "benchmarks" / "solomon" / "C101.txt")
    # an iteration budget, not a deadline: the result does not depend on the machine's load
    solution = solve(vrptw.vrptw_problem(inst), time_limit=120.0, max_iterations=2000)
    assert solution.feasible
    assert vrptw.vrptw_cost(inst, solution) <= 827.3 * 1.005


@pytest.mark.shared
def test_optw_c101_reaches_optimum(shared_dir):
    inst = read_toptw(shared_dir / "benchmarks" / "optw" / "optw_c101.txt")
    solution = solve(optw.optw_problem(inst), time_limit=120.0, max_iterations=5000)
    assert solution.feasible and optw.optw_score(inst, solution) == 320


def test_optw_benchmark_uses_the_hybrid_by_default(data_dir, capsys):
    optw.main_cli([str(data_dir / "routing" / "tiny_toptw.txt"), "--time-limit", "0.5"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["cost"] == 40 and lines[0]["feasible"] is True
    assert lines[1]["solver"] == "pyvrp+lns"
