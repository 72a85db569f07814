"""Re-planning keeps every unaffected visit where it was and says what moved."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.check import validate_plan
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


def _key(v):
    return (v.date, v.van, v.slot, v.stop_id)


@pytest.fixture(scope="module")
def base_case():
    pb = _f.random_problem(40, n_vans=2, weeks=2, periodic=4, seed=11)
    return pb, solve(pb, time_limit=1, seed=0, iterations=300)


def test_cancel_a_stop(base_case) -> None:
    pb, plan = base_case
    victim = next(v for v in plan.visits if pb.candidate(v.stop_id).frequency is None)
    result = replan(pb, plan, [Change("cancel_stop", stop_id=victim.stop_id)])
    assert validate_plan(result.problem, result.plan).ok
    new_keys = {_key(v) for v in result.plan.visits}
    for v in plan.visits:
        if v.stop_id != victim.stop_id:
            assert _key(v) in new_keys  # unaffected visits stay put
    assert victim.stop_id not in {v.stop_id for v in result.plan.visits}
    assert [v.stop_id for v in result.removed] == [victim.stop_id]
    assert {d.stop_id: d.reason for d in result.plan.dropped}[victim.stop_id] == "annulé"
    assert "inchangée" in result.describe_fr()


def test_close_a_date_moves_only_that_day(base_case) -> None:
    pb, plan = base_case
    day = plan.visits[0].date
    result = replan(pb, plan, [Change("close_date", dates=frozenset({day}))])
    assert validate_plan(result.problem, result.plan).ok
    assert all(v.date != day for v in result.plan.visits)
    new_keys = {_key(v) for v in result.plan.visits}
    assert all(_key(v) in new_keys for v in plan.visits if v.date != day)
    assert all(old.date == day for old, _ in result.moved)
    assert len(result.kept) == sum(1 for v in plan.visits if v.date != day)


def test_van_down(base_case) -> None:
    pb, plan = base_case
    result = replan(pb, plan, [Change("van_down", van="v1")])
    assert validate_plan(result.problem, result.plan).ok
    assert all(v.van == "v0" for v in result.plan.visits)
    v0 = {_key(v) for v in plan.visits if v.van == "v0"}
    assert v0 <= {_key(v) for v in result.plan.visits}


def test_bad_changes(base_case) -> None:
    pb, plan = base_case
    with pytest.raises(NotFoundError, match="Arrêt 'inconnu' inconnu"):
        replan(pb, plan, [Change("cancel_stop", stop_id="inconnu")])
    with pytest.raises(NotFoundError, match="Véhicule 'v9' inconnu"):
        replan(pb, plan, [Change("van_down", van="v9")])
    with pytest.raises(InvalidProblemError, match="hors de l'horizon"):
        replan(pb, plan, [Change("close_date", dates=frozenset({dt.date(2030, 1, 1)}))])
    with pytest.raises(InvalidProblemError, match="Changement 'explode' inconnu"):
        Change("explode")
