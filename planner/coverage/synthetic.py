"""Seeded synthetic activity history for the demo territories ("données fictives").

Real activity belongs to each Mission Locale and is not public, so the demo uses this
generator; a user's real activity file replaces it, and every output built on it carries the
label :data:`~planner.coverage.need.SYNTHETIC_LABEL`. It is built to look like the practice
the field report describes (a Mission Locale returns to its good places, the start and the end
of the school year are the best periods), so that what a model learns from it is something a
real history could also teach; every number below that is not a Milo'Lab total is an
assumption of this generator, not a measurement.

Method (all draws from one ``numpy.random.Generator`` seeded by ``seed``)
--------------------------------------------------------------------------
1. Attractiveness of a place: ``a = sqrt(young / mean young) x (1 + frr_boost x FRR score)
   x (qpv_boost if QPV else 1) x u``: more young people found where the estimated young
   population, the FRR class and a QPV say so, times the place's own effect ``u``, drawn once
   per place, lognormal of mean 1 and log-sd ``place_sd`` (0.6: one place in six is better than
   1.8 times, or worse than 0.55 times, what its population says; some villages are good spots
   (a market, a school bus stop), some towns are poor ones).
2. Where: a session is at one of the Mission Locale's regular stops with probability
   ``regular_share`` (0.75; uniform among them), otherwise it explores a place drawn uniformly
   among the others. A regular stop is visited about ``regular_visits`` times a year (10:
   monthly outside the summer, the least frequent presence the field calls regular), so there
   are ``k = round(regular_share x sessions_per_year / regular_visits)`` of them (9 at the
   defaults; at most half the places), chosen once and kept over the whole history: the ``k``
   places of highest ``a x e``, where ``e`` is lognormal of log-sd ``perception_sd`` (0.5), the
   Mission Locale's imperfect knowledge of where young people are found. So a place's chance
   to be a regular stop grows with its attractiveness: mostly the towns, plus the villages
   that are good spots, not a hamlet of ten young people.
3. When: ``sessions_per_year x years`` half-day sessions on weekdays between ``start`` and
   ``end``, at a steady rhythm (evenly spaced over the weekdays, after one random offset), a
   weekday counting :data:`MONTH_SESSION_WEIGHT` of its month (fewer sessions in August and
   December: staff leave, holidays). ``sessions_per_year = 120``: a van out about 3 half-days
   a week over 40 weeks (an assumption: no published figure gives the sessions per year).
4. Approach: drawn from :data:`APPROACH_MIX`; its effect :data:`APPROACH_FACTOR` is mild
   (0.9 to 1.2).
5. Calibration: the expected repérés of session *s* are
   ``lambda_s = total x w_s / sum(w)`` with ``w_s = a[place_s] x season[month_s] x
   approach_factor[approach_s]`` and ``total = reperes_per_year x years``:
   ``reperes_per_year = 5,133 / 23 / 3.5 ~ 63.8``, the Milo'Lab regional totals (5,133 repérés,
   1,840 mobilisés, 23 Missions Locales, 2020-2023, three and a half years) per Mission Locale
   and year. More sessions share the same yearly total (about 0.5 repérés a session).
   ``season`` (:data:`SEASON`, January first) follows the field report ("the start and the end
   of the school year are the best periods"): September-October and May-June 1.3-1.4,
   July-August and December 0.6-0.8, the rest near 1 (assumed factors).
6. Noise: a session is empty (nobody met) with probability ``p_empty``; otherwise repérés follow
   a negative binomial (gamma-Poisson, dispersion ``dispersion``) of mean
   ``lambda_s / (1 - p_empty)``, so the expectation stays calibrated. Contacts are repérés plus
   a Poisson number of already-known young people (mean ``known_ratio x lambda_s``); mobilisés
   are binomial among repérés with probability ``1,840 / 5,133 ~ 0.358``.

The demo pack (``geo_data/build_demo.py``) holds two school years of it: a backtest (history
up to a date, the sessions after it to predict) then learns on more than a year, seasons
included, and predicts about 40 sessions of the last four months.

What can be learned from it: the volume is the Milo'Lab one, about 64 repérés a year, so a
regular stop shows some ten repérés in two years and four test months hold about 25. Sessions
are noisy (a quarter empty, negative binomial), so even the true ``lambda_s`` beat the
population-only expectation by only about 5 % (mean absolute error) and 10 % (Poisson deviance)
on such a backtest: a learned model can win at most that much on this demo, and the order of
two methods changes with the seed. A larger gain needs a larger history, not another generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from planner.coverage.need import FRR_SCORES
from planner.errors import InvalidProblemError
from planner.taxonomy import Approach, FrrClass
from planner.territory import ACTIVITY_COLUMNS

MILOLAB_REPERES = 5_133
MILOLAB_MOBILISES = 1_840
MILOLAB_MISSIONS = 23
MILOLAB_YEARS = 3.5
APPROACH_MIX: dict[Approach, float] = {
    Approach.VEHICULE_ITINERANT: 0.50,
    Approach.LIEU_TIERS: 0.20,
    Approach.ACTEURS_PROXIMITE: 0.15,
    Approach.MARAUDE: 0.10,
    Approach.EVENEMENTS: 0.05,
}
#: repérés of a session by approach, relative to the van (assumption, mild): a partner's
#: premises meet the partner's public, local actors and maraudes bring young people the van
#: alone does not see, an event gathers many
APPROACH_FACTOR: dict[Approach, float] = {
    Approach.VEHICULE_ITINERANT: 1.0,
    Approach.LIEU_TIERS: 0.9,
    Approach.ACTEURS_PROXIMITE: 1.1,
    Approach.MARAUDE: 1.1,
    Approach.EVENEMENTS: 1.2,
}
#: repérés of a session by month, January first (assumption from the field report: the start
#: and the end of the school year are the best periods; summer and the December holidays the
#: weakest)
SEASON: tuple[float, ...] = (0.9, 1.0, 1.0, 1.0, 1.3, 1.3, 0.8, 0.6, 1.4, 1.3, 1.0, 0.7)
#: how often a weekday of the month gets a session, January first (assumption: staff leave in
#: August, holidays at the end of December)
MONTH_SESSION_WEIGHT: tuple[float, ...] = (1, 1, 1, 1, 1, 1, 1, 0.4, 1, 1, 1, 0.7)


@dataclass(frozen=True)
class SyntheticSettings:
    """Parameters of the generator (see the module docstring); defaults are the calibration."""

    reperes_per_year: float = MILOLAB_REPERES / MILOLAB_MISSIONS / MILOLAB_YEARS
    mobilise_rate: float = MILOLAB_MOBILISES / MILOLAB_REPERES
    sessions_per_year: int = 120
    p_empty: float = 0.25
    dispersion: float = 2.0
    known_ratio: float = 0.5
    frr_boost: float = 0.3
    qpv_boost: float = 1.5
    place_sd: float = 0.6
    regular_visits: float = 10.0
    regular_share: float = 0.75
    perception_sd: float = 0.5
    season: tuple[float, ...] = SEASON

    def __post_init__(self) -> None:
        checks = {
            "reperes_per_year": (self.reperes_per_year >= 0, "≥ 0"),
            "mobilise_rate": (0 <= self.mobilise_rate <= 1, "entre 0 et 1"),
            "sessions_per_year": (self.sessions_per_year >= 1, "au moins 1"),
            "p_empty": (0 <= self.p_empty < 1, "entre 0 et 1 exclu"),
            "dispersion": (self.dispersion > 0, "> 0"),
            "known_ratio": (self.known_ratio >= 0, "≥ 0"),
            "frr_boost": (self.frr_boost >= 0, "≥ 0"),
            "qpv_boost": (self.qpv_boost > 0, "> 0"),
            "place_sd": (0 <= self.place_sd <= 3, "entre 0 et 3"),
            "regular_visits": (self.regular_visits > 0, "> 0"),
            "regular_share": (0 <= self.regular_share <= 1, "entre 0 et 1"),
            "perception_sd": (0 <= self.perception_sd <= 3, "entre 0 et 3"),
        }
        bad = [
            f"{k} = {getattr(self, k)} (attendu {want})"
            for k, (ok, want) in checks.items()
            if not ok
        ]
        season = tuple(self.season)
        if len(season) != 12 or not all(np.isfinite(s) and s > 0 for s in season):
            bad.append(f"season = {season} (attendu 12 facteurs > 0, janvier d'abord)")
        if bad:
            raise InvalidProblemError(
                "Réglages du générateur d'activité fictive hors bornes : " + " ; ".join(bad) + ".",
                hint="Taux entre 0 et 1, p_empty < 1, au moins une séance par an, "
                "multiplicateurs positifs, un facteur de saison par mois.",
            )


def _weekdays(start: date, end: date) -> np.ndarray:
    days = pd.bdate_range(start, end)
    if len(days) == 0:
        raise InvalidProblemError(
            f"Période sans jour ouvré : du {start.isoformat()} au {end.isoformat()}.",
            hint="Choisissez une date de fin postérieure au début.",
        )
    return np.asarray(days.date)


def _check_inputs(ids: list[str], communes: Sequence[str], young: np.ndarray, frr: Sequence[Any]):
    if not ids:
        raise InvalidProblemError(
            "Aucun lieu pour générer une activité fictive.",
            hint="Le territoire doit avoir au moins un lieu d'arrêt (partenaire accueillant).",
        )
    if young.shape != (len(ids),) or len(communes) != len(ids) or len(frr) != len(ids):
        raise InvalidProblemError(
            "Il faut une commune, une population jeune et une classe FRR par lieu.",
            hint="Les listes doivent avoir la même longueur que place_ids.",
        )
    if not young.sum() > 0:
        raise InvalidProblemError(
            "Aucune population jeune estimée autour des lieux : impossible de calibrer.",
            hint="Vérifiez la colonne « young » du territoire.",
        )


def place_attractiveness(
    young: np.ndarray, frr_class: Sequence[Any], qpv: Any, settings: SyntheticSettings
) -> np.ndarray:
    """Population/FRR/QPV part of a place's attractiveness (step 1 without ``u``)."""
    frr = np.asarray([FRR_SCORES[FrrClass(v)] for v in frr_class], dtype=float)
    attract = np.sqrt(young / young.mean())
    return (
        attract
        * (1 + settings.frr_boost * frr)
        * np.where(np.asarray(qpv, bool), settings.qpv_boost, 1)
    )


def _places_of_sessions(
    rng: np.random.Generator, attract: np.ndarray, n_sessions: int, settings: SyntheticSettings
) -> np.ndarray:
    """Step 2: the place index of each session (regular stops, then exploration)."""
    n = len(attract)
    wanted = settings.regular_share * settings.sessions_per_year / settings.regular_visits
    k = min(round(wanted), n // 2)
    if k == 0:
        return rng.integers(0, n, size=n_sessions)
    perceived = attract * rng.lognormal(0.0, settings.perception_sd, size=n)
    regular = np.argsort(-perceived, kind="stable")[:k]
    others = np.setdiff1d(np.arange(n), regular)
    at_regular = rng.random(n_sessions) < settings.regular_share
    return np.where(
        at_regular,
        regular[rng.integers(0, k, size=n_sessions)],
        others[rng.integers(0, len(others), size=n_sessions)],
    )


def _session_days(rng: np.random.Generator, days: np.ndarray, n_sessions: int) -> np.ndarray:
    """Step 3: the sorted day of each session, at a steady rhythm (systematic sampling of the
    weekdays weighted by :data:`MONTH_SESSION_WEIGHT`: one random offset, then evenly spaced)."""
    weight = np.asarray(MONTH_SESSION_WEIGHT)[[d.month - 1 for d in days]]
    cumulative = np.cumsum(weight) / weight.sum()
    at = (rng.random() + np.arange(n_sessions)) / n_sessions
    return days[np.minimum(np.searchsorted(cumulative, at), len(days) - 1)]


def synthetic_activity(
    place_ids: Sequence[str],
    *,
    communes: Sequence[str],
    young: Any,
    frr_class: Sequence[Any],
    qpv: Any,
    start: date,
    end: date,
    seed: int,
    settings: SyntheticSettings | None = None,
) -> pd.DataFrame:
    """Generate a synthetic activity table (``ACTIVITY_COLUMNS``), one row per session.

    ``communes``, ``young``, ``frr_class`` and ``qpv`` describe each place's commune (same
    order as ``place_ids``). The same seed gives the same table.
    """
    settings = settings or SyntheticSettings()
    ids = [str(p) for p in place_ids]
    young_arr = np.asarray(young, dtype=float)
    _check_inputs(ids, communes, young_arr, frr_class)
    rng = np.random.default_rng(seed)
    days = _weekdays(start, end)
    years = max((end - start).days + 1, 1) / 365.25
    n_sessions = max(1, round(settings.sessions_per_year * years))
    effect = rng.lognormal(-(settings.place_sd**2) / 2, settings.place_sd, size=len(ids))
    attract = place_attractiveness(young_arr, frr_class, qpv, settings) * effect

    stop = _places_of_sessions(rng, attract, n_sessions, settings)
    when = _session_days(rng, days, n_sessions)
    mix = list(APPROACH_MIX)
    approach = rng.choice(len(mix), size=n_sessions, p=list(APPROACH_MIX.values()))
    weight = attract[stop] * np.asarray(settings.season)[[d.month - 1 for d in when]]
    weight *= np.asarray([APPROACH_FACTOR[a] for a in mix])[approach]
    lam = settings.reperes_per_year * years * weight / weight.sum()
    mean_if_met = lam / (1 - settings.p_empty)
    k = settings.dispersion
    rates = rng.gamma(k, mean_if_met / k)
    reperes = np.where(rng.random(n_sessions) < settings.p_empty, 0, rng.poisson(rates))
    known = rng.poisson(settings.known_ratio * lam)
    contacts = np.where(reperes > 0, reperes + known, 0)
    mobilises = rng.binomial(reperes, settings.mobilise_rate)
    return pd.DataFrame(
        {
            "period_start": when,
            "period_end": when,
            "place_id": [ids[i] for i in stop],
            "commune": [str(communes[i]) for i in stop],
            "approach": [mix[a].value for a in approach],
            "sessions": np.ones(n_sessions, dtype=np.int64),
            "contacts": contacts.astype(np.int64),
            "reperes": reperes.astype(np.int64),
            "mobilises": mobilises.astype(np.int64),
        },
        columns=list(ACTIVITY_COLUMNS),
    )
