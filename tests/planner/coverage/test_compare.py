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
    suppress_frame,
    territory_indicators,
)
from planner.coverage.indicators import weighted_percentile
from planner.coverage.suppression import SECONDARY
from planner.errors import InvalidProblemError

TODAY = date(2025, 6, 30)


def test_weighted_percentile():
    v = np.array([10.0, 20.0, 30.0, np.nan])
    assert weighted_percentile(v, np.array([1.0, 1.0, 8.0, 5.0]), 0.9) == 30.0
    assert weighted_percentile(v, np.array([9.0, 1.0, 0.0, 1.0]), 0.9) == 10.0


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
    assert f.loc["a", "mobilises"] == SECONDARY  # total would reveal b; 12 is not "< 11"
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


def test_indicator_bad_inputs():
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


def test_legend_classes_cover_the_values_in_order():
    from planner.coverage.comparison_labels import class_of, legend_classes

    values = [83.8, 90.2, 95.0, 99.7, 100.0, 61.5]
    classes = legend_classes(values, digits=1, unit="%")
    assert len(classes) == 5 and classes[0]["label"].startswith("61,5 – ")
    assert classes[-1]["label"].endswith(" – 100,0 %")
    assert [class_of(v, classes) for v in sorted(values)] == sorted(
        class_of(v, classes) for v in values
    )
    assert class_of(61.5, classes) == 0 and class_of(100.0, classes) == 4
    assert legend_classes([100.0, 100.0], digits=1, unit="%")[0]["label"] == "100,0 %"
    assert legend_classes([], digits=0, unit="") == []
