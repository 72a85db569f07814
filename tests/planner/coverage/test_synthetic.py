from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.coverage import (
    SyntheticSettings,
    synthetic_activity,
)
from planner.coverage.synthetic import APPROACH_FACTOR, SEASON
from planner.errors import InvalidProblemError
from planner.taxonomy import Approach

END = date(2025, 6, 30)
#: no place effect and no season: only the population/FRR/QPV part of the attractiveness
PLAIN = SyntheticSettings(place_sd=0.0, season=(1.0,) * 12)
#: many sessions, little noise: the counts show the expected values
SHARP = {"sessions_per_year": 3000, "reperes_per_year": 30_000, "p_empty": 0.0, "dispersion": 50}


def _flat(n: int, *, years: int, seed: int, settings: SyntheticSettings) -> pd.DataFrame:
    """``n`` places of equal population, ``years`` years ending on 30 June 2025."""
    return synthetic_activity(
        [f"p{i}" for i in range(n)], communes=[str(i) for i in range(n)], young=[50.0] * n,
        frr_class=["non_classee"] * n, qpv=[False] * n, start=date(2025 - years, 7, 1),
        end=END, seed=seed, settings=settings,
    )  # fmt: skip


def test_calibrated_on_milolab_totals():
    # Average over many seeds: 5,133 / 23 / 3.5 = 63.8 repérés per ML and year, 35.8 % mobilisés,
    # place effects, season and approach factors included
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


def test_sessions_a_year_and_the_same_seed_gives_the_same_table():
    one = _flat(40, years=2, seed=4, settings=SyntheticSettings())
    assert len(one) == 240  # 120 half-days a year (3 a week over 40 weeks) x 2 years
    assert one.equals(_flat(40, years=2, seed=4, settings=SyntheticSettings()))
    assert not one.equals(_flat(40, years=2, seed=5, settings=SyntheticSettings()))


def test_more_found_where_need_says_so():
    df = synthetic_activity(
        ["small", "big_qpv"], communes=["1", "2"], young=[50, 800],
        frr_class=["non_classee", "non_classee"], qpv=[False, True],
        start=date(2020, 1, 1), end=date(2024, 12, 31), seed=1, settings=PLAIN,
    )  # fmt: skip
    per_session = df.groupby("place_id")["reperes"].mean()
    assert per_session["big_qpv"] > 2 * per_session["small"]


def test_sessions_concentrate_on_regular_stops_chosen_by_attractiveness():
    n = 200
    young = np.r_[np.full(20, 2000.0), np.full(n - 20, 20.0)]
    df = synthetic_activity(
        [f"p{i}" for i in range(n)], communes=[str(i) for i in range(n)], young=young,
        frr_class=["non_classee"] * n, qpv=[False] * n, start=date(2021, 7, 1), end=END,
        seed=2, settings=SyntheticSettings(place_sd=0.0),
    )  # fmt: skip
    visits = df["place_id"].value_counts()
    regular = visits.index[:9]  # 0.75 x 120 / 10 visits a year
    assert visits.iloc[:9].sum() / len(df) == pytest.approx(0.75, abs=0.04)
    assert visits.iloc[8] >= 25 and visits.iloc[9] <= 8  # a clear cut: ~40 vs ~1 visits
    # the 20 big towns (10 % of the places) are 10 times as attractive: the regular stops are
    # among them (perceived with a lognormal error of log-sd 0.5, far below a factor of 10)
    assert all(int(p[1:]) < 20 for p in regular)
    # the rest explores uniformly: 120 sessions over 191 places reach about 1 - exp(-120/191)
    # = 47 % of them in four years
    assert (len(visits) - 9) / (n - 9) == pytest.approx(1 - np.exp(-120 / 191), abs=0.08)


def test_a_place_keeps_its_own_effect_from_one_year_to_the_next():
    # 40 places of equal population, a large volume so that counts show the rates
    def yearly_rates(place_sd: float) -> pd.DataFrame:
        settings = SyntheticSettings(
            place_sd=place_sd, regular_share=0.0, season=(1.0,) * 12, **SHARP
        )
        df = _flat(40, years=2, seed=7, settings=settings)
        year = np.where(pd.to_datetime(df["period_start"]) < pd.Timestamp(2024, 7, 1), 0, 1)
        return df.assign(year=year).groupby(["place_id", "year"])["reperes"].mean().unstack()

    with_effects = yearly_rates(0.6)
    assert with_effects[0].corr(with_effects[1]) > 0.7
    spread = with_effects.mean(axis=1)
    assert spread.std() / spread.mean() > 0.4  # log-sd 0.6: a spread of about 0.65
    without = yearly_rates(0.0)
    assert abs(without[0].corr(without[1])) < 0.4
    assert without.mean(axis=1).std() / without.mean(axis=1).mean() < 0.3


def test_season_and_approach_follow_the_assumed_factors():
    settings = SyntheticSettings(place_sd=0.0, **SHARP)
    df = _flat(30, years=4, seed=3, settings=settings)
    month = pd.to_datetime(df["period_start"]).dt.month
    per_month = df.groupby(month)["reperes"].mean()
    # start and end of the school year best, summer and December weakest
    ratio = per_month / per_month.mean()
    expected = pd.Series(SEASON, index=range(1, 13))
    assert (ratio / (expected / expected[per_month.index].mean())).between(0.85, 1.15).all()
    assert per_month[[9, 10, 5, 6]].mean() > 1.6 * per_month[[7, 8, 12]].mean()
    # fewer sessions in August (staff leave): about 0.4 of a month's weekdays
    sessions = month.value_counts()
    assert sessions[8] < 0.6 * sessions[[9, 10, 11]].mean()
    per_approach = df.groupby("approach")["reperes"].mean()
    van = per_approach[Approach.VEHICULE_ITINERANT.value]
    for approach, factor in APPROACH_FACTOR.items():
        assert per_approach[approach.value] / van == pytest.approx(factor, rel=0.15)


def test_a_single_place_has_every_session():
    df = _flat(1, years=1, seed=0, settings=SyntheticSettings())
    assert set(df["place_id"]) == {"p0"} and len(df) == 120


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("p_empty", 1.0, r"p_empty = 1.0 \(attendu entre 0 et 1 exclu\)"),
        ("place_sd", -0.1, r"place_sd = -0.1 \(attendu entre 0 et 3\)"),
        ("regular_visits", 0.0, r"regular_visits = 0.0 \(attendu > 0\)"),
        ("regular_share", 1.5, r"regular_share = 1.5 \(attendu entre 0 et 1\)"),
        ("perception_sd", 4.0, r"perception_sd = 4.0 \(attendu entre 0 et 3\)"),
        ("season", (1.0,) * 11, r"season = .* \(attendu 12 facteurs > 0, janvier d'abord\)"),
        ("season", (0.0,) + (1.0,) * 11, r"attendu 12 facteurs > 0"),
    ],
)
def test_bad_settings_say_which_in_french(field, value, match):
    with pytest.raises(InvalidProblemError, match="hors bornes") as err:
        SyntheticSettings(**{field: value})
    assert err.match(match)
    assert "un facteur de saison par mois" in err.value.hint


def test_bad_inputs():
    with pytest.raises(InvalidProblemError, match="Aucune population jeune"):
        synthetic_activity(
            ["a"], communes=["1"], young=[0], frr_class=["non_classee"], qpv=[False],
            start=END, end=END, seed=1,
        )  # fmt: skip
    with pytest.raises(InvalidProblemError, match="Aucun lieu"):
        synthetic_activity(
            [], communes=[], young=[], frr_class=[], qpv=[], start=END, end=END, seed=1
        )
    with pytest.raises(InvalidProblemError, match="une commune, une population jeune"):
        synthetic_activity(
            ["a", "b"], communes=["1"], young=[3, 4], frr_class=["non_classee"] * 2,
            qpv=[False] * 2, start=END, end=END, seed=1,
        )  # fmt: skip
    with pytest.raises(InvalidProblemError, match="Période sans jour ouvré"):
        synthetic_activity(
            ["a"], communes=["1"], young=[3], frr_class=["non_classee"], qpv=[False],
            start=date(2025, 6, 28), end=date(2025, 6, 29), seed=1,
        )  # fmt: skip
