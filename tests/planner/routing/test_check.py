"""Independent checker: schedules recomputed by hand, every broken rule detected."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.routing.check import (
    build_route,
    check_routes,
    check_solution,
    schedule_route,
    solution_totals,
)
from planner.routing.model import Client, Route, RoutingProblem, RoutingSolution, Vehicle

GOOD = Route(vehicle=0, visits=(0, 1, 2), start_times=(25, 40, 55), distance=60, duration=60)


def with_vehicle(problem: RoutingProblem, **changes) -> RoutingProblem:
    return replace(problem, vehicles=(replace(problem.vehicles[0], **changes),))


def test_schedule_waits_and_leaves_as_late_as_useful(three_on_a_line):
    s = schedule_route(three_on_a_line, 0, [0, 1, 2])
    # Client 1 opens at 40: leaving at 15 instead of 0 removes the wait without a later return.
    assert (s.departure, s.start_times, s.end_time) == (15, (25, 40, 55), 90)
    assert (s.distance, s.travel, s.span) == (60, 60, 75)


def test_schedule_never_leaves_before_shift(three_on_a_line):
    problem = with_vehicle(three_on_a_line, tw_early=30)
    s = schedule_route(problem, 0, [0, 1, 2])
    assert (s.departure, s.start_times, s.end_time) == (30, (40, 55, 70), 105)


def test_build_route_matches_hand_schedule(three_on_a_line):
    assert build_route(three_on_a_line, 0, [0, 1, 2]) == GOOD


def test_feasible_routes_pass(three_on_a_line):
    assert check_routes(three_on_a_line, [GOOD]) == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": 9}, "charge 10 au-delà de la capacité 9"),
        ({"max_duration": 70}, "durée 75 au-delà du maximum 70"),
        ({"tw_late": 80}, "retour à 90 après la fin de service 80"),
    ],
)
def test_vehicle_limits_detected(three_on_a_line, changes, message):
    errors = check_routes(with_vehicle(three_on_a_line, **changes), [GOOD])
    assert any(message in e for e in errors), errors


def test_late_service_detected(three_on_a_line):
    route = build_route(three_on_a_line, 0, [2, 1, 0])
    errors = check_routes(three_on_a_line, [route])
    assert any("client 0 servi à" in e for e in errors), errors


def test_reported_times_and_lengths_are_rechecked(three_on_a_line):
    early = replace(GOOD, start_times=(10, 40, 55))  # client 1 opens at 40, not reachable so
    assert check_routes(three_on_a_line, [replace(GOOD, start_times=(25, 30, 55))]) != ()
    assert check_routes(three_on_a_line, [early]) == ()  # 10 is a valid start at client 0
    assert any("annoncés" in e for e in check_routes(three_on_a_line, [replace(GOOD, distance=59)]))
    assert any(
        "horaires pour" in e
        for e in check_routes(three_on_a_line, [replace(GOOD, start_times=(25,))])
    )


def test_duplicates_and_unknown_indices(three_on_a_line):
    twice = Route(0, (0, 0, 1, 2), (25, 25, 40, 55), 60, 60)
    assert any("plusieurs fois" in e for e in check_routes(three_on_a_line, [twice]))
    assert any("inconnu" in e for e in check_routes(three_on_a_line, [replace(GOOD, vehicle=3)]))
    assert any(
        "inconnus" in e for e in check_routes(three_on_a_line, [replace(GOOD, visits=(0, 1, 7))])
    )
    split = [build_route(three_on_a_line, 0, [0]), build_route(three_on_a_line, 0, [1, 2])]
    assert any("plusieurs tournées" in e for e in check_routes(three_on_a_line, split))


def test_missing_required_client(three_on_a_line):
    errors = check_routes(three_on_a_line, [build_route(three_on_a_line, 0, [0, 1])])
    assert errors == ("Clients obligatoires non servis : [2].",)


def test_groups_and_allowed_vehicles(line_problem):
    clients = (
        Client(1, required=False, group=7, prize=5),
        Client(2, required=False, group=7, prize=5),
        Client(3, vehicles=(1,)),
    )
    problem = line_problem(clients, (Vehicle(0, 0), Vehicle(0, 0)))
    both = [build_route(problem, 1, [0, 1, 2])]
    assert any("Groupe 7 : 2 membres servis" in e for e in check_routes(problem, both))
    wrong_vehicle = [build_route(problem, 0, [0, 2])]
    assert any("réservé aux véhicules [1]" in e for e in check_routes(problem, wrong_vehicle))
    assert check_routes(problem, [build_route(problem, 1, [0, 2])]) == ()


def test_required_group_needs_one_member(line_problem):
    clients = (Client(1, group=2), Client(2, group=2), Client(3, required=False))
    problem = line_problem(clients)
    assert check_routes(problem, [build_route(problem, 0, [2])]) == (
        "Groupe 2 obligatoire : aucun membre servi.",
    )
    assert check_routes(problem, [build_route(problem, 0, [1])]) == ()


def test_solution_totals_and_reported_objective(line_problem):
    clients = (Client(1, required=False, prize=100), Client(2, required=False, prize=30))
    problem = line_problem(
        clients, (Vehicle(0, 0, fixed_cost=7),), distance_weight=2, duration_weight=3
    )
    routes = (build_route(problem, 0, [0, 1]),)
    # distance 40 and travel 40: 2 * 40 + 3 * 40 + 7 - 130
    assert solution_totals(problem, routes) == (77, 40, 130)
    good = RoutingSolution(routes, 77, 40, 130, True, "test", 0.0, 0)
    assert check_solution(problem, good) == ()
    assert "recalculés" in check_solution(problem, replace(good, objective=76))[0]
