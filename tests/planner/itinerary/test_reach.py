"""Reach of a plan on tiny hand-made cases: regular presence, shares, the 150-young list."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from planner.errors import InvalidProblemError
from planner.itinerary.plan import Plan, SolverInfo, VanDay, Visit
from planner.itinerary.reach import ReachArrays, plan_reach, plan_stop_ids, regular_stops
from planner.travel import TravelMatrix

MONDAY = dt.date(2026, 9, 7)
CODES = ["A", "B", "C", "D"]
NAMES = ["Ahun", "Bussy", "Cluny", "Digoin"]
YOUNG = np.array([200.0, 100.0, 180.0, 160.0])


def _matrix(seconds: list[list[float]]) -> TravelMatrix:
    s = np.asarray(seconds, dtype=float)
    return TravelMatrix.from_seconds(s, s * 10, method="estimate", params={})


def _visit(week: int, stop: str) -> Visit:
    return Visit(
        date=MONDAY + dt.timedelta(weeks=week), van="v1", slot="matin", stop_id=stop,
        stop_name=f"Arrêt {stop}", commune=stop, lon=4.0, lat=46.0,
        arrival_s=32000, start_s=32400, end_s=43200,
    )  # fmt: skip


def _plan(visits: list[Visit], weeks: int = 4) -> Plan:
    days = tuple(VanDay("v1", v.date, 30000, 46000, 1800, 30000, (v.stop_id,)) for v in visits)
    return Plan(
        territory="essai", travel_time_method="estimate", start=MONDAY, weeks=weeks,
        visits=tuple(visits), days=days, dropped=(), kpis={},
        solver=SolverInfo("greedy", 0, 0.1, 1.0, 0, 0, 0.0),
    )  # fmt: skip


#: A weekly (4 visits in 4 weeks), C once; B is 10 min from A; D has a base 5 min away
PLAN = _plan([_visit(w, "A") for w in range(4)] + [_visit(1, "C")])
TO_STOPS = _matrix([[0, 2000], [600, 2000], [2000, 0], [2000, 2000]])
TO_FIXED = _matrix([[2000], [2000], [2000], [300]])


def _reach(plan: Plan = PLAN, *, access_s: int = 900, large_young: float = 150, **changes):
    arrays = dict(
        to_stops=TO_STOPS, stop_ids=["A", "C"], to_fixed=TO_FIXED, young=YOUNG, codes=CODES,
        names=NAMES,
    )  # fmt: skip
    rates = changes.pop("rates", {"A": 2.0, "C": 1.0, "B": 0.0, "D": 0.0})
    visit_rates = changes.pop("visit_rates", None)
    arrays.update(changes)
    return plan_reach(
        plan, ReachArrays(**arrays), rates=rates, rates_method="essai",
        rates_label="données fictives", access_s=access_s, large_young=large_young,
        visit_rates=visit_rates,
    )  # fmt: skip


def test_weekly_and_fortnightly_stops_are_regular_once_in_four_weeks_is_not() -> None:
    assert regular_stops({"hebdo": 4, "quinzaine": 2, "une-fois": 1}, 4) == ["hebdo", "quinzaine"]
    assert regular_stops({"une-fois": 1}, 2) == ["une-fois"]
    assert regular_stops({"trois": 3}, 8) == []


def test_an_empty_horizon_is_refused() -> None:
    with pytest.raises(InvalidProblemError, match="Horizon du plan invalide : 0 semaine"):
        regular_stops({"a": 1}, 0)


def test_shares_weigh_the_young_within_the_access_time() -> None:
    r = _reach()
    total = YOUNG.sum()
    assert r.regular_stops == ("A",)
    assert (r.stops, r.visits) == (2, 5)
    # A and B near the weekly stop, D near the base; C is visited once only
    assert r.regular_share == pytest.approx((200 + 100 + 160) / total)
    assert r.any_share == pytest.approx(1.0)
    assert r.fixed_share == pytest.approx(160 / total)
    assert r.regular_bases_share is None
    # the only fixed point is a base: the same share
    assert _reach(bases=1).regular_bases_share == pytest.approx(r.regular_share)
    assert _reach(bases=0).regular_bases_share == pytest.approx(300 / total)
    wider = _reach(access_s=2000)
    assert wider.regular_share == pytest.approx(1.0)


def test_a_base_is_a_regular_presence() -> None:
    r = _reach(to_fixed=_matrix([[2000], [2000], [100], [300]]))
    assert r.regular_share == pytest.approx(1.0)
    assert r.unreached_large == ()


def test_large_communes_without_a_regular_presence_are_listed() -> None:
    r = _reach()
    assert [(c.code, c.name, c.young) for c in r.unreached_large] == [("C", "Cluny", 180.0)]
    assert r.unreached_large[0].nearest_regular_min == pytest.approx(33.3)
    assert _reach(large_young=181).unreached_large == ()
    lost = _matrix([[0, 2000], [600, 2000], [np.inf, 0], [2000, 2000]])
    far = _reach(to_stops=lost, to_fixed=_matrix([[2000], [2000], [np.inf], [300]]))
    assert far.unreached_large[0].nearest_regular_min is None
    assert far.to_json()["unreached_150"][0] == {
        "code": "C", "name": "Cluny", "young": 180.0, "nearest_regular_min": None,
    }  # fmt: skip


def test_driving_per_visit_and_expected_reperes() -> None:
    r = _reach()
    assert r.drive_h == pytest.approx(5 * 0.5)
    assert r.drive_per_visit_h == pytest.approx(0.5)
    assert r.expected_reperes == pytest.approx(4 * 2.0 + 1.0)
    # a commune without a rate counts for the mean rate
    assert _reach(rates={"A": 2.0, "B": 0.0}).expected_reperes == pytest.approx(4 * 2.0 + 1.0)
    line = r.to_json()
    assert line["regular_reach_pct"] == pytest.approx(100 * 460 / 640, abs=0.01)
    assert (line["reperes_label"], line["reperes_estimate"]) == ("données fictives", "essai")


def test_an_empty_plan_reaches_only_the_fixed_points() -> None:
    empty = _plan([])
    none = TravelMatrix.from_seconds(
        np.zeros((4, 0)), np.zeros((4, 0)), method="estimate", params={}
    )
    r = _reach(empty, to_stops=none, stop_ids=[])
    assert plan_stop_ids(empty) == []
    assert r.regular_share == r.any_share == r.fixed_share == pytest.approx(160 / YOUNG.sum())
    assert (r.visits, r.drive_per_visit_h, r.expected_reperes) == (0, None, 0.0)


def test_bad_inputs_get_a_french_message() -> None:
    with pytest.raises(InvalidProblemError, match=r"arrêts a la forme 4 x 2, attendu 4 x 3"):
        _reach(stop_ids=["A", "C", "X"])
    with pytest.raises(InvalidProblemError, match="Arrêts du plan absents de la matrice : C"):
        _reach(stop_ids=["A", "X"])
    with pytest.raises(InvalidProblemError, match=r"points de contact fixes a la forme 3 x 1"):
        _reach(to_fixed=_matrix([[1], [2], [3]]))
    with pytest.raises(InvalidProblemError, match="3 populations jeunes pour 4 codes"):
        _reach(young=YOUNG[:3])
    with pytest.raises(InvalidProblemError, match="Populations jeunes invalides"):
        _reach(young=np.array([1.0, -1.0, 0.0, 0.0]))
    with pytest.raises(InvalidProblemError, match="Nombre de bases invalide : 2 pour 1 points"):
        _reach(bases=2)
    with pytest.raises(InvalidProblemError, match="Temps d'accès invalide : 0 s"):
        _reach(access_s=0)


def test_expected_reperes_per_visit_replace_the_commune_rates() -> None:
    n = _reach().visits  # the number of visits of the tiny plan
    r = _reach(visit_rates=[0.5] * n)
    assert r.expected_reperes == pytest.approx(0.5 * n)
    with pytest.raises(InvalidProblemError, match="1 repérés attendus pour"):
        _reach(visit_rates=[1.0])
