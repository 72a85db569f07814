"""The independent validator catches each rule on hand-made broken plans."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import numpy as np
import pytest

from planner.fleet import Van
from planner.hours import WeeklyHours
from planner.itinerary.check import validate_plan
from planner.itinerary.fixed import FixedVisit
from planner.itinerary.problem import Frequency
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


@pytest.fixture(scope="module")
def good():
    pb = _f.tiny_problem()
    plan = solve(pb, time_limit=1, seed=0).to_json()
    assert validate_plan(pb, plan).ok
    return pb, plan


def _visit(doc, stop_id, n=0):
    return [v for v in doc["visits"] if v["stop_id"] == stop_id][n]


def _other_weekday(doc) -> str:
    """A working day of week 2 on another weekday than weekly Alpha's (21001) visits."""
    first = _visit(doc, "21001")["date"]
    return "2026-03-11" if first == "2026-03-03" else "2026-03-10"


def _rules(pb, doc) -> set[str]:
    return validate_plan(pb, doc).rules()


def _broken(good, edit):
    pb, plan = good
    doc = copy.deepcopy(plan)
    edit(doc)
    return _rules(pb, doc)


def test_valid_plan_has_no_violation(good) -> None:
    pb, plan = good
    report = validate_plan(pb, plan)
    assert report.ok and "valide" in report.describe_fr()


@pytest.mark.parametrize(
    ("rule", "edit"),
    [
        ("unknown", lambda d: _visit(d, "21002").update(stop_id="zzz")),
        ("day-closed", lambda d: _visit(d, "21002").update(date="2026-03-07")),
        ("times", lambda d: _visit(d, "21002").update(end_s=_visit(d, "21002")["end_s"] - 60)),
        ("hours", lambda d: _visit(d, "21002").update(date="2026-03-04")),
        ("market-day", lambda d: _visit(d, "21003").update(date="2026-03-05")),
        ("slot-double", lambda d: d["visits"].append(dict(_visit(d, "21002"), stop_id="21003"))),
        (
            "stop-twice-day",
            lambda d: d["visits"].append(
                dict(_visit(d, "21002"), slot="apres-midi", start_s=50400, end_s=61200)
            ),
        ),
        (
            "frequency-single",
            lambda d: d["visits"].append(dict(_visit(d, "21002"), date="2026-03-05")),
        ),
        ("day-mismatch", lambda d: d["days"][0].update(drive_s=d["days"][0]["drive_s"] + 1)),
        (
            "arrival",
            lambda d: _visit(d, "21002").update(arrival_s=_visit(d, "21002")["start_s"] + 60),
        ),
        ("periodic-slot", lambda d: _visit(d, "21001", 1).update(date=_other_weekday(d))),
        ("periodic-missing", lambda d: d["visits"].remove(_visit(d, "21001", 1))),
        ("dropped-missing", lambda d: d["dropped"].clear()),
        (
            "dropped-and-visited",
            lambda d: d["dropped"].append(
                {"stop_id": "21002", "stop_name": "Bravo", "reason": "x"}
            ),
        ),
        ("kpi", lambda d: d["kpis"].update(need_served=1.0)),
        ("horizon", lambda d: d.update(start="2026-03-03")),
    ],
)
def test_each_rule_is_caught(good, rule, edit) -> None:
    assert rule in _broken(good, edit)


def _with(pb, **changes):
    return pb.replace(**changes)


def test_rules_checked_against_a_changed_problem(good) -> None:
    pb, plan = good
    slow = _with(pb, durations=pb.durations * 8)
    assert {"shift", "day-mismatch"} <= _rules(slow, plan)
    van = pb.vans[0]
    short = dataclasses.replace(van, end_min=van.start_min + 60, max_span_min=60)
    assert "span" in _rules(_with(pb, vans=(short,)), plan)
    assert "work" in _rules(_with(pb, vans=(dataclasses.replace(van, max_work_min=60),)), plan)
    assert "needs" in _rules(_with(pb, van_needs=frozenset({"power"})), plan)
    cut = np.array(pb.reachable)
    cut[0, 2] = False
    assert "unreachable" in _rules(_with(pb, reachable=cut), plan)
    cands = list(pb.candidates)
    cands[2] = dataclasses.replace(cands[2], period="school_holidays")
    assert "period" in _rules(_with(pb, candidates=tuple(cands)), plan)
    cands = list(pb.candidates)
    cands[0] = dataclasses.replace(cands[0], frequency=Frequency.FORTNIGHTLY)
    assert "periodic-spacing" in _rules(_with(pb, candidates=tuple(cands)), plan)
    cands = list(pb.candidates)
    cands[3] = dataclasses.replace(cands[3], required=True)
    doc = copy.deepcopy(plan)
    doc["dropped"].clear()
    assert "required-missing" in _rules(_with(pb, candidates=tuple(cands)), doc)


def test_arrival_too_late_between_two_stops() -> None:
    base = _f.tiny_problem(weeks=1)
    cands = tuple(
        dataclasses.replace(c, frequency=None, hours=WeeklyHours.open_always())
        for c in base.candidates[:2]
    )
    pb = _f.tiny_problem(
        weeks=1, candidates=cands, vans=[Van(id="v0", base="b0", working_days=(0,))]
    )
    plan = solve(pb, time_limit=1).to_json()
    assert [len(d["stops"]) for d in plan["days"]] == [2]
    assert validate_plan(pb, plan).ok
    first, second = (pb.candidate(s).location for s in plan["days"][0]["stops"])
    far = pb.durations.copy()
    far[first, second] = 3 * 3600
    assert "arrival" in _rules(pb.replace(durations=far), plan)


def test_fixed_visits_locked_and_moved(good) -> None:
    """The problem's fixed visits must be in the plan, marked as the problem says."""
    pb, plan = good
    alpha = _visit(plan, "21001")
    date = dt.date.fromisoformat(alpha["date"])
    lock = FixedVisit("21001", date, alpha["van"], alpha["slot"], locked=True)
    locked_pb = pb.replace(fixed=(lock,))
    doc = copy.deepcopy(plan)
    _visit(doc, "21001").update(locked=True)
    assert validate_plan(locked_pb, doc).ok
    assert _rules(locked_pb, plan) == {"locked"}  # held, but not marked
    assert _rules(pb, doc) == {"locked"}  # marked without a lock
    no_day = pb.replace(fixed=(dataclasses.replace(lock, date=date + dt.timedelta(days=1)),))
    assert "fixed" in _rules(no_day, doc)
    # a visit moved from nowhere the problem knows
    doc = copy.deepcopy(plan)
    _visit(doc, "21001").update(
        moved_from="2026-03-02", moved_from_van="v0", moved_from_slot="matin"
    )
    assert _rules(pb, doc) == {"moved"}
