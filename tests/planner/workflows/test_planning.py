"""Plan a territory: the demo converts to an itinerary problem (need method and circuits)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import InvalidProblemError
from planner.workflows.need import need_table
from planner.workflows.planning import plan_territory, territory_problem

MONDAY = dt.date(2026, 3, 2)


def test_territory_problem_on_the_demo(creusot) -> None:
    pb = territory_problem(creusot, start=MONDAY, weeks=1, method="need")
    assert len(pb.candidates) == len(creusot.communes)
    assert pb.travel_time_method == "estimate"
    assert {v.id for v in pb.vans} == {v.id for v in creusot.vans}
    qpv = [c for c in pb.candidates if c.qpv]
    assert qpv and all(c.frequency is not None for c in qpv)
    assert all(c.need > 0 for c in pb.candidates)
    assert pb.van_needs == frozenset({"parking"})


def test_a_visit_is_worth_the_commune_need_score(creusot) -> None:
    need = need_table(creusot)
    pb = territory_problem(creusot, start=MONDAY, weeks=1, need=need, method="need")
    scores = need.frame["score"]
    assert [c.need for c in pb.candidates] == [float(scores[c.id]) for c in pb.candidates]
    assert all(0 < c.need <= 100 for c in pb.candidates)
    plan = plan_territory(
        creusot,
        start=MONDAY,
        weeks=1,
        time_limit=1,
        solver="greedy",
        today=MONDAY,
        need=need,
        method="need",
    )
    for visit in plan.visits:
        assert visit.need == pytest.approx(float(scores[visit.commune]))


def test_van_unavailable_dates_are_checked(creusot) -> None:
    day = {"equipe-creusot": frozenset({MONDAY})}
    pb = territory_problem(creusot, start=MONDAY, weeks=1, unavailable=day)
    assert pb.unavailable(pb.van("equipe-creusot")) == frozenset({MONDAY})
    with pytest.raises(InvalidProblemError, match="véhicule inconnu : nulle-part"):
        territory_problem(
            creusot, start=MONDAY, weeks=1, unavailable={"nulle-part": frozenset({MONDAY})}
        )


def test_an_unknown_method_is_refused_in_french(creusot) -> None:
    with pytest.raises(InvalidProblemError, match="Méthode de planification 'tournée' inconnue"):
        territory_problem(creusot, start=MONDAY, weeks=1, method="tournée")


def test_explanations_follow_the_plan_s_own_rule_overrides(creusot) -> None:
    code = str(creusot.communes.index[-1])
    plan = plan_territory(
        creusot,
        start=MONDAY,
        weeks=1,
        time_limit=1,
        solver="greedy",
        overrides={"rules": {"exclude": [code]}},
    )
    assert all(v.commune != code for v in plan.visits)
    [row] = [u for u in plan.unplanned if u.commune == code]
    assert row.reason.startswith("exclue par le responsable")
