"""The learning backtest on a small planted case: every method measured, ratios, errors."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from benchmarks import learning
from geo_data.demo import load_demo_territory
from planner.errors import InvalidProblemError


@pytest.fixture(scope="module")
def planted():
    marches = load_demo_territory("marches-de-bourgogne")
    history = learning.planted_activity(
        marches, end=date(2026, 6, 30), years=2, seed=3, places=12, sessions_per_year=150
    )
    return dataclasses.replace(marches, activity=history, activity_synthetic=True)


def test_backtest_measures_every_method_side_by_side(planted) -> None:
    lines = learning.backtest("petit", planted, cut=date(2025, 6, 30))
    assert [x["method"] for x in lines] == list(learning.METHODS)
    by = {x["method"]: x for x in lines}
    for x in lines:
        assert x["label"] == "données fictives" and x["cut"] == "2025-06-30"
        assert x["mae"] > 0 and x["deviance"] > 0 and x["test_sessions"] > 100
    assert by["population"]["mae_ratio_population"] == 1.0
    assert by["moyenne"]["deviance_ratio_mean"] == 1.0
    assert by["appris"]["mae_ratio_population"] == pytest.approx(
        by["appris"]["mae"] / by["population"]["mae"], abs=1e-3
    )
    # planted place effects and season: the learned values beat the population-only ones
    assert by["appris"]["deviance_ratio_population"] < 1
    table = learning.summary(lines)
    assert "petit" in table and "historique données fictives" in table and "EAM/pop" in table


def test_planted_history_is_seeded(planted) -> None:
    marches = load_demo_territory("marches-de-bourgogne")
    again = learning.planted_activity(
        marches, end=date(2026, 6, 30), years=2, seed=3, places=12, sessions_per_year=150
    )
    assert again.equals(planted.activity)


def test_a_cut_after_the_history_is_refused_in_french(planted) -> None:
    with pytest.raises(InvalidProblemError, match="Aucune séance après la date de coupure"):
        learning.backtest("petit", planted, cut=date(2026, 6, 30))


def test_scores_are_zero_for_a_perfect_forecast() -> None:
    import numpy as np

    got = learning.scores(np.array([2.0, 6.0]), np.array([1.0, 3.0]), np.array([2.0, 2.0]))
    assert got == {"mae": 0.0, "deviance": 0.0}
