from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.coverage import (
    SyntheticSettings,
    synthetic_activity,
)
from planner.errors import InvalidProblemError

END = date(2025, 6, 30)


def test_calibrated_on_milolab_totals():
    # Average over many seeds: 5,133 / 23 / 3.5 = 63.8 repérés per ML and year, 35.8 % mobilisés
    totals = []
    for seed in range(200):
        df = synthetic_activity(
            ["a", "b"], communes=["1", "2"], young=[100, 400], frr_class=["non_classee"] * 2,
            qpv=[False, True], start=date(2024, 1, 1), end=date(2024, 12, 31), seed=seed,
        )  # fmt: skip
        totals.append(df[["reperes", "mobilises"]].sum())
    mean = np.mean([t["reperes"] for t in totals])
    share = sum(t["mobilises"] for t in totals) / sum(t["reperes"] for t in totals)
    assert mean == pytest.approx(5133 / 23 / 3.5, rel=0.08)
    assert share == pytest.approx(1840 / 5133, abs=0.03)


def test_more_found_where_need_says_so():
    df = synthetic_activity(
        ["small", "big_qpv"], communes=["1", "2"], young=[50, 800],
        frr_class=["non_classee", "non_classee"], qpv=[False, True],
        start=date(2020, 1, 1), end=date(2024, 12, 31), seed=1,
    )  # fmt: skip
    per_session = df.groupby("place_id")["reperes"].mean()
    assert per_session["big_qpv"] > 2 * per_session["small"]


def test_bad_inputs():
    with pytest.raises(InvalidProblemError, match="hors bornes"):
        SyntheticSettings(p_empty=1.0)
    with pytest.raises(InvalidProblemError, match="Aucune population jeune"):
        synthetic_activity(
            ["a"], communes=["1"], young=[0], frr_class=["non_classee"], qpv=[False],
            start=END, end=END, seed=1,
        )  # fmt: skip
