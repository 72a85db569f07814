"""Explanations of demo plans: every commune has its row, fixed sites and engine reasons said."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from planner.itinerary.explain import EXCLUDED
from planner.itinerary.grid import REASON_HOURS
from planner.itinerary.problem import Frequency
from planner.rules import PlanningRules
from planner.workflows.explain import attach_explanations, candidate_why, number_fr
from planner.workflows.need import need_table
from planner.workflows.planning import plan_territory, territory_problem
from planner.workflows.territory_arrays import fixed_labels

MONDAY = dt.date(2026, 9, 7)


@pytest.fixture(scope="module")
def marches_plan(marches):
    need = need_table(marches)
    plan = plan_territory(
        marches, start=MONDAY, weeks=2, time_limit=1, solver="greedy", today=MONDAY, need=need
    )
    return plan, need


def test_every_commune_has_a_row_and_a_fixed_site_says_so(marches, marches_plan) -> None:
    plan, need = marches_plan
    rows = {c.commune: c for c in plan.communes}
    assert set(rows) == set(map(str, marches.communes.index))
    scores = need.frame["score"]
    assert all(r.need == pytest.approx(float(scores[code])) for code, r in rows.items())
    names, kinds = fixed_labels(marches)
    fixed = dict(zip(names, kinds, strict=True))
    by_fixed = [r for r in rows.values() if r.by in fixed and r.reached]
    assert by_fixed and all(r.regular and r.by_kind == fixed[r.by] for r in by_fixed)
    assert all(r.minutes is not None and r.minutes <= 15 for r in rows.values() if r.reached)
    unreached = [r for r in rows.values() if not r.reached]
    assert unreached and all(
        r.why_not.startswith("aucun arrêt ni point fixe à 15 min ou moins") for r in unreached
    )
    served = [u for u in plan.unplanned if u.reason.startswith("servie par ")]
    assert served
    for u in served:  # « servie par <point fixe> à N min », within the access time
        assert u.by in fixed and u.minutes is not None and u.minutes <= 15
        said = re.fullmatch(rf"servie par {re.escape(u.by)} à (\d+) min", u.reason)
        assert said and abs(int(said[1]) - u.minutes) <= 0.55


def test_stops_and_unplanned_cover_every_candidate(marches, marches_plan) -> None:
    plan, _ = marches_plan
    visited = {v.stop_id for v in plan.visits}
    assert {s.stop_id for s in plan.stops} == visited
    assert {u.stop_id for u in plan.unplanned} == {str(c) for c in marches.communes.index} - visited
    for s in plan.stops:
        assert s.visits == sum(v.stop_id == s.stop_id for v in plan.visits)
        assert s.why and s.young_within > 0
        assert s.why[0].startswith(("besoin ", "arrêt régulier", "arrêt épinglé", "exploration"))
    assert {u.engine_reason for u in plan.unplanned} == {d.reason for d in plan.dropped}


def test_a_dropped_commune_carries_the_engine_reason(creusot) -> None:
    # only partners may host: some hosts' hours fit no slot, the engine says so
    plan = plan_territory(
        creusot, start=MONDAY, weeks=1, time_limit=1, solver="greedy", require_host=True
    )
    hours = [u for u in plan.unplanned if u.engine_reason == REASON_HOURS]
    assert hours and all(u.reason == REASON_HOURS for u in hours)
    rows = {c.commune: c for c in plan.communes}
    for u in hours:
        if not rows[u.commune].reached:
            assert rows[u.commune].why_not.endswith(f"arrêt retiré : {REASON_HOURS}")


def test_the_manager_rules_are_read(creusot) -> None:
    need = need_table(creusot)
    pb = territory_problem(creusot, start=MONDAY, weeks=1, need=need)
    plan = plan_territory(creusot, start=MONDAY, weeks=1, time_limit=1, solver="greedy", need=need)
    left = plan.unplanned[0].commune
    rules = PlanningRules(access_min=5, exclude=frozenset({left}))
    strict = attach_explanations(dataclasses.replace(creusot, rules=rules), pb, plan, need=need)
    assert next(u for u in strict.unplanned if u.commune == left).reason == EXCLUDED
    assert sum(c.reached for c in strict.communes) < sum(c.reached for c in plan.communes)
    assert any("à 5 min ou moins" in c.why_not for c in strict.communes)


def test_candidate_why_in_french() -> None:
    assert number_fr(1240.4) == "1 240" and number_fr(42.06, 1) == "42,1"
    assert candidate_why(
        need=42.06, rank=3, communes=120, young=1240.4, frequency=Frequency.FORTNIGHTLY
    ) == (
        "besoin 42,1 sur 100 (rang 3 sur 120 communes)",
        "1 240 jeunes de 16 à 25 ans estimés dans la commune",
        "arrêt régulier prévu toutes les deux semaines",
    )
    assert candidate_why(need=1, rank=1, communes=1, young=1, frequency=None)[-1] == (
        "visite ponctuelle, si un créneau reste libre"
    )
    assert candidate_why(need=1, rank=1, communes=1, young=1, frequency=Frequency.ONCE)[-1] == (
        "une visite prévue sur l'horizon"
    )


def test_demo_candidates_carry_their_why(creusot) -> None:
    need = need_table(creusot)
    # the need method's candidates carry the default sentences (circuits replace them)
    pb = territory_problem(creusot, start=MONDAY, weeks=1, need=need, method="need")
    ranks = need.frame["rank"]
    for c in pb.candidates:
        assert c.why[0].startswith(f"besoin {number_fr(c.need, 1)} sur 100 (rang {ranks[c.id]} ")
        if c.qpv:
            assert c.why[-1] == "arrêt régulier prévu chaque semaine"
