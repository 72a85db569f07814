"""Expected repérés and contacts per session: shrinkage, population prior, season, approach."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from planner.coverage.activity import prior_weight
from planner.coverage.expected import (
    APPROACHES,
    FALLBACK_METHOD,
    METHOD,
    ExpectedSettings,
    _pieces,
    fit_expected,
)
from planner.errors import InvalidProblemError
from planner.territory import ACTIVITY_COLUMNS

VAN = "vehicule_itinerant"


def rows(commune: str, per_session: list[int], *, start: date, approach: str = VAN) -> list[dict]:
    """One row per session, a week apart."""
    return [
        {
            "period_start": start + timedelta(days=7 * i),
            "period_end": start + timedelta(days=7 * i),
            "place_id": f"p-{commune}",
            "commune": commune,
            "approach": approach,
            "sessions": 1,
            "contacts": 2 * r,
            "reperes": r,
            "mobilises": 0,
        }  # fmt: skip
        for i, r in enumerate(per_session)
    ]


def frame(*parts: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([r for p in parts for r in p], columns=list(ACTIVITY_COLUMNS))


#: four places whose repérés per session follow sqrt(young): 50, 100, 200, 400 young people
SIZES = {"p50": 50.0, "p100": 100.0, "p200": 200.0, "p400": 400.0}
START = date(2024, 1, 1)


def sized_history() -> list[dict]:
    out: list[dict] = []
    for code, young in SIZES.items():
        rate = 2 * np.sqrt(young / 100)
        # alternate floor / ceil so that the mean is close to the rate
        per = [int(np.floor(rate)) if i % 2 else int(np.ceil(rate)) for i in range(20)]
        out += rows(code, per, start=START)
    return out


def fit(activity: pd.DataFrame, codes: dict[str, float], **settings):
    return fit_expected(
        activity, codes=list(codes), young=list(codes.values()), label="données réelles",
        settings=ExpectedSettings(**settings) if settings else None,
    )  # fmt: skip


def rate(model, code: str, month: int = 3, approach: str = VAN) -> float:
    return float(model.predict([code], [month], [approach])[0][0])


def test_few_sessions_stay_near_the_prior_many_follow_the_record():
    codes = {"hot": 100.0, **SIZES}
    one = fit(frame(sized_history(), rows("hot", [10], start=START)), codes)
    prior = float(one.reperes.prior_rate[0])
    assert 1.5 < prior < 2.5  # a place of 100 young people: about 2 per session, like p100
    assert prior < rate(one, "hot") < (prior + 10) / 2  # one good afternoon moves it a little
    many = fit(frame(sized_history(), rows("hot", [10] * 40, start=START)), codes)
    assert rate(many, "hot") > 8  # a repeated pattern wins
    assert one.method == METHOD and one.label == "données réelles"


def test_a_large_silent_town_beats_a_hamlet_until_the_hamlet_has_a_strong_history():
    codes = {"village": 20.0, "town": 500.0, **SIZES}
    few = fit(frame(sized_history(), rows("village", [8], start=START)), codes)
    assert 0 < few.reperes.young_exponent <= 1
    # one good session: the population still decides
    assert rate(few, "town") > 1.5 * rate(few, "village")
    strong = fit(frame(sized_history(), rows("village", [8] * 40, start=START)), codes)
    assert rate(strong, "village") > 1.5 * rate(strong, "town")
    # the contacts follow the same learning
    assert (
        strong.predict(["village"], [3], [VAN])[1][0] > strong.predict(["town"], [3], [VAN])[1][0]
    )


def test_linear_prior_is_a_rate_per_young_person():
    model = fit(frame(sized_history()), {"hamlet": 10.0, **SIZES}, young_exponent=1.0)
    r = model.reperes
    assert r.young_exponent == 1.0
    assert r.prior_rate[0] == pytest.approx(r.rate_per_young * 10)
    assert r.prior_rate[-1] == pytest.approx(40 * r.prior_rate[0])


def seasonal_history(boost: dict[int, float]) -> list[dict]:
    """Five places of 100 young people, 3 years, 4 sessions a month each, 2 per session times
    the month's boost (an aggregated row per place and month)."""
    out = []
    for code in ("a", "b", "c", "d", "e"):
        for year in (2021, 2022, 2023):
            for month in range(1, 13):
                day = date(year, month, 10)
                r = round(4 * 2 * boost.get(month, 1.0))
                out.append({
                    "period_start": day, "period_end": day, "place_id": code, "commune": code,
                    "approach": VAN, "sessions": 4, "contacts": 2 * r, "reperes": r, "mobilises": 0,
                })  # fmt: skip
    return out


def test_seasonality_is_learned_from_a_seasonal_history():
    codes = dict.fromkeys("abcde", 100.0)
    model = fit(frame(seasonal_history({9: 2.0, 10: 1.5, 6: 1.5, 7: 0.5, 8: 0.5})), codes)
    s = model.reperes.month_factor
    assert s[8] > 1.5 and s[9] > 1.2 and s[5] > 1.2  # September, October, June
    assert s[6] < 0.7 and s[7] < 0.7  # July, August
    assert np.argmax(s) == 8
    assert rate(model, "a", month=9) > 2 * rate(model, "a", month=7)
    flat = fit(frame(seasonal_history({})), codes).reperes.month_factor
    assert np.allclose(flat, 1.0, atol=0.02)  # nothing to learn: every month stays at 1


def test_approach_factor_is_learned_and_shrunk_towards_one():
    codes = dict.fromkeys("abcde", 100.0)
    history = [r for c in codes for r in rows(c, [2] * 30, start=START)]
    history += [r for c in codes for r in rows(c, [5] * 30, start=START, approach="maraude")]
    history += rows("a", [9], start=START, approach="evenements")  # one session only
    f = dict(zip(APPROACHES, fit(frame(history), codes).reperes.approach_factor, strict=True))
    assert f["maraude"] > 1.3 * f[VAN]
    assert 1 <= f["evenements"] < 1.2  # a single event hardly moves its factor
    assert f["reseaux_sociaux"] == 1.0  # never seen


def test_no_history_uses_the_default_prior_in_proportion_to_young_people():
    model = fit(pd.DataFrame(columns=list(ACTIVITY_COLUMNS)), {"a": 50.0, "b": 150.0})
    assert model.method == FALLBACK_METHOD and model.history_sessions == 0
    reperes, contacts = model.predict(["a", "b"], [9, 9], [VAN, VAN])
    assert reperes.mean() == pytest.approx(2.0) and reperes[1] == pytest.approx(3 * reperes[0])
    assert contacts == pytest.approx(1.5 * reperes)


def test_a_period_over_two_months_counts_in_both():
    df = frame(rows("a", [4], start=date(2024, 1, 1)))
    df.loc[0, "period_end"] = date(2024, 2, 29)  # 31 days of January, 29 of February
    _, months, _, n, counts = _pieces(df, ("a",))
    assert list(months) == [0, 1] and n == pytest.approx([31 / 60, 29 / 60])
    assert counts["reperes"].sum() == pytest.approx(4)


def test_dispersion_lowers_what_groups_seem_to_differ():
    n, y, mu = np.array([10.0, 10, 10]), np.array([10.0, 20, 30]), np.full(3, 2.0)
    poisson = prior_weight(n, y, mu, low=1e-9, cap=1e9)
    assert prior_weight(n, y, mu, low=1e-9, cap=1e9, dispersion=4) > poisson
    assert poisson == pytest.approx(60 / (10 * (1 + 0 + 1) - 6))  # sum(n mu) / (S - sum(mu))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"young": [1.0]}, "2 communes mais 1 populations jeunes"),
        ({"young": [-1.0, 5.0]}, "Populations jeunes invalides"),
        ({"young": [0.0, 0.0]}, "Populations jeunes invalides"),
        ({"codes": ["a", "zz"]}, "Activité pour des communes inconnues : b"),
    ],
)
def test_bad_inputs_give_french_errors(kwargs, message):
    args = {"codes": ["a", "b"], "young": [10.0, 20.0]} | kwargs
    with pytest.raises(InvalidProblemError, match=message):
        fit_expected(frame(rows("b", [1], start=START)), label="x", **args)


def test_unknown_approach_in_history_is_refused():
    with pytest.raises(InvalidProblemError, match="Démarche\\(s\\) inconnue\\(s\\).*camion"):
        fit(frame(rows("a", [1], start=START, approach="camion")), {"a": 10.0})


@pytest.mark.parametrize(
    ("codes", "months", "approaches", "message"),
    [
        (["x"], [1], [VAN], "Commune\\(s\\) inconnue\\(s\\) du territoire : x"),
        (["a"], [13], [VAN], "Mois invalide : 13"),
        (["a"], [1], ["van"], "Démarche inconnue : van"),
    ],
)
def test_bad_questions_give_french_errors(codes, months, approaches, message):
    model = fit(frame(rows("a", [1], start=START)), {"a": 10.0})
    with pytest.raises(InvalidProblemError, match=message):
        model.predict(codes, months, approaches)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"young_exponent": 2.0}, "Exposant de la population jeune hors bornes : 2.0"),
        ({"min_factor_sessions": 50.0, "max_factor_sessions": 10.0}, "facteurs de mois"),
        ({"iterations": 0}, "Réglages du calage invalides : 0 itérations"),
    ],
)
def test_bad_settings_give_french_errors(kwargs, message):
    with pytest.raises(InvalidProblemError, match=message):
        ExpectedSettings(**kwargs)
