"""The weekly and exact-gap benchmarks: the hubs case, one measured case, the summary fields."""

from __future__ import annotations

from benchmarks import exact_gap, weekly
from planner.itinerary.problem import Frequency
from planner.itinerary.solver import solve
from planner.workflows.need import need_table
from planner.workflows.planning import territory_problem


def test_the_hubs_case_makes_the_neediest_communes_fortnightly() -> None:
    [(name, territory, weeks)] = weekly.cases({"marches-35-hubs"})
    assert (name, weeks) == ("marches-35-hubs", 4)
    options = weekly.case_options(name, territory)
    problem = territory_problem(territory, start=weekly.START, weeks=weeks, **options)
    hubs = {c.commune for c in problem.candidates if c.frequency == Frequency.FORTNIGHTLY}
    assert len(hubs) == weekly.HUBS
    scores = need_table(territory).frame["score"]
    assert min(scores[list(hubs)]) >= max(scores.drop(index=list(hubs)))
    assert weekly.case_options("demo-marches-de-bourgogne", territory) == {}
    plan = solve(problem, solver="local", time_limit=1000, iterations=50)
    planned, asked = weekly.periodic_planned(problem, plan).split("/")
    assert int(asked) == weekly.HUBS and 0 < int(planned) <= weekly.HUBS


def test_one_generated_case_against_the_exact_model() -> None:
    assert exact_gap.small_case(3).candidates == exact_gap.small_case(3).candidates
    row = exact_gap.run_case(3, time_limit=2.0, exact_limit=20.0)
    assert row["proven"] and row["valid"]
    assert row["heuristic"] <= row["exact"] <= row["exact_bound"]
    assert row["gap_pct"] >= 0 and row["iterations"] > 0
