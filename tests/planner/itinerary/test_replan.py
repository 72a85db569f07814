"""Re-planning keeps every unaffected visit where it was and says what moved."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.check import validate_plan
from planner.itinerary.plan import Plan
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


# -- minimal re-plan: tiny named cases -------------------------------------------------------


@pytest.fixture(scope="module")
def weekly_case():
    """12 stops, 2 vans, 4 weeks; s0 is weekly (4 visits), s1 fortnightly, s2 monthly."""
    pb = _f.random_problem(12, n_vans=2, weeks=4, periodic=3, seed=3)
    plan = solve(pb, time_limit=1, seed=0, iterations=300)
    assert sum(1 for v in plan.visits if v.stop_id == "s0") == 4
    return pb, plan


@pytest.fixture(scope="module")
def full_case():
    """30 stops, 1 van, 2 weeks: every place taken, 11 stops left out; s0 weekly."""
    pb = _f.random_problem(30, n_vans=1, weeks=2, periodic=2, seed=5)
    return pb, solve(pb, time_limit=1, seed=0, iterations=300)


def _dates(plan, stop_id):
    return sorted(v.date for v in plan.visits if v.stop_id == stop_id)


def test_cancelling_one_date_of_a_weekly_stop_removes_that_visit_only(weekly_case) -> None:
    pb, plan = weekly_case
    day = _dates(plan, "s0")[1]
    result = replan(pb, plan, [Change("cancel_stop", stop_id="s0", dates=frozenset({day}))])
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    gone = {_key(v) for v in plan.visits if v.stop_id == "s0" and v.date == day}
    assert {_key(v) for v in result.plan.visits} == {_key(v) for v in plan.visits} - gone
    old = {_key(v): v for v in plan.visits}
    for v in result.plan.visits:  # the session of every kept visit is unchanged
        assert (v.start_s, v.end_s) == (old[_key(v)].start_s, old[_key(v)].end_s)
    assert _dates(result.plan, "s0") == [d for d in _dates(plan, "s0") if d != day]
    assert [
        (c.change, c.label, c.stop_id, c.date) for c in result.plan.changes if c.change != "retimed"
    ] == [("removed", "visite annulée", "s0", day)]
    assert ("s0", day, "visite annulée") in {
        (s.stop_id, s.date, s.reason) for s in result.plan.skipped
    }
    assert "s0" not in {d.stop_id for d in result.plan.dropped}
    assert result.added == () and result.moved == ()
    assert "1 annulée(s)" in result.plan.notes[-1] and "3 annulée" not in result.summary


def test_cancelling_a_stop_without_dates_removes_every_visit(weekly_case) -> None:
    pb, plan = weekly_case
    result = replan(pb, plan, [Change("cancel_stop", stop_id="s0")])
    assert validate_plan(result.problem, result.plan).ok
    assert _dates(result.plan, "s0") == []
    assert [c.label for c in result.changes if c.change == "removed"] == ["visite annulée"] * 4
    assert {d.stop_id: d.reason for d in result.plan.dropped}["s0"] == "annulé"


def test_cancelling_every_date_one_by_one_leaves_the_stop_cancelled(weekly_case) -> None:
    pb, plan = weekly_case
    dates = frozenset(_dates(plan, "s0"))
    result = replan(pb, plan, [Change("cancel_stop", stop_id="s0", dates=dates)])
    assert validate_plan(result.problem, result.plan).ok
    assert _dates(result.plan, "s0") == []  # no new pattern on another weekday
    assert {d.stop_id: d.reason for d in result.plan.dropped}["s0"] == "annulé"


def test_minimal_replan_leaves_freed_places_empty_unless_asked(full_case) -> None:
    pb, plan = full_case
    day = _dates(plan, "s0")[0]
    change = [Change("cancel_stop", stop_id="s0", dates=frozenset({day}))]
    minimal = replan(pb, plan, change)
    assert len(minimal.plan.visits) == len(plan.visits) - 1 and minimal.added == ()
    assert any("fill_freed" in n for n in minimal.plan.notes)
    filled = replan(pb, plan, change, fill_freed=True)
    assert validate_plan(filled.problem, filled.plan).ok
    kept = {_key(v) for v in plan.visits} - {_key(v) for v in minimal.removed}
    assert kept <= {_key(v) for v in filled.plan.visits}
    assert len(filled.added) == 1 and filled.added[0].stop_id not in {
        v.stop_id for v in plan.visits
    }
    assert [c.label for c in filled.changes if c.change == "added"] == ["visite ajoutée"]


def test_closing_a_date_moves_or_skips_only_that_days_visits(weekly_case) -> None:
    pb, plan = weekly_case
    day = _dates(plan, "s0")[2]
    result = replan(pb, plan, [Change("close_date", dates=frozenset({day}))])
    assert validate_plan(result.problem, result.plan).ok
    touched = {_key(v) for v in plan.visits if v.date == day}
    assert {_key(v) for v in plan.visits} - touched <= {_key(v) for v in result.plan.visits}
    assert _dates(result.plan, "s0") == [d for d in _dates(plan, "s0") if d != day]
    s0 = next(c for c in result.changes if c.stop_id == "s0")
    assert (s0.label, s0.date) == ("visite supprimée", day) and "répétition sautée" in s0.reason
    for c in result.changes:
        if c.change == "moved":
            assert c.date == day and c.label == "visite déplacée" and c.new_date != day.isoformat()
    assert result.added == ()


def test_a_van_down_on_one_date_touches_only_that_van_day(weekly_case) -> None:
    pb, plan = weekly_case
    day = next(v.date for v in plan.visits if v.van == "v1")
    result = replan(pb, plan, [Change("van_down", van="v1", dates=frozenset({day}))])
    assert validate_plan(result.problem, result.plan).ok
    assert not [v for v in result.plan.visits if v.van == "v1" and v.date == day]
    others = {_key(v) for v in plan.visits if not (v.van == "v1" and v.date == day)}
    assert others <= {_key(v) for v in result.plan.visits}
    assert {c.date for c in result.changes if c.change in ("moved", "removed")} == {day}
    assert all(
        "véhicule v1 indisponible" in c.reason for c in result.changes if c.change == "removed"
    )


def test_full_replan_solves_the_changed_horizon_again(weekly_case) -> None:
    pb, plan = weekly_case
    day = _dates(plan, "s0")[1]
    result = replan(
        pb, plan, [Change("cancel_stop", stop_id="s0", dates=frozenset({day}))], mode="full"
    )
    assert result.mode == "full" and result.plan.solver.name == plan.solver.name
    assert validate_plan(result.problem, result.plan).ok
    assert day not in _dates(result.plan, "s0")
    assert all(c.reason for c in result.changes)


def test_the_diff_is_plain_json_and_round_trips(weekly_case) -> None:
    pb, plan = weekly_case
    day = next(v.date for v in plan.visits if v.van == "v1")
    result = replan(pb, plan, [Change("van_down", van="v1", dates=frozenset({day}))])
    diff = json.loads(json.dumps(result.diff()))
    assert diff["mode"] == "minimal" and diff["summary"] == result.summary
    assert diff["counts"]["kept"] == len(result.kept)
    assert len(diff["changes"]) == len(result.changes) > 0
    first = diff["changes"][0]
    assert set(first) == {
        "change", "label", "stop_id", "stop_name", "date", "van", "slot",
        "new_date", "new_van", "new_slot", "reason", "uid", "sequence",
    }  # fmt: skip
    document = result.plan.to_json()
    assert document["changes"] == diff["changes"]
    assert Plan.from_json(json.loads(json.dumps(document))).changes == result.plan.changes
    assert plan.to_json()["changes"] == []  # a plan solved from scratch changed nothing


def test_the_validator_accepts_a_partly_cancelled_periodic_stop_and_says_why(weekly_case) -> None:
    pb, plan = weekly_case
    day = _dates(plan, "s0")[1]
    result = replan(pb, plan, [Change("cancel_stop", stop_id="s0", dates=frozenset({day}))])
    assert validate_plan(result.problem, result.plan).ok
    # without the cancellation, the missing repetition is a violation
    assert "periodic-missing" in validate_plan(pb, result.plan).rules()
    # and the cancelled visit may not come back
    assert "cancelled" in validate_plan(result.problem, plan).rules()


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            lambda d: Change("cancel_stop", stop_id="s0", dates=frozenset({dt.date(2030, 1, 1)})),
            InvalidProblemError,
            r"Date 2030-01-01 hors de l'horizon du plan \(2026-03-02 - 2026-03-29\)",
        ),
        (
            lambda d: Change("van_down", van="v1", dates=frozenset({dt.date(2026, 4, 1)})),
            InvalidProblemError,
            "Date 2026-04-01 hors de l'horizon",
        ),
        (
            lambda d: Change("cancel_stop", stop_id="s0", dates=frozenset({d["free"]})),
            InvalidProblemError,
            r"Arrêt 's0' : pas de visite le .* dans ce plan \(visites : ",
        ),
        (
            lambda d: Change("cancel_stop", stop_id="zz"),
            NotFoundError,
            "Arrêt 'zz' inconnu : impossible de l'annuler",
        ),
    ],
    ids=[
        "date-outside-plan",
        "van-down-date-outside",
        "date-without-visit",
        "unknown-stop",
    ],
)
def test_bad_cancellations_say_what_was_expected(weekly_case, change, error, message) -> None:
    pb, plan = weekly_case
    free = next(d.date for d in pb.calendar.days if d.date not in _dates(plan, "s0"))
    with pytest.raises(error, match=message):
        replan(pb, plan, [change({"free": free})])


def test_cancelling_a_stop_left_out_of_the_plan_is_refused(full_case) -> None:
    pb, plan = full_case
    unplanned = next(d.stop_id for d in plan.dropped)
    with pytest.raises(InvalidProblemError, match=f"Arrêt '{unplanned}' absent du plan"):
        replan(pb, plan, [Change("cancel_stop", stop_id=unplanned)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "cancel_stop"}, "identifiant de l'arrêt \\(stop_id\\) manquant"),
        ({"kind": "cancel_stop", "stop_id": "s0", "van": "v0"}, "véhicule 'v0' inattendu"),
        ({"kind": "van_down", "van": "v0", "stop_id": "s0"}, "van_down : stop_id 's0' inattendu"),
        ({"kind": "close_date"}, "Fermeture de date : aucune date donnée"),
        ({"kind": "van_down"}, "identifiant du véhicule manquant"),
    ],
)
def test_bad_changes_are_refused_in_french(kwargs, message) -> None:
    with pytest.raises(InvalidProblemError, match=message):
        Change(**kwargs)


def test_unknown_mode(weekly_case) -> None:
    pb, plan = weekly_case
    with pytest.raises(InvalidProblemError, match="Mode de re-planification 'partiel' inconnu"):
        replan(
            pb, plan, [Change("close_date", dates=frozenset({pb.calendar.start}))], mode="partiel"
        )
