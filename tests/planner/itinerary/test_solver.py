"""Engine: valid plans, determinism, periodic rules, bad inputs (dropped with reasons)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from planner.errors import InfeasibleError, InvalidProblemError
from planner.hours import WeeklyHours
from planner.itinerary.assemble import REASON_REQUIRED_NO_ROOM
from planner.itinerary.check import validate_plan
from planner.itinerary.grid import REASON_HOURS, REASON_TOO_FAR, REASON_UNREACHABLE
from planner.itinerary.problem import Candidate, Frequency
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


def _valid(pb, plan) -> None:
    report = validate_plan(pb, plan.to_json())
    assert report.ok, report.describe_fr()


def test_tiny_plan_is_valid_and_respects_rules() -> None:
    pb = _f.tiny_problem()
    plan = solve(pb, time_limit=2, seed=0)
    _valid(pb, plan)
    by_stop = {}
    for v in plan.visits:
        by_stop.setdefault(v.stop_id, []).append(v)
    alpha = by_stop["21001"]  # weekly: same weekday, slot and van, 7 days apart
    assert len(alpha) == 2 and len({(v.date.weekday(), v.slot, v.van) for v in alpha}) == 1
    assert (alpha[1].date - alpha[0].date).days == 7
    assert all(v.date.weekday() in (1, 3) for v in by_stop["21002"])  # Bravo's hours
    assert all(v.date.weekday() == 2 for v in by_stop["21003"])  # market day
    dropped = {d.stop_id: d.reason for d in plan.dropped}
    assert dropped == {"21004": REASON_TOO_FAR}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_plans_are_valid_and_beat_the_greedy(seed: int) -> None:
    pb = _f.random_problem(40, n_vans=2, weeks=3, periodic=6, hours=True, seed=seed)
    greedy = solve(pb, solver="greedy", time_limit=1, seed=seed)
    local = solve(pb, time_limit=1, seed=seed, iterations=400)
    _valid(pb, greedy)
    _valid(pb, local)
    assert local.solver.objective >= greedy.solver.objective
    assert local.solver.objective <= local.solver.bound


def test_same_seed_same_plan() -> None:
    pb = _f.random_problem(30, n_vans=2, weeks=2, periodic=3, seed=7)
    a = solve(pb, time_limit=30, seed=3, iterations=300).to_json()
    b = solve(pb, time_limit=30, seed=3, iterations=300).to_json()
    for doc in (a, b):
        doc["solver"].pop("time_s")
    assert a == b


def test_hours_that_never_meet_a_slot() -> None:
    pb = _f.tiny_problem()
    closed_at_slots = WeeklyHours.from_intervals([(0, 12 * 60, 13 * 60)])
    cands = [dataclasses.replace(pb.candidates[1], hours=closed_at_slots)]
    plan = solve(_f.tiny_problem(candidates=cands), time_limit=1)
    assert not plan.visits and plan.dropped[0].reason == REASON_HOURS


def test_required_stop_that_cannot_fit_is_dropped_with_reason() -> None:
    pb = _f.tiny_problem()
    cands = [dataclasses.replace(c, required=True) for c in pb.candidates]
    plan = solve(_f.tiny_problem(candidates=cands), time_limit=1)
    dropped = {d.stop_id: d for d in plan.dropped}
    assert dropped["21004"].required and dropped["21004"].reason == REASON_TOO_FAR
    assert any("obligatoire" in n for n in plan.notes)


def test_required_stops_beyond_free_room() -> None:
    # five required single stops, all Wednesday market stops: two slots only
    cands = [
        Candidate(
            id=f"m{i}", name=f"M{i}", location=1 + i % 3, need=10.0, market_day=2, required=True
        )
        for i in range(5)
    ]
    plan = solve(_f.tiny_problem(weeks=1, candidates=cands), time_limit=1)
    assert len(plan.visits) == 2
    assert sum(d.reason == REASON_REQUIRED_NO_ROOM for d in plan.dropped) == 3
    _valid(_f.tiny_problem(weeks=1, candidates=cands), plan)


def test_more_required_visits_than_slots() -> None:
    cands = [
        Candidate(
            id=f"r{i}",
            name=f"R{i}",
            location=1 + i % 3,
            need=10.0,
            required=True,
            frequency=Frequency.WEEKLY,
        )
        for i in range(11)
    ]
    with pytest.raises(InfeasibleError, match="visites obligatoires pour seulement 10 créneaux"):
        solve(_f.tiny_problem(weeks=1, candidates=cands), time_limit=1)


def test_base_unreachable_from_a_stop() -> None:
    pb = _f.tiny_problem(weeks=1)
    reach = np.ones_like(pb.reachable)
    reach[0, 3] = reach[3, 0] = False
    pb2 = _f.tiny_problem(weeks=1, reachable=reach)
    plan = solve(pb2, time_limit=1)
    assert {d.stop_id: d.reason for d in plan.dropped}["21003"] == REASON_UNREACHABLE


def test_closed_dates_skip_periodic_visits_and_say_so() -> None:
    closed = frozenset({_f.MONDAY + dt.timedelta(days=7 + k) for k in range(5)})
    pb = _f.tiny_problem(closed=closed)
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert plan.skipped and plan.skipped[0].reason == "date fermée"
    assert any("skipped" in n for n in plan.notes)


def test_van_needs_unmet_and_unknown_solver() -> None:
    pb = _f.tiny_problem(weeks=1, van_needs=frozenset({"power"}))
    plan = solve(pb, time_limit=1)
    assert not plan.visits and all("besoins" in d.reason for d in plan.dropped[:3])
    with pytest.raises(InvalidProblemError, match="Solveur 'magic' inconnu"):
        solve(pb, solver="magic")
    with pytest.raises(InvalidProblemError, match="Limite de temps"):
        solve(pb, time_limit=0)


def test_a_need_to_check_is_planned_and_said_a_known_no_is_dropped() -> None:
    base = _f.tiny_problem(weeks=1)
    cands = [dataclasses.replace(c, frequency=None) for c in base.candidates]
    cands[0] = dataclasses.replace(cands[0], unverified=frozenset({"power", "parking"}))
    cands[1] = dataclasses.replace(cands[1], amenities=frozenset({"power"}))
    pb = _f.tiny_problem(weeks=1, candidates=cands, van_needs=frozenset({"power"}))
    plan = solve(pb, time_limit=30, iterations=50)
    _valid(pb, plan)
    by_stop = {v.stop_id: v for v in plan.visits}
    assert by_stop[cands[0].id].to_check == "électricité à vérifier"  # parking is not needed
    assert by_stop[cands[1].id].to_check == ""
    dropped = {d.stop_id: d.reason for d in plan.dropped}
    assert all("besoins" in dropped[c.id] for c in cands[2:])
    # the independent check refuses a visit that hides what is to check
    doc = plan.to_json()
    doc["visits"][[v["stop_id"] for v in doc["visits"]].index(cands[0].id)]["to_check"] = ""
    assert "to-check" in validate_plan(pb, doc).rules()


def test_an_amenity_cannot_be_known_and_to_check() -> None:
    with pytest.raises(InvalidProblemError, match=r"équipements \['power'\] à la fois connus"):
        Candidate("a", "A", 1, 1.0, amenities=frozenset({"power"}), unverified=frozenset({"power"}))


def test_school_period_stops() -> None:
    start = dt.date(2026, 2, 2)  # zone A: winter break from 7 to 23 February 2026
    pb = _f.tiny_problem(start=start, weeks=3)
    cands = [
        dataclasses.replace(c, period="school_holidays", frequency=None) for c in pb.candidates[:2]
    ]
    pb2 = _f.tiny_problem(start=start, weeks=3, candidates=cands)
    plan = solve(pb2, time_limit=1)
    _valid(pb2, plan)
    assert plan.visits and all(v.date >= dt.date(2026, 2, 9) for v in plan.visits)
