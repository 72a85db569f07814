"""Territory coverage: the coverage problem and indicators of a Territory, end to end."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from planner.coverage import SYNTHETIC_LABEL, compare_territories, maximal_covering
from planner.errors import InvalidProblemError
from planner.workflows.comparison import synthetic_territory_activity
from planner.workflows.coverage import (
    coverage_indicators,
    coverage_problem,
    plan_indicators,
    territory_coverage,
)
from planner.workflows.territory_arrays import fixed_matrix
from tests.planner.coverage.conftest import matrix, read_activity

TODAY = date(2025, 6, 30)


def test_coverage_problem_uses_young_and_matrix(tiny, line_seconds):
    tm = matrix(line_seconds)
    problem = coverage_problem(tiny, tm, site_ids=list(tiny.partners.index[:4]))
    assert problem.weights.tolist() == [400, 330, 300, 280]
    assert problem.demand_ids == ("21001", "21002", "21003", "21004")
    assert problem.method == "estimate" and problem.unit == "s"
    sol = maximal_covering(problem, k=1, within=700)
    assert sol.selected_ids == ("p2",)  # covers 21001-21003 within 11 min 40 s


def test_coverage_problem_unreachable_minus_one_is_accepted(tiny, line_seconds):
    sec = line_seconds.copy()
    sec[0, 3] = np.inf
    problem = coverage_problem(tiny, matrix(sec), site_ids=["p1", "p2", "p3", "p4"])
    assert not problem.reachable[0, 3]


def test_territory_without_young_population(tiny, line_seconds):
    tiny.communes["young"] = 0.0
    with pytest.raises(InvalidProblemError, match="aucune population jeune"):
        coverage_problem(tiny, matrix(line_seconds), site_ids=["a", "b", "c", "d"])


def test_coverage_indicators(tiny):
    tiny.activity = read_activity("activity_ok.csv")
    fixed = matrix(np.array([[300.0], [1500.0], [2400.0], [np.inf]]))  # 5, 25, 40 min, none
    stops = matrix(np.array([[600.0], [1100.0], [1300.0], [1000.0]]))
    ind = coverage_indicators(
        tiny, fixed, stop_matrix=stops, stop_ids=["p3"], sessions_planned=10, km_driven=130.0,
        today=TODAY,
    )  # fmt: skip
    young = np.array([400, 330, 300, 280.0])
    a = ind.access
    assert a["share_20min_fixed"] == pytest.approx(400 / young.sum())
    assert a["share_30min_fixed"] == pytest.approx(730 / young.sum())
    assert a["share_unreachable_fixed"] == pytest.approx(280 / young.sum())
    assert a["share_20min_with_van"] == pytest.approx((400 + 330 + 280) / young.sum())
    assert a["share_30min_with_van"] == 1.0
    assert a["mean_access_min_with_van"] == pytest.approx(
        (5 * 400 + 1100 / 60 * 330 + 1300 / 60 * 300 + 1000 / 60 * 280) / young.sum()
    )
    assert a["p90_access_min_with_van"] == pytest.approx(1300 / 60)
    assert (ind.communes_reached, ind.frr_communes, ind.frr_communes_reached) == (3, 2, 1)
    assert (ind.qpv_total, ind.qpv_reached) == (1, 1)
    assert dict(ind.stops_by_type) == {"centre_social": 1}
    assert (ind.sessions_delivered, ind.reperes, ind.mobilises, ind.contacts) == (8, 16, 6, 23)
    assert ind.reperes_per_half_day == 2.0 and ind.km_per_contact == pytest.approx(130 / 23)
    rec = ind.to_record()
    assert rec["stops_centre_social"] == 1 and rec["reperes"] == 16  # own view: not suppressed


def test_stop_matrix_columns_must_match_the_stops(tiny):
    with pytest.raises(InvalidProblemError, match="2 colonnes pour 1 arrêts"):
        coverage_indicators(
            tiny, matrix(np.ones((4, 1))), stop_matrix=matrix(np.ones((4, 2))), stop_ids=["p1"],
            today=TODAY,
        )  # fmt: skip


def test_demo_territory_end_to_end(creusot):
    activity = synthetic_territory_activity(creusot, end=date(2025, 6, 30), seed=3)
    territory = dataclasses.replace(creusot, activity=activity, activity_synthetic=True)
    result = territory_coverage(territory, k=3, today=date(2025, 7, 1))
    assert result.choice.optimal and len(result.choice.selected_ids) == 3
    assert result.need.activity_label == SYNTHETIC_LABEL
    assert len(result.need.frame) == len(territory.communes)
    ind = result.indicators
    assert ind.access["share_20min_with_van"] >= ind.access["share_20min_fixed"]
    assert sum(ind.stops_by_type.values()) == 3
    assert [s.id for s in result.stops] == list(result.choice.selected_ids)
    assert {s.commune for s in result.stops} <= set(territory.communes.index)
    table = compare_territories([ind])
    assert list(table.frame["territory_id"]) == ["creusot-montceau", "region"]


def test_plan_indicators_without_and_with_a_plan(creusot):
    to_fixed = fixed_matrix(creusot)
    totals = {"sessions": 0, "contacts": 0, "reperes": 0, "mobilises": 0}
    none = plan_indicators(
        creusot, plan=None, activity=totals, activity_label="x", to_fixed=to_fixed
    )
    assert none.sessions_planned is None and "Aucun plan terminé" in none.notes[0]
    partner = creusot.partners.iloc[0]
    visit = {
        "stop_id": "s1", "lon": partner.geometry.x, "lat": partner.geometry.y,
        "commune": str(partner["commune"]), "host": str(partner["name"]),
    }  # fmt: skip
    plan = {"visits": [visit, visit, {**visit, "stop_id": "s2", "host": ""}], "kpis": {}}
    ind = plan_indicators(
        creusot, plan=plan, activity=totals, activity_label="x", to_fixed=to_fixed
    )
    assert ind.sessions_planned == 3
    assert dict(ind.stops_by_type) == {str(partner["type"]): 1, "sans_hote": 1}
    assert ind.access["share_20min_with_van"] >= none.access["share_20min_fixed"]
