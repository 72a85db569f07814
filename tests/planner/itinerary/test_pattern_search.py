"""Pattern moves of the search: periodic stops move, swap or give way; required ones stay."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from planner.fleet import Van
from planner.hours import WeeklyHours
from planner.itinerary.assemble import REASON_OUTRANKED
from planner.itinerary.check import validate_plan
from planner.itinerary.exact import solve_exact
from planner.itinerary.grid import Grid
from planner.itinerary.pattern_search import (
    PatternSpace,
    final_patterns,
    pattern_gain,
    place_pattern,
    remove_pattern,
)
from planner.itinerary.pattern_swap import clean_swap, swap_delta, swap_move
from planner.itinerary.periodic import REASON_NO_PATTERN
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem
from planner.itinerary.search import improve
from planner.itinerary.solver import build_schedule, movable_patterns, solve
from planner.itinerary.timing_cache import CachedGrid

from .conftest import load_factory

_f = load_factory()
MONDAY_MORNING = WeeklyHours.from_intervals([(0, 8 * 60, 12 * 60)])


def _market_case(
    *, periodic_need: float = 40.0, periodic_market: bool = False, weeks: int = 1
) -> ItineraryProblem:
    """One van, ``weeks`` weeks (10 half-days each). ``P`` is weekly; ``M`` (need 50) can only
    be visited on Monday morning, its market; six other stops fill the week.

    Patterns are placed first and, on an empty week, the cheapest one is Monday morning (every
    day costs the same, the first wins): ``P`` takes ``M``'s only position unless the search
    moves it. With ``periodic_market`` ``P`` too fits only Monday morning."""
    rng = np.random.default_rng(5)
    points = np.vstack([[0.0, 0.0], rng.uniform(-15_000, 15_000, size=(8, 2))])
    dur, dist = _f.matrices(points)
    cands = [
        Candidate(
            id="P",
            name="Périodique",
            location=1,
            need=periodic_need,
            frequency=Frequency.WEEKLY,
            hours=MONDAY_MORNING if periodic_market else WeeklyHours.open_always(),
            market_day=0 if periodic_market else None,
        ),
        Candidate(id="M", name="Marché", location=2, need=50.0, hours=MONDAY_MORNING, market_day=0),
    ]
    cands += [
        Candidate(id=f"s{i}", name=f"Arrêt {i}", location=i, need=20.0 + i) for i in range(3, 9)
    ]
    return ItineraryProblem.from_matrix(
        dur,
        dist,
        candidates=cands,
        bases=[BaseLocation("b0", "Siège", 0)],
        vans=[Van(id="v0", base="b0")],
        start=_f.MONDAY,
        weeks=weeks,
        territory="marche",
    )


def _visits(plan) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for v in plan.visits:
        out.setdefault(v.stop_id, []).append((v.date.isoformat(), v.slot))
    return out


def test_construction_alone_gives_the_market_stop_s_only_place_to_the_pattern() -> None:
    pb = _market_case()
    grid = CachedGrid(pb)
    schedule, _, _, singles = build_schedule(grid, baseline=False)
    market = [c.id for c in pb.candidates].index("M")
    assert schedule.count[market] == 0
    # without pattern moves the search cannot undo it
    best, _ = improve(schedule, singles, seed=0, iterations=300, deadline=float("inf"))
    assert best.count[market] == 0


def test_search_moves_the_pattern_and_reaches_the_proven_optimum() -> None:
    pb = _market_case()
    plan = solve(pb, solver="local", time_limit=1000, iterations=1500)
    report = validate_plan(pb, plan)
    assert report.ok, report.describe_fr()
    visits = _visits(plan)
    assert visits["M"] == [("2026-03-02", "matin")]
    assert len(visits["P"]) == 1 and visits["P"] != visits["M"]
    exact, proven = solve_exact(pb, time_limit=30)
    assert proven
    assert plan.solver.objective == exact.solver.objective


def test_a_required_periodic_stop_keeps_its_pattern() -> None:
    base = _market_case()
    cands = tuple(dataclasses.replace(c, required=c.id == "P") for c in base.candidates)
    pb = base.replace(candidates=cands)
    plan = solve(pb, solver="local", time_limit=1000, iterations=1500)
    assert validate_plan(pb, plan).ok
    assert _visits(plan)["P"] == [("2026-03-02", "matin")]
    assert {d.stop_id: d.reason for d in plan.dropped}["M"] == REASON_OUTRANKED


def test_a_planned_regular_stop_is_never_dropped_for_single_visits() -> None:
    # two weeks: P (need 10, weekly: a regular circuit) fits only Monday mornings, like M
    # (need 50, one visit): the objective would rather have M, but P stays
    pb = _market_case(periodic_need=10.0, periodic_market=True, weeks=2)
    plan = solve(pb, solver="local", time_limit=1000, iterations=1500)
    assert validate_plan(pb, plan).ok
    assert _visits(plan)["P"] == [("2026-03-02", "matin"), ("2026-03-09", "matin")]
    assert {d.stop_id: d.reason for d in plan.dropped}["M"] == REASON_OUTRANKED
    exact, proven = solve_exact(pb, time_limit=30)  # the exact model may drop P
    assert proven and exact.solver.objective > plan.solver.objective


def test_a_periodic_stop_visited_once_gives_way_to_a_needier_single_one() -> None:
    # one week: P has a single visit, no circuit to keep, and M is worth more there
    pb = _market_case(periodic_need=10.0, periodic_market=True)
    grid = CachedGrid(pb)
    schedule, _, failed, _ = build_schedule(grid, baseline=False)
    assert failed == [] and schedule.count[0] == 1  # construction: P first, M left out
    plan = solve(pb, solver="local", time_limit=1000, iterations=1500)
    assert validate_plan(pb, plan).ok
    assert _visits(plan)["M"] == [("2026-03-02", "matin")]
    # P is out because M is worth more there, not because no pattern exists
    assert {d.stop_id: d.reason for d in plan.dropped}["P"] == REASON_OUTRANKED
    exact, proven = solve_exact(pb, time_limit=30)
    assert proven and plan.solver.objective >= 0.999 * exact.solver.objective


def test_a_periodic_stop_left_out_by_the_construction_comes_in_when_another_moves() -> None:
    # M becomes periodic: the construction gives Monday morning to P first (needier, so
    # placed first; its cheapest pattern) and M, which fits nowhere else, has no pattern left;
    # moving P makes room
    base = _market_case(periodic_need=55.0)
    cands = tuple(
        dataclasses.replace(c, frequency=Frequency.WEEKLY) if c.id == "M" else c
        for c in base.candidates
    )
    pb = base.replace(candidates=cands)
    grid = CachedGrid(pb)
    _, _, failed, _ = build_schedule(grid, baseline=False)
    assert [pb.candidates[c].id for c in failed] == ["M"]
    plan = solve(pb, solver="local", time_limit=1000, iterations=1500)
    assert validate_plan(pb, plan).ok
    visits = _visits(plan)
    assert visits["M"] == [("2026-03-02", "matin")] and len(visits["P"]) == 1
    assert "M" not in {d.stop_id for d in plan.dropped}


def test_a_periodic_stop_with_every_pattern_blocked_is_reported_so() -> None:
    base = _market_case(periodic_market=True)
    blocker = dataclasses.replace(
        base.candidates[0], id="Q", name="Autre", location=3, need=60.0, required=True
    )
    pb = base.replace(candidates=(*base.candidates, blocker))
    plan = solve(pb, solver="local", time_limit=1000, iterations=500)
    assert validate_plan(pb, plan).ok
    dropped = {d.stop_id: d.reason for d in plan.dropped}
    assert _visits(plan)["Q"] == [("2026-03-02", "matin")]
    assert dropped["P"] == REASON_NO_PATTERN


def _many_periodic(seed: int) -> ItineraryProblem:
    """Two vans, four weeks, 30 stops of which 24 periodic (weekly, fortnightly, monthly)."""
    return _f.random_problem(30, n_vans=2, weeks=4, periodic=24, seed=seed, hours=True)


def test_pattern_gain_is_the_objective_change_of_placing_the_pattern() -> None:
    pb = _many_periodic(1)
    schedule, _, _, _ = build_schedule(CachedGrid(pb), baseline=False)
    space = movable_patterns(schedule)
    checked = 0
    for c in list(space.tracks)[:6]:
        trial = schedule.copy()
        remove_pattern(trial, c)
        for pat in space.tracks[c]:
            gain = pattern_gain(trial, pat)
            if gain is None:
                continue
            placed = trial.copy()
            place_pattern(placed, pat)
            assert placed.objective - trial.objective == gain
            checked += 1
    assert checked > 10


def test_swap_delta_is_the_objective_change_of_the_swap() -> None:
    pb = _many_periodic(2)
    schedule, _, _, _ = build_schedule(CachedGrid(pb), baseline=False)
    space = movable_patterns(schedule)
    placed = [c for c in space.tracks if c in schedule.pattern_of]
    checked = 0
    for a in placed:
        for b in placed:
            if a >= b or pb.candidates[a].frequency != pb.candidates[b].frequency:
                continue
            pair = clean_swap(schedule, space, a, b)
            if pair is None:
                continue
            delta = swap_delta(schedule, a, b)
            trial = schedule.copy()
            remove_pattern(trial, a)
            remove_pattern(trial, b)
            place_pattern(trial, pair[0])
            place_pattern(trial, pair[1])
            if delta is not None:
                assert trial.objective - schedule.objective == -delta
                checked += 1
    assert checked > 5
    # a move keeps every visit count and every pattern on its own weekday, slot and van
    trial = schedule.copy()
    assert swap_move(trial, space, random.Random(0))
    assert trial.count == schedule.count


@pytest.mark.parametrize("seed", [0, 3])
def test_plans_with_many_periodic_stops_are_valid_and_reproducible(seed: int) -> None:
    pb = _many_periodic(seed)
    a = solve(pb, solver="local", time_limit=1000, seed=seed, iterations=800)
    b = solve(pb, solver="local", time_limit=1000, seed=seed, iterations=800)
    report = validate_plan(pb, a.to_json())
    assert report.ok, report.describe_fr()
    assert a.to_json()["visits"] == b.to_json()["visits"]
    greedy = solve(pb, solver="greedy", time_limit=1)
    assert a.solver.objective >= greedy.solver.objective
    # the skipped dates reported are those of the patterns actually planned
    planned = {v.stop_id for v in a.visits}
    assert {s.stop_id for s in a.skipped} <= planned


def test_final_patterns_describe_the_schedule() -> None:
    pb = _many_periodic(4)
    grid = CachedGrid(pb)
    schedule, fixed, _, singles = build_schedule(grid, baseline=False)
    space = movable_patterns(schedule)
    best, _ = improve(schedule, singles, seed=1, iterations=400, deadline=float("inf"), space=space)
    chosen, failed = final_patterns(best, space, fixed)
    for c, pat in chosen.items():
        assert best.positions_of(c) == list(pat.positions)
    for c in failed:
        assert best.count[c] == 0


def test_the_search_stops_when_it_stalls() -> None:
    pb = _f.tiny_problem(weeks=1)
    plan = solve(pb, solver="local", time_limit=1000, iterations=20_000)
    assert plan.solver.iterations < 20_000
    again = solve(pb, solver="local", time_limit=1000, iterations=20_000)
    assert again.solver.iterations == plan.solver.iterations


def test_cached_timings_give_the_same_answers() -> None:
    pb = _many_periodic(5)
    cached = CachedGrid(pb)
    plain = Grid(pb)
    assert (cached.fit == plain.fit).all()
    schedule, _, _, _ = build_schedule(cached, baseline=False)
    for k in range(len(cached.vandays)):
        v = cached.vandays[k][0]
        visits = schedule.day_visits(k)
        for _ in range(2):  # computed, then read from the cache
            assert cached.day_timing(v, visits) == plain.day_timing(v, visits)
        for c in range(0, len(pb.candidates), 3):
            for s in range(cached.n_slots):
                day = [(t, x) for t, x in visits if t != s] + [(s, c)]
                day.sort()
                assert cached.day_timing(v, day) == plain.day_timing(v, day)


def test_an_empty_pattern_space_moves_nothing() -> None:
    pb = _many_periodic(6)
    schedule, _, _, singles = build_schedule(CachedGrid(pb), baseline=False)
    before = {c: schedule.pattern_of[c] for c in schedule.pattern_of}
    best, _ = improve(
        schedule, singles, seed=0, iterations=200, deadline=float("inf"), space=PatternSpace.empty()
    )
    assert best.pattern_of == before
