"""Seeded synthetic activity history for the demo territories ("données fictives").

Real activity belongs to each Mission Locale and is not public, so the demo uses this
generator; a user's real activity file replaces it, and every output built on it carries the
label :data:`~planner.coverage.need.SYNTHETIC_LABEL`.

Method (all draws from one ``numpy.random.Generator`` seeded by ``seed``)
--------------------------------------------------------------------------
1. Sessions: ``sessions_per_year x years`` half-day sessions (assumption: about one outreach
   half-day a week outside holidays), on weekdays drawn uniformly between ``start`` and
   ``end``, each at a stop drawn uniformly among the places, with an approach drawn from
   :data:`APPROACH_MIX`.
2. Attractiveness of a place: ``a = sqrt(young / mean young) x (1 + frr_boost x FRR score)
   x (qpv_boost if QPV else 1)``: more young people found where the estimated young population,
   the FRR class and a QPV say so.
3. Calibration: the expected repérés of session *s* are
   ``lambda_s = total x a_s / sum(a)`` with ``total = reperes_per_year x years``, and
   ``reperes_per_year = 5,133 / 23 / 3.5 ~ 63.8``: the Milo'Lab regional totals (5,133 repérés,
   1,840 mobilisés, 23 Missions Locales, 2020-2023, three and a half years) per Mission Locale
   and year.
4. Noise: a session is empty (nobody met) with probability ``p_empty``; otherwise repérés follow
   a negative binomial (gamma-Poisson, dispersion ``dispersion``) of mean
   ``lambda_s / (1 - p_empty)``, so the expectation stays calibrated. Contacts are repérés plus
   a Poisson number of already-known young people (mean ``known_ratio x lambda_s``); mobilisés
   are binomial among repérés with probability ``1,840 / 5,133 ~ 0.358``.
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


@dataclass(frozen=True)
class SyntheticSettings:
    """Parameters of the generator (see the module docstring); defaults are the calibration."""

    reperes_per_year: float = MILOLAB_REPERES / MILOLAB_MISSIONS / MILOLAB_YEARS
    mobilise_rate: float = MILOLAB_MOBILISES / MILOLAB_REPERES
    sessions_per_year: int = 40
    p_empty: float = 0.25
    dispersion: float = 2.0
    known_ratio: float = 0.5
    frr_boost: float = 0.3
    qpv_boost: float = 1.5

    def __post_init__(self) -> None:
        ok = (
            self.reperes_per_year >= 0
            and 0 <= self.mobilise_rate <= 1
            and self.sessions_per_year >= 1
            and 0 <= self.p_empty < 1
            and self.dispersion > 0
            and self.known_ratio >= 0
            and self.frr_boost >= 0
            and self.qpv_boost > 0
        )
        if not ok:
            raise InvalidProblemError(
                "Réglages du générateur d'activité fictive hors bornes.",
                hint="Taux entre 0 et 1, p_empty < 1, au moins une séance par an, "
                "multiplicateurs positifs.",
            )


def _weekdays(start: date, end: date) -> np.ndarray:
    days = pd.bdate_range(start, end)
    if len(days) == 0:
        raise InvalidProblemError(
            f"Période sans jour ouvré : du {start.isoformat()} au {end.isoformat()}.",
            hint="Choisissez une date de fin postérieure au début.",
        )
    return np.asarray(days.date)


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
    if not ids:
        raise InvalidProblemError(
            "Aucun lieu pour générer une activité fictive.",
            hint="Le territoire doit avoir au moins un lieu d'arrêt (partenaire accueillant).",
        )
    young_arr = np.asarray(young, dtype=float)
    if young_arr.shape != (len(ids),) or len(communes) != len(ids) or len(frr_class) != len(ids):
        raise InvalidProblemError(
            "Il faut une commune, une population jeune et une classe FRR par lieu.",
            hint="Les listes doivent avoir la même longueur que place_ids.",
        )
    if not young_arr.sum() > 0:
        raise InvalidProblemError(
            "Aucune population jeune estimée autour des lieux : impossible de calibrer.",
            hint="Vérifiez la colonne « young » du territoire.",
        )
    rng = np.random.default_rng(seed)
    days = _weekdays(start, end)
    years = max((end - start).days + 1, 1) / 365.25
    n_sessions = max(1, round(settings.sessions_per_year * years))
    frr = np.asarray([FRR_SCORES[FrrClass(v)] for v in frr_class])
    attract = np.sqrt(young_arr / young_arr.mean())
    attract *= (1 + settings.frr_boost * frr) * np.where(
        np.asarray(qpv, bool), settings.qpv_boost, 1
    )

    stop = rng.integers(0, len(ids), size=n_sessions)
    when = np.sort(rng.choice(days, size=n_sessions))
    mix = list(APPROACH_MIX)
    approach = rng.choice(len(mix), size=n_sessions, p=list(APPROACH_MIX.values()))
    lam = settings.reperes_per_year * years * attract[stop] / attract[stop].sum()
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
