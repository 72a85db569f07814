from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from planner.coverage import (
    ActivitySettings,
    maximal_covering,
    smoothed_rates,
    validate_activity,
)
from planner.coverage.activity import fit_prior
from planner.errors import InvalidProblemError, InvalidTerritoryError
from planner.workflows.coverage import coverage_problem
from planner.workflows.need import need_table

from .conftest import matrix, read_activity

TODAY = date(2025, 12, 31)
PLACES = ["p1", "p2", "p3", "p4"]
CODES = ["21001", "21002", "21003", "21004"]
RAW = ActivitySettings(min_prior_sessions=1e-9, max_prior_sessions=1e-9)  # no smoothing


def sessions(place: str, reperes: list[int], start: date) -> list[dict]:
    commune = CODES[PLACES.index(place)]
    return [
        {
            "period_start": start + timedelta(days=7 * i),
            "period_end": start + timedelta(days=7 * i),
            "place_id": place,
            "commune": commune,
            "approach": "vehicule_itinerant",
            "sessions": 1,
            "contacts": r,
            "reperes": r,
            "mobilises": r // 3,
        }  # fmt: skip
        for i, r in enumerate(reperes)
    ]


HISTORY = [row for p in PLACES for row in sessions(p, [2, 2, 2, 2], date(2024, 1, 2))]


def test_validate_activity_ok_and_types():
    df = validate_activity(read_activity("activity_ok.csv"), known_places=PLACES, today=TODAY)
    assert df["sessions"].dtype == np.int64 and df["period_end"].iloc[0] == date(2025, 1, 7)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("activity_unknown_place.csv", {"known_places": PLACES}, "lieux inconnus.*p9"),
        ("activity_unknown_commune.csv", {"known_communes": CODES}, "communes inconnus.*99999"),
        ("activity_future.csv", {}, r"1 ligne\(s\) d'activité datée\(s\) dans le futur"),
    ],
)
def test_bad_activity_files(name, kwargs, message):
    with pytest.raises(InvalidTerritoryError, match=message):
        validate_activity(read_activity(name), today=TODAY, **kwargs)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("reperes", -1, "Comptes invalides dans « reperes »"),
        ("sessions", 1.5, "Comptes invalides dans « sessions »"),
        ("mobilises", 99, "plus de mobilisés que de repérés"),
        ("period_start", "2025-02-01", "fin avant début"),
    ],
)
def test_bad_counts_and_dates(column, value, message):
    df = read_activity("activity_ok.csv")
    df[column] = df[column].astype(object)
    df.loc[0, column] = value
    with pytest.raises(InvalidTerritoryError, match=message):
        validate_activity(df, today=TODAY)


def test_missing_columns():
    with pytest.raises(InvalidTerritoryError, match="manquantes : reperes"):
        validate_activity(read_activity("activity_ok.csv").drop(columns="reperes"), today=TODAY)


def test_gamma_poisson_posterior_and_moments():
    n = np.array([10, 10, 10, 10])
    y = np.array([0, 10, 20, 50])
    prior = fit_prior(n, y, settings=ActivitySettings())
    m = y.sum() / n.sum()
    s2 = (n * (y / n - m) ** 2).sum() / n.sum()
    expected_beta = np.clip(m / (s2 - m / n.mean()), 5, 20)
    assert prior.beta == pytest.approx(expected_beta) and prior.mean == pytest.approx(m)
    df = pd.DataFrame(
        [r for p, k in zip(PLACES, y, strict=True) for r in sessions(p, [k] + [0] * 9, TODAY)]
    )
    rates = smoothed_rates(df, keys=PLACES + ["p5"])
    frame = rates.frame
    np.testing.assert_allclose(frame["smoothed_rate"][:4], (prior.alpha + y) / (prior.beta + n))
    assert frame.loc["p5", "smoothed_rate"] == pytest.approx(prior.mean)  # never visited
    assert np.isnan(frame.loc["p5", "raw_rate"])


def test_fallback_prior_with_few_places_and_bad_settings():
    prior = fit_prior(np.array([3]), np.array([9]), settings=ActivitySettings())
    assert (prior.mean, prior.beta, prior.method) == (2.0, 3.0, "a priori par défaut")
    with pytest.raises(InvalidProblemError, match="Réglages de lissage invalides"):
        ActivitySettings(min_prior_sessions=30, max_prior_sessions=20)
    with pytest.raises(InvalidProblemError, match="Regroupement inconnu"):
        smoothed_rates(pd.DataFrame(HISTORY), by="epci")


# ----- learning: where young people are found ------------------------------------------


@pytest.fixture
def flat(tiny):
    """Same FRR, no QPV, same remoteness; young 300 > 290 > 280 > 270 decides the ranking."""
    tiny.communes["young"] = [300.0, 290.0, 280.0, 270.0]
    tiny.communes["frr_class"] = "non_classee"
    tiny.communes["qpv"] = False
    tiny.partners = tiny.partners.loc[PLACES]
    return tiny


def ranking(territory, extra: list[dict], settings: ActivitySettings | None = None):
    territory.activity = pd.DataFrame(HISTORY + extra)
    fixed = matrix(np.full((4, 1), 1200.0))
    table = need_table(territory, fixed, activity_settings=settings, today=TODAY)
    return table, table.frame["rank"].tolist()


def next_stop(territory, table) -> str:
    """The plan's first candidate: MCLP k=1 on need weights, each stop covers its commune."""
    pos = np.arange(4) * 600.0
    tm = matrix(np.abs(pos[:, None] - pos[None, :]) + 60.0)
    problem = coverage_problem(territory, tm, site_ids=PLACES, weights=table.coverage_weights())
    return maximal_covering(problem, k=1, within=300).selected_ids[0]


def test_repeated_good_sessions_raise_a_stop_and_change_the_plan(flat):
    table, before = ranking(flat, [])
    assert before == [1, 2, 3, 4] and next_stop(flat, table) == "p1"
    table, after = ranking(flat, sessions("p4", [6] * 10, date(2025, 1, 7)))
    assert after[3] == 1  # p4 rose from last to first
    assert next_stop(flat, table) == "p4"


def test_repeated_empty_sessions_lower_a_stop(flat):
    _, after = ranking(flat, sessions("p1", [0] * 10, date(2025, 1, 7)))
    assert after[0] == 4  # p1 fell from first to last


def test_single_session_does_not_flip_the_ranking(flat):
    one_great = sessions("p4", [12], date(2025, 1, 7))
    one_empty = sessions("p1", [0], date(2025, 1, 7))
    # one great afternoon at p4 (last): it may pass its neighbour, not the leader p1
    _, smoothed = ranking(flat, one_great)
    _, raw = ranking(flat, one_great, RAW)
    assert smoothed[0] == 1 and smoothed[3] > 1
    assert raw[3] == 1  # without smoothing, one afternoon would put p4 first
    # one empty afternoon at the leader p1 does not dethrone it
    _, smoothed = ranking(flat, one_empty)
    _, raw = ranking(flat, one_empty, RAW)
    assert smoothed == [1, 2, 3, 4]
    assert raw[0] > 1
