"""The reach of a demo plan, measured from the territory."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.itinerary.replan import Change, replan
from planner.workflows.expected import expected_table, plan_expectation
from planner.workflows.explain import attach_explanations
from planner.workflows.planning import plan_territory, territory_problem
from planner.workflows.reach import territory_plan_reach

MONDAY = dt.date(2026, 9, 7)


def test_reach_of_a_demo_plan(creusot) -> None:
    plan = plan_territory(creusot, start=MONDAY, weeks=2, time_limit=1, solver="greedy")
    r = territory_plan_reach(creusot, plan)
    assert 0 < r.fixed_share <= r.regular_share <= r.any_share <= 1
    assert r.regular_bases_share is not None and r.regular_bases_share <= r.regular_share
    assert r.visits == len(plan.visits) and r.stops == len({v.stop_id for v in plan.visits})
    assert r.drive_h == pytest.approx(plan.kpis["drive_h"], abs=1e-3)
    table = expected_table(creusot)
    assert (r.rates_label, r.rates_method) == ("données fictives", table.method)
    # the learned repérés of each visit's commune and month, as the plan's own expectation
    assert r.expected_reperes == pytest.approx(plan_expectation(table, plan).reperes)
    assert all(c.young >= 150 for c in r.unreached_large)
    # a longer access time reaches at least as many young people
    assert territory_plan_reach(creusot, plan, access_s=1800).regular_share >= r.regular_share


def test_a_plan_without_any_visit_has_a_reach_and_explanations(creusot) -> None:
    """Every van down for the whole horizon (a what-if re-plan): 0 visits, still explained
    (it failed with « Les points d'arrivée doivent former un tableau (n, 2) non vide »)."""
    plan = plan_territory(creusot, start=MONDAY, weeks=1, time_limit=1, solver="greedy")
    problem = territory_problem(creusot, start=MONDAY, weeks=1, today=MONDAY)
    down = replan(problem, plan, [Change("van_down", van=v.id) for v in problem.vans]).plan
    assert down.visits == ()
    r = territory_plan_reach(creusot, down)
    assert (r.visits, r.stops) == (0, 0)
    assert 0 < r.fixed_share == r.any_share  # only the fixed contact points reach anyone
    explained = attach_explanations(creusot, problem, down)
    assert len(explained.communes) == len(creusot.communes) and explained.stops == ()
    assert not [c for c in explained.communes if c.by_kind.startswith("arrêt")]
