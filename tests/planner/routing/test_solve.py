"""solve(): every model feature on both solvers, errors, determinism, warm start."""

from __future__ import annotations

import numpy as np
import pytest

from planner.errors import InvalidProblemError
from planner.routing.check import check_solution
from planner.routing.model import Client, RoutingProblem, Vehicle
from planner.routing.solve import solve

SOLVERS = ("pyvrp", "ortools")


def run(problem: RoutingProblem, solver: str, **options):
    """Short, iteration-capped solve whose answer passes the independent check."""
    options = {"time_limit": 0.5, "max_iterations": 300} | options
    solution = solve(problem, solver=solver, **options)
    if solution.feasible:
        assert check_solution(problem, solution) == ()
    return solution


def served(solution) -> set[int]:
    return {c for r in solution.routes for c in r.visits}


def test_unknown_solver(three_on_a_line):
    with pytest.raises(InvalidProblemError, match="Solveur inconnu « gurobi »"):
        solve(three_on_a_line, solver="gurobi")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"time_limit": 0}, "Limite de temps positive"), ({"max_iterations": 0}, "itérations >= 1")],
)
def test_bad_budgets(three_on_a_line, options, message):
    with pytest.raises(InvalidProblemError, match=message):
        solve(three_on_a_line, **options)


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_windows_capacity_and_start_times(three_on_a_line, solver):
    solution = run(three_on_a_line, solver)
    assert solution.feasible and solution.solver == solver
    (route,) = solution.routes
    assert (route.visits, route.start_times, solution.objective) == ((0, 1, 2), (25, 40, 55), 60)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    ("prize", "required", "expected"), [(50, False, set()), (150, False, {0}), (0, True, {0})]
)
def test_prizes_versus_required(line_problem, solver, prize, required, expected):
    # Client at 50: the round trip costs 100.
    problem = line_problem((Client(5, prize=prize, required=required),))
    solution = run(problem, solver)
    assert solution.feasible and served(solution) == expected
    assert solution.objective == (100 - prize if expected else 0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_optional_group_serves_the_best_member_only(line_problem, solver):
    # Same prize: the nearer member; cheaper member worth less: the farther, richer one.
    same = (
        Client(1, required=False, prize=100, group=0),
        Client(2, required=False, prize=100, group=0),
    )
    assert served(run(line_problem(same), solver)) == {0}
    richer = (
        Client(1, required=False, prize=30, group=4),
        Client(2, required=False, prize=200, group=4),
    )
    solution = run(line_problem(richer), solver)
    assert served(solution) == {1} and solution.objective == 40 - 200


@pytest.mark.parametrize("solver", SOLVERS)
def test_required_group_serves_exactly_one(line_problem, solver):
    clients = (
        Client(4, group=1),
        Client(3, group=1),
        Client(5, group=1),
        Client(1, required=False),
    )
    solution = run(line_problem(clients), solver)
    assert solution.feasible and served(solution) & {0, 1, 2} == {1}


@pytest.mark.parametrize("solver", SOLVERS)
def test_allowed_vehicles_and_multi_depot(line_problem, solver):
    # Vehicle 1 lives at 50 beside the client at 40, but only vehicle 0 (at 0) may serve it.
    clients = (Client(4, vehicles=(0,)), Client(5, required=False, prize=15, vehicles=(0,)))
    vehicles = (Vehicle(0, 0), Vehicle(5, 5))
    solution = run(line_problem(clients, vehicles, depots=(0, 5)), solver)
    assert solution.feasible
    assert [(r.vehicle, r.visits) for r in solution.routes] == [(0, (0,))]


@pytest.mark.parametrize("solver", SOLVERS)
def test_max_duration_and_shift_choose_the_vehicle(line_problem, solver):
    # Vehicle 0 may not drive 80; vehicle 1 starts at 10 from 50, and the client closes at 25.
    clients = (Client(4, tw_late=25), Client(1))
    vehicles = (Vehicle(0, 0, max_duration=30), Vehicle(5, 5, tw_early=10))
    solution = run(line_problem(clients, vehicles, depots=(0, 5)), solver)
    assert solution.feasible
    assert sorted((r.vehicle, r.visits) for r in solution.routes) == [(0, (1,)), (1, (0,))]
    assert solution.routes[1].start_times == (20,)


@pytest.mark.parametrize("solver", SOLVERS)
def test_capacity_forces_two_routes(line_problem, solver):
    clients = tuple(Client(k, demand=5) for k in (1, 2, 3))
    vehicles = (Vehicle(0, 0, capacity=10), Vehicle(0, 0, capacity=10))
    solution = run(line_problem(clients, vehicles), solver)
    assert solution.feasible and len(solution.routes) == 2 and served(solution) == {0, 1, 2}


@pytest.mark.parametrize("solver", SOLVERS)
def test_duration_weight_follows_travel_time(solver):
    # Two clients reachable by a short slow road or a long fast one: distance and time disagree.
    distances = np.array([[0, 10, 10], [10, 0, 100], [10, 100, 0]], dtype=np.int64)
    durations = np.array([[0, 10, 50], [10, 0, 5], [50, 5, 0]], dtype=np.int64)
    clients = (Client(1), Client(2))
    by_time = RoutingProblem(
        durations,
        distances,
        (0,),
        clients,
        (Vehicle(0, 0), Vehicle(0, 0)),
        distance_weight=0,
        duration_weight=1,
    )
    solution = run(by_time, solver)
    assert len(solution.routes) == 1 and solution.objective == 65
    by_distance = RoutingProblem(
        durations, distances, (0,), clients, (Vehicle(0, 0), Vehicle(0, 0))
    )
    assert len(run(by_distance, solver).routes) == 2


@pytest.mark.parametrize("solver", SOLVERS)
def test_impossible_required_client_is_reported_infeasible(line_problem, solver):
    problem = line_problem((Client(5, tw_late=20), Client(1)))
    solution = run(problem, solver, time_limit=0.3)
    assert not solution.feasible
    assert check_solution(problem, solution) != ()


def random_problem(seed: int, n: int = 30) -> RoutingProblem:
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 1000, size=(n + 1, 2))
    m = np.floor(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    early = rng.integers(0, 3000, size=n)
    clients = tuple(
        Client(
            k + 1,
            service=60,
            tw_early=int(early[k]),
            tw_late=int(early[k]) + 1500,
            demand=1,
            required=bool(k % 3),
            prize=800,
            group=k // 10 if k % 3 == 0 else -1,
        )
        for k in range(n)
    )
    vehicles = tuple(Vehicle(0, 0, capacity=8, tw_late=8000) for _ in range(4))
    return RoutingProblem(m, m.copy(), (0,), clients, vehicles)


@pytest.mark.parametrize("solver", SOLVERS)
def test_same_seed_same_solution(solver):
    problem = random_problem(3)
    first = run(problem, solver, seed=5, max_iterations=400, time_limit=20)
    second = run(problem, solver, seed=5, max_iterations=400, time_limit=20)
    assert first.feasible
    assert first.routes == second.routes and first.objective == second.objective


@pytest.mark.parametrize("solver", SOLVERS)
def test_warm_start_is_kept_or_improved(solver):
    problem = random_problem(4)
    start = run(problem, "pyvrp", max_iterations=50)
    assert start.feasible
    warm = run(problem, solver, initial=start, max_iterations=50)
    assert warm.feasible and warm.objective <= start.objective


def test_infeasible_search_reports_instead_of_warning(line_problem):
    # Far more demand than capacity: PyVRP's penalties hit their cap (PenaltyBoundWarning, an
    # error under this test suite); solve must still answer, flagged infeasible.
    clients = tuple(Client(k, demand=5) for k in (1, 2, 3, 4, 5))
    problem = line_problem(clients, (Vehicle(0, 0, capacity=10),))
    solution = solve(problem, time_limit=3.0, max_iterations=3000)
    assert not solution.feasible
