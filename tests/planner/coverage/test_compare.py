from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.coverage import (
    SECRET,
    SMALL,
    compare_territories,
    indicators_from_territory,
    suppress_frame,
    territory_indicators,
)
from planner.coverage.indicators import weighted_percentile
from planner.errors import InvalidProblemError

from .conftest import matrix, read_activity

TODAY = date(2025, 6, 30)


def test_weighted_percentile():
    v = np.array([10.0, 20.0, 30.0, np.nan])
    assert weighted_percentile(v, np.array([1.0, 1.0, 8.0, 5.0]), 0.9) == 30.0
    assert weighted_percentile(v, np.array([9.0, 1.0, 0.0, 1.0]), 0.9) == 10.0


def test_indicators_from_territory(tiny):
    tiny.activity = read_activity("activity_ok.csv")
    fixed = matrix(np.array([[300.0], [1500.0], [2400.0], [np.inf]]))  # 5, 25, 40 min, none
    stops = matrix(np.array([[600.0], [1100.0], [1300.0], [1000.0]]))
    ind = indicators_from_territory(
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


def row(tid: str, **counts):
    base = dict(sessions=40, contacts=60, reperes=30, mobilises=12) | counts
    return territory_indicators(
        tid, tid.upper(), young=[500, 300], frr_class=["non_classee", "frr_plus"],
        qpv_codes=[["Q1"], []], fixed_times=[600, 2400], van_times=[900, 900],
        stop_types=["mairie", "mairie"], activity_totals=base, sessions_planned=44,
        km_driven=400.0, activity_label="données fictives",
    )  # fmt: skip


def test_compare_suppresses_small_counts_with_complement():
    table = compare_territories([row("a"), row("b", mobilises=4), row("c", mobilises=20)])
    f = table.frame.set_index("territory_id")
    assert f.loc["b", "mobilises"] == SMALL
    assert f.loc["a", "mobilises"] == SMALL  # complementary: total would reveal b
    assert f.loc["c", "mobilises"] == 20 and f.loc["region", "mobilises"] == 36
    assert f.loc["b", "mobilises_per_half_day"] == SECRET
    assert f.loc["b", "reperes"] == 30
    assert f.loc["b", "stops_mairie"] == SMALL and f.loc["b", "communes"] == SMALL  # any count
    assert f.loc["region", "share_20min_with_van"] == 1.0
    assert any("données fictives" in n for n in table.notes)
    payload = json.loads(json.dumps(table.to_json_dict()))
    assert payload["territories"][1]["mobilises"] == "< 11"
    assert payload["territories"][3]["p90_access_min_fixed"] is None


def test_compare_without_total_has_no_complement():
    table = compare_territories([row("a"), row("b", sessions=3)], with_total=False)
    f = table.frame.set_index("territory_id")
    assert f.loc["b", "sessions_delivered"] == SMALL and f.loc["a", "sessions_delivered"] == 40
    assert f.loc["b", "reperes_per_half_day"] == SECRET
    assert "region" not in f.index


def test_compare_bad_inputs():
    with pytest.raises(InvalidProblemError, match="Aucun territoire"):
        compare_territories([])
    with pytest.raises(InvalidProblemError, match="en double dans la comparaison : a"):
        compare_territories([row("a"), row("a")])


def test_suppress_frame_zero_and_nan():
    df = pd.DataFrame({"n": [0, 11, np.nan], "r": [1.0, 2.0, 3.0]})
    out = suppress_frame(df, count_columns=["n"], derived={"r": ["n"]})
    assert out["n"].tolist()[:2] == [SMALL, 11] and np.isnan(out["n"].iloc[2])
    assert out["r"].tolist() == [SECRET, 2.0, 3.0]


def test_indicator_bad_inputs(tiny):
    with pytest.raises(InvalidProblemError, match="aucune population jeune"):
        territory_indicators(
            "z", "Z", young=[0, 0], frr_class=["non_classee"] * 2, qpv_codes=[[], []],
            fixed_times=[1, 2],
        )  # fmt: skip
    with pytest.raises(InvalidProblemError, match="3 valeurs pour 2"):
        territory_indicators(
            "z", "Z", young=[1, 2], frr_class=["non_classee"] * 2, qpv_codes=[[], []],
            fixed_times=[1, 2, 3],
        )  # fmt: skip
    with pytest.raises(InvalidProblemError, match="2 colonnes pour 1 arrêts"):
        indicators_from_territory(
            tiny, matrix(np.ones((4, 1))), stop_matrix=matrix(np.ones((4, 2))), stop_ids=["p1"],
            today=TODAY,
        )  # fmt: skip
