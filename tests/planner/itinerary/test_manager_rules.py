"""The manager's rules in the engine (pins, caps, exclusions) and in the independent validator:
for each rule a tiny named case that breaks it and one that keeps it."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter

import pytest

from planner.errors import InvalidProblemError
from planner.fleet import Van
from planner.itinerary.check import validate_plan
from planner.itinerary.grid import REASON_DRIVE_CAP, REASON_PIN, Grid
from planner.itinerary.problem import Frequency
from planner.itinerary.schedule import Schedule
from planner.itinerary.solver import solve
from planner.rules import Pin, PlanningRules
from planner.workflows.rules import REASON_EXCLUDED, apply_rules

from .conftest import load_factory

_f = load_factory()
ALPHA, BRAVO, CHARLIE, DELTA = "21001", "21002", "21003", "21004"


def _solve(pb):
    return solve(pb, solver="local", iterations=200, time_limit=30, seed=0).to_json()


def _ruled(rules: PlanningRules, *, vans=(Van(id="v0", base="b0"),), weeks: int = 2):
    """The tiny instance with ``rules`` applied the way the workflow applies them."""
    base = _f.tiny_problem(weeks=weeks, vans=list(vans))
    cands, excluded = apply_rules(base.candidates, rules, base.slots, base.vans)
    return base.replace(candidates=tuple(cands), excluded=excluded)


def _rules(pb, doc) -> set[str]:
    return validate_plan(pb, doc).rules()


def _visits(doc, stop_id):
    return [v for v in doc["visits"] if v["stop_id"] == stop_id]


# -- pin -------------------------------------------------------------------------------------

PIN_ALPHA = PlanningRules(pins=(Pin(ALPHA, 2, "apres-midi", "v1"),))
TWO_VANS = (Van(id="v0", base="b0"), Van(id="v1", base="b0"))


def test_pin_kept_every_visit_on_its_weekday_slot_and_van() -> None:
    pb = _ruled(PIN_ALPHA, vans=TWO_VANS)
    doc = _solve(pb)
    alpha = _visits(doc, ALPHA)
    assert len(alpha) == 2
    assert {(v["slot"], v["van"]) for v in alpha} == {("apres-midi", "v1")}
    assert all(v["date"] in ("2026-03-04", "2026-03-11") for v in alpha)  # Wednesdays
    assert validate_plan(pb, doc).ok


def test_pin_broken_by_a_plan_made_without_it() -> None:
    free = _f.tiny_problem(weeks=2, vans=list(TWO_VANS))
    doc = _solve(free)
    alpha = _visits(doc, ALPHA)
    assert {(v["date"], v["slot"], v["van"]) for v in alpha} != {
        ("2026-03-04", "apres-midi", "v1"),
        ("2026-03-11", "apres-midi", "v1"),
    }
    report = validate_plan(_ruled(PIN_ALPHA, vans=TWO_VANS), doc)
    assert "pin" in report.rules()
    assert "épinglé" in report.describe_fr()


def test_pin_fit_only_on_its_positions_and_a_reason_when_none_exists() -> None:
    grid = Grid(_ruled(PIN_ALPHA, vans=TWO_VANS))
    c = next(i for i, x in enumerate(grid.problem.candidates) if x.id == ALPHA)
    fits = {grid.vanday_of(p) for p in range(grid.n_positions) if grid.fit[c, p]}
    assert fits == {(1, 2, 1), (1, 9, 1)}  # van v1, Wednesdays (days 2 and 9), afternoon
    sunday = dataclasses.replace(grid.problem.candidates[c], pin_weekday=6)
    cands = list(grid.problem.candidates)
    cands[c] = sunday
    blocked = Grid(grid.problem.replace(candidates=tuple(cands)))
    assert blocked.never_reason[c] == REASON_PIN


def test_pin_fields_are_checked() -> None:
    pb = _f.tiny_problem()
    cands = list(pb.candidates)
    cands[0] = dataclasses.replace(cands[0], pin_slot=5)
    with pytest.raises(InvalidProblemError, match="créneau épinglé 5 hors des 2 créneaux"):
        pb.replace(candidates=tuple(cands))
    cands[0] = dataclasses.replace(pb.candidates[0], pin_van="v9")
    with pytest.raises(InvalidProblemError, match="véhicule épinglé 'v9' inconnu"):
        pb.replace(candidates=tuple(cands))
    with pytest.raises(InvalidProblemError, match="jour épinglé 7 invalide"):
        dataclasses.replace(pb.candidates[0], pin_weekday=7)


# -- driving per day -------------------------------------------------------------------------


def _capped_van(**caps) -> tuple[Van, ...]:
    return (Van(id="v0", base="b0", **caps),)


def test_drive_per_day_kept_when_capped() -> None:
    pb = _ruled(PlanningRules(), vans=_capped_van(max_drive_min=45))
    doc = _solve(pb)
    assert doc["visits"] and max(d["drive_s"] for d in doc["days"]) <= 45 * 60
    assert validate_plan(pb, doc).ok


def test_drive_per_day_broken_by_an_uncapped_plan() -> None:
    doc = _solve(_ruled(PlanningRules()))
    assert max(d["drive_s"] for d in doc["days"]) > 45 * 60
    assert "drive-per-day" in _rules(
        _ruled(PlanningRules(), vans=_capped_van(max_drive_min=45)), doc
    )


def test_drive_cap_has_its_own_never_reason() -> None:
    grid = Grid(_ruled(PlanningRules(), vans=_capped_van(max_drive_min=45)))
    reasons = dict(zip((c.id for c in grid.problem.candidates), grid.never_reason, strict=True))
    assert reasons[CHARLIE] == REASON_DRIVE_CAP  # 25 + 20 min round trip... 50 min > 45
    assert reasons[ALPHA] is None  # 2 x 15 min


# -- sessions per week -----------------------------------------------------------------------


def test_sessions_per_week_kept_when_capped() -> None:
    pb = _ruled(PlanningRules(), vans=_capped_van(sessions_per_week=2))
    doc = _solve(pb)
    weeks = Counter((v["van"], v["date"] < "2026-03-09") for v in doc["visits"])
    assert max(weeks.values()) == 2
    assert validate_plan(pb, doc).ok


def test_sessions_per_week_broken_by_an_uncapped_plan() -> None:
    doc = _solve(_ruled(PlanningRules()))
    assert sum(v["date"] < "2026-03-09" for v in doc["visits"]) > 2
    report = validate_plan(_ruled(PlanningRules(), vans=_capped_van(sessions_per_week=2)), doc)
    assert "van-week-cap" in report.rules()
    assert "semaine 1 de l'horizon" in report.describe_fr()


def test_schedule_refuses_an_insertion_past_the_week_cap() -> None:
    grid = Grid(_ruled(PlanningRules(), vans=_capped_van(sessions_per_week=1), weeks=1))
    schedule = Schedule(grid)
    alpha, bravo = 0, 1
    p_alpha = next(p for p in range(grid.n_positions) if grid.fit[alpha, p])
    schedule.put(alpha, p_alpha)
    free = [p for p in range(grid.n_positions) if grid.fit[bravo, p] and p != p_alpha]
    assert free and all(schedule.insertion(bravo, p) is None for p in free)
    assert schedule.insertion(bravo, p_alpha) is not None or not grid.fit[bravo, p_alpha]
    schedule.put(-1, p_alpha)
    assert any(schedule.insertion(bravo, p) is not None for p in free)


# -- exclusions ------------------------------------------------------------------------------

EXCLUDE_BRAVO = PlanningRules(exclude=frozenset({BRAVO}))


def test_excluded_commune_never_visited_and_reported() -> None:
    pb = _ruled(EXCLUDE_BRAVO)
    doc = _solve(pb)
    assert not _visits(doc, BRAVO)
    assert {d["stop_id"]: d["reason"] for d in doc["dropped"]}[BRAVO] == REASON_EXCLUDED
    assert validate_plan(pb, doc).ok


def test_excluded_commune_visited_is_caught() -> None:
    doc = _solve(_f.tiny_problem())
    assert _visits(doc, BRAVO)
    report = validate_plan(_ruled(EXCLUDE_BRAVO), doc)
    assert {"excluded", "excluded-unreported"} <= report.rules()
    assert "commune exclue par le responsable" in report.describe_fr()


def test_excluded_commune_missing_from_the_dropped_is_caught() -> None:
    pb = _ruled(EXCLUDE_BRAVO)
    doc = copy.deepcopy(_solve(pb))
    doc["dropped"] = [d for d in doc["dropped"] if d["stop_id"] != BRAVO]
    assert _rules(pb, doc) == {"excluded-unreported"}


def test_excluded_and_candidate_at_once_is_refused() -> None:
    pb = _f.tiny_problem()
    with pytest.raises(
        InvalidProblemError, match="à la fois candidat\\(s\\) et exclu\\(s\\) : 21002"
    ):
        pb.replace(excluded=((BRAVO, "Bravo", REASON_EXCLUDED),))


# -- frequency kept --------------------------------------------------------------------------

FORCE_BRAVO_WEEKLY = PlanningRules(frequency={BRAVO: "weekly"})


def test_forced_frequency_kept() -> None:
    pb = _ruled(FORCE_BRAVO_WEEKLY)
    assert pb.candidate(BRAVO).frequency == Frequency.WEEKLY
    doc = _solve(pb)
    bravo = _visits(doc, BRAVO)
    assert len(bravo) == 2 and len({(v["slot"], v["van"]) for v in bravo}) == 1
    assert validate_plan(pb, doc).ok


def test_forced_frequency_broken_by_a_one_off_plan() -> None:
    doc = _solve(_f.tiny_problem())
    assert len(_visits(doc, BRAVO)) == 1
    assert "periodic-missing" in _rules(_ruled(FORCE_BRAVO_WEEKLY), doc)


def test_forbidden_frequency_kept_and_broken() -> None:
    lowered = _ruled(PlanningRules(forbid={ALPHA: frozenset({"weekly"})}))
    assert lowered.candidate(ALPHA).frequency == Frequency.FORTNIGHTLY
    doc = _solve(lowered)
    assert len(_visits(doc, ALPHA)) == 1 and validate_plan(lowered, doc).ok
    weekly = _solve(_f.tiny_problem())  # Alpha weekly: twice in two weeks
    assert len(_visits(weekly, ALPHA)) == 2
    assert "periodic-spacing" in _rules(lowered, weekly)
