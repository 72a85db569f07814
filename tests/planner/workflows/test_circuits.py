"""Regular circuits on the demo: hubs fill the budget, rules hold, values follow the catchment."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.itinerary.problem import Frequency
from planner.rules import PlanningRules
from planner.workflows.circuits import circuit_problem, positions_per_van_week
from planner.workflows.need import need_table
from planner.workflows.planning import territory_problem

START = dt.date(2026, 9, 7)


@pytest.fixture(scope="module")
def base(marches):
    need = need_table(marches)
    return need, territory_problem(marches, start=START, weeks=4, need=need, method="need")


def test_hubs_take_the_regular_share_of_the_horizon(marches, base) -> None:
    need, problem = base
    pb, report = circuit_problem(problem, marches, need)
    assert report.positions == 80  # 2 vans x 5 days x 2 slots x 4 weeks
    budget = int(0.8 * 80)
    assert budget - 2 <= report.choice.sessions_used <= budget
    hubs = [c for c in pb.candidates if c.frequency not in (None, Frequency.ONCE)]
    assert len(hubs) >= 20
    assert all(c.need > 0 for c in hubs)
    assert "Circuits réguliers" in pb.notes[-1] and "15 min" in pb.notes[-1]


def test_a_hub_is_valued_by_its_catchment_not_its_commune(marches, base) -> None:
    need, problem = base
    pb, report = circuit_problem(problem, marches, need)
    scores = need.frame["score"]
    # the value of a single visit counts the villages around, so it exceeds the commune's score
    singles = [
        (j, c) for j, c in enumerate(pb.candidates) if c.frequency is None and report.reach_young[j]
    ]
    assert any(c.need > float(scores[c.id]) for _, c in singles)
    assert all(
        report.reach_young[j] >= float(marches.communes.loc[c.id, "young"]) for j, c in singles
    )


def test_rules_force_and_forbid_frequencies(marches, base) -> None:
    need, problem = base
    pb0, report0 = circuit_problem(problem, marches, need)
    hub = next(c.id for c in pb0.candidates if c.frequency is Frequency.FORTNIGHTLY)
    quiet = next(c.id for c in pb0.candidates if c.frequency is None)
    rules = PlanningRules(frequency={quiet: "weekly"}, forbid={hub: frozenset(ALL_HUBS)})
    pb, _ = circuit_problem(problem, marches, need, rules=rules)
    by_id = {c.id: c for c in pb.candidates}
    assert by_id[quiet].frequency is Frequency.WEEKLY
    assert by_id[hub].frequency is None


ALL_HUBS = ("weekly", "fortnightly", "monthly")


def test_no_exploration_gives_every_session_to_hubs(marches, base) -> None:
    need, problem = base
    _, report = circuit_problem(problem, marches, need, rules=PlanningRules(exploration_share=0))
    assert report.choice.sessions_used >= 78


def test_a_weekly_cap_lowers_the_positions(marches, base) -> None:
    from dataclasses import replace

    from planner.itinerary.grid import Grid

    need, problem = base
    capped = problem.replace(vans=tuple(replace(v, sessions_per_week=6) for v in problem.vans))
    assert positions_per_van_week(Grid(capped)) == 2 * 4 * 6


def test_every_candidate_says_why_in_french(marches, base) -> None:
    need, problem = base
    pb, _ = circuit_problem(problem, marches, need)
    hubs = [c for c in pb.candidates if c.frequency not in (None, Frequency.ONCE)]
    singles = [c for c in pb.candidates if c.frequency is None]
    assert all(c.why[0].startswith("arrêt régulier") for c in hubs)
    assert all("jeunes de 16 à 25 ans estimés à 15 min" in c.why[1] for c in hubs)
    assert all(c.why[0].startswith("exploration : ") for c in singles)


def test_a_plan_reports_its_expected_reperes_and_contacts(marches) -> None:
    from planner.workflows.expected import expected_table, plan_expectation, with_expectation
    from planner.workflows.planning import plan_territory

    plan = plan_territory(marches, start=START, weeks=1, time_limit=1, solver="greedy")
    table = expected_table(marches)
    assert plan.kpis["expected_label"] == "données fictives"
    assert plan.kpis["expected_reperes"] == pytest.approx(
        plan_expectation(table, plan).reperes, abs=0.01
    )
    assert with_expectation(table, plan).kpis["expected_contacts"] > 0
