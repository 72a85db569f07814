"""Past activity: validation and smoothing of repérés per session (empirical Bayes).

Activity is stored as counts by place x period x approach (``ACTIVITY_COLUMNS`` of
:mod:`planner.territory`), never individuals.

Smoothing: gamma-Poisson empirical Bayes
----------------------------------------
For a group *g* (a stop, or a commune) with ``n_g`` sessions and ``y_g`` repérés, assume
``y_g ~ Poisson(lambda_g * n_g)`` and ``lambda_g ~ Gamma(alpha, beta)`` (shape, rate). The
posterior mean of the rate is::

    lambda_hat_g = (alpha + y_g) / (beta + n_g)

a weighted mean of the group's own rate ``y_g / n_g`` (weight ``n_g``) and the territory's mean
``m = alpha / beta`` (weight ``beta``): ``beta`` acts as a number of "prior sessions", so one good
(or empty) afternoon moves a place only a little, while a repeated pattern wins.

The prior is fitted on the territory by the method of moments (Marshall 1991): with
``m = sum(y) / sum(n)``, the session-weighted variance of rates
``s2 = sum(n_g (y_g/n_g - m)^2) / sum(n)`` and the mean number of sessions ``n_bar``, the
between-group variance is ``v = s2 - m / n_bar`` (the Poisson part removed); then
``beta = m / v`` and ``alpha = m * beta``. ``beta`` is then kept within
``[min_prior_sessions, max_prior_sessions]``: the floor makes sure a single session never
counts for more than a fraction of the estimate even when places differ a lot (so one good
afternoon does not dominate), the cap (also used when ``v <= 0``, no visible extra-Poisson
dispersion) lets a well-observed place move away from the mean. With
fewer than ``min_groups`` observed groups the fallback prior (``fallback_rate``,
``fallback_sessions``) is used. Groups without any session get the prior mean ``m``.

Group-specific prior means
--------------------------
:func:`prior_weight` and :func:`shrink` also take one prior mean ``mu_g`` per group (the
expected rate of the group before its own history, e.g. from its population: see
:mod:`planner.coverage.expected`), with the prior ``Gamma(beta * mu_g, beta)`` (mean ``mu_g``,
variance ``mu_g / beta``). The same moments give, with ``S = sum n_g (y_g/n_g - mu_g)^2``::

    beta = sum(n_g mu_g) / (S - sum(mu_g))

which is the formula above when every ``mu_g = m``; the posterior mean is
``(beta * mu_g + y_g) / (beta + n_g)``. When sessions vary more than Poisson counts do (a
session's variance is ``phi`` times its mean: empty afternoons, groups of friends), ``S`` is
divided by the ``dispersion`` ``phi`` (Bühlmann-Straub credibility: the weight is the
within-group variance per session over the between-group variance); ``phi = 1`` is the plain
gamma-Poisson model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from planner.errors import InvalidProblemError, InvalidTerritoryError
from planner.territory import ACTIVITY_COLUMNS

COUNT_COLUMNS = ("sessions", "contacts", "reperes", "mobilises")


@dataclass(frozen=True)
class ActivitySettings:
    """Settings of the empirical Bayes smoothing (see the module docstring).

    Parameters
    ----------
    min_prior_sessions, max_prior_sessions
        Bounds of ``beta``: the prior weighs as much as this many sessions.
    min_groups
        Fewest observed groups needed to fit the prior on the territory.
    fallback_rate, fallback_sessions
        Prior mean (repérés per session) and weight used when the fit is not possible.
        2 repérés per session is an assumption in line with the Milo'Lab order of magnitude.
    """

    min_prior_sessions: float = 5.0
    max_prior_sessions: float = 20.0
    min_groups: int = 3
    fallback_rate: float = 2.0
    fallback_sessions: float = 3.0

    def __post_init__(self) -> None:
        if (
            not 0 < self.min_prior_sessions <= self.max_prior_sessions
            or self.fallback_sessions <= 0
            or self.fallback_rate < 0
        ):
            raise InvalidProblemError(
                "Réglages de lissage invalides (poids a priori <= 0 ou taux négatif).",
                hint="0 < min_prior_sessions <= max_prior_sessions, fallback_sessions > 0, "
                "fallback_rate >= 0.",
            )
        if self.min_groups < 2:
            raise InvalidProblemError(
                f"min_groups doit valoir au moins 2, reçu {self.min_groups}.",
                hint="Il faut plusieurs lieux pour estimer une variance entre lieux.",
            )


@dataclass(frozen=True)
class GammaPrior:
    """Gamma prior on repérés per session: ``alpha`` (shape), ``beta`` (rate, prior sessions)."""

    alpha: float
    beta: float
    method: str

    @property
    def mean(self) -> float:
        return self.alpha / self.beta


@dataclass(frozen=True, eq=False)
class ActivityRates:
    """Smoothed rates per group.

    ``frame`` (index = group key): ``sessions``, ``reperes``, ``mobilises``, ``raw_rate``
    (repérés per session, NaN without session), ``smoothed_rate`` (posterior mean),
    ``mobilises_share`` (mobilisés / repérés, smoothed with the same prior weight).
    """

    frame: pd.DataFrame
    prior: GammaPrior
    by: str


def validate_activity(
    activity: pd.DataFrame,
    *,
    known_places: Iterable[str] | None = None,
    known_communes: Iterable[str] | None = None,
    today: date,
) -> pd.DataFrame:
    """Check an activity table and return it with clean types.

    Raises :class:`InvalidTerritoryError` for missing columns, negative or non-integer counts,
    mobilisés above repérés, periods ending before they start, periods ending after ``today``
    (future dates) and places or communes unknown to the territory.
    """
    missing = [c for c in ACTIVITY_COLUMNS if c not in activity.columns]
    if missing:
        raise InvalidTerritoryError(
            f"Colonnes d'activité manquantes : {', '.join(missing)}.",
            hint=f"Colonnes attendues : {', '.join(ACTIVITY_COLUMNS)}.",
        )
    df = activity.loc[:, list(ACTIVITY_COLUMNS)].copy()
    for col in COUNT_COLUMNS:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() | (values < 0) | (values != np.floor(values))
        if bad.any():
            raise InvalidTerritoryError(
                f"Comptes invalides dans « {col} » (ligne {int(np.flatnonzero(bad)[0]) + 1}) : "
                "entier positif ou nul attendu.",
                hint="Indiquez des nombres entiers de séances ou de jeunes, sans données "
                "individuelles.",
            )
        df[col] = values.astype(np.int64)
    over = df["mobilises"] > df["reperes"]
    if over.any():
        raise InvalidTerritoryError(
            f"{int(over.sum())} ligne(s) avec plus de mobilisés que de repérés.",
            hint="Un jeune mobilisé a d'abord été repéré : mobilises <= reperes.",
        )
    start = pd.to_datetime(df["period_start"], errors="coerce")
    end = pd.to_datetime(df["period_end"], errors="coerce")
    if start.isna().any() or end.isna().any() or (end < start).any():
        raise InvalidTerritoryError(
            "Dates de période illisibles ou fin avant début dans l'activité.",
            hint="Format AAAA-MM-JJ, period_start <= period_end.",
        )
    future = end > pd.Timestamp(today)
    if future.any():
        first = end[future].min().date().isoformat()
        raise InvalidTerritoryError(
            f"{int(future.sum())} ligne(s) d'activité datée(s) dans le futur (ex. {first}, "
            f"après le {today.isoformat()}).",
            hint="On ne saisit l'activité qu'une fois la séance passée.",
        )
    for col, known, what in (
        ("place_id", known_places, "lieux"),
        ("commune", known_communes, "communes"),
    ):
        if known is None:
            continue
        unknown = sorted(set(df[col].astype(str)) - {str(k) for k in known})
        if unknown:
            raise InvalidTerritoryError(
                f"Activité pour des {what} inconnus du territoire : {', '.join(unknown[:5])}.",
                hint=f"Vérifiez les identifiants ({col}) ou ajoutez ces {what} au territoire.",
            )
    df["period_start"] = start.dt.date
    df["period_end"] = end.dt.date
    df["place_id"] = df["place_id"].astype(str)
    df["commune"] = df["commune"].astype(str)
    return df


def fit_prior(
    sessions: np.ndarray, reperes: np.ndarray, *, settings: ActivitySettings
) -> GammaPrior:
    """Method-of-moments gamma prior on the groups that have sessions (see module doc)."""
    n = np.asarray(sessions, dtype=float)
    y = np.asarray(reperes, dtype=float)
    seen = n > 0
    n, y = n[seen], y[seen]
    if n.size < settings.min_groups:
        beta = settings.fallback_sessions
        return GammaPrior(settings.fallback_rate * beta, beta, "a priori par défaut")
    m = y.sum() / n.sum()
    beta = prior_weight(
        n, y, np.full(n.size, m), low=settings.min_prior_sessions, cap=settings.max_prior_sessions
    )
    return GammaPrior(float(m * beta), beta, "moments (gamma-Poisson)")


def prior_weight(
    exposure: np.ndarray,
    counts: np.ndarray,
    means: np.ndarray,
    *,
    low: float,
    cap: float,
    dispersion: float = 1.0,
) -> float:
    """Method-of-moments prior weight ``beta`` (in exposure units, e.g. sessions) of a
    gamma-Poisson model whose group *g* has prior mean rate ``means[g]`` (module doc), kept in
    ``[low, cap]``; ``cap`` when the groups differ no more than ``dispersion`` times Poisson
    noise. Groups without exposure are ignored."""
    n = np.asarray(exposure, dtype=float)
    y = np.asarray(counts, dtype=float)
    mu = np.asarray(means, dtype=float)
    seen = n > 0
    n, y, mu = n[seen], y[seen], mu[seen]
    if not n.size or not (n * mu).sum() > 0:
        return float(cap)
    excess = float((n * (y / n - mu) ** 2).sum() / dispersion - mu.sum())
    return float(np.clip((n * mu).sum() / excess, low, cap)) if excess > 0 else float(cap)


def shrink(
    exposure: np.ndarray, counts: np.ndarray, means: np.ndarray, weight: float
) -> np.ndarray:
    """Posterior mean rates ``(weight * means + counts) / (weight + exposure)``."""
    n = np.asarray(exposure, dtype=float)
    return (weight * np.asarray(means, dtype=float) + np.asarray(counts, dtype=float)) / (
        weight + n
    )


def smoothed_rates(
    activity: pd.DataFrame,
    *,
    by: str = "place_id",
    keys: Iterable[str] | None = None,
    settings: ActivitySettings | None = None,
) -> ActivityRates:
    """Empirical Bayes repérés per session for each group ``by`` (``place_id`` or ``commune``).

    ``keys`` lists every group to report (groups without activity get the prior mean);
    defaults to the groups present in ``activity``. ``activity`` should have passed
    :func:`validate_activity`. Rows with zero sessions are ignored.
    """
    settings = settings or ActivitySettings()
    if by not in ("place_id", "commune"):
        raise InvalidProblemError(
            f"Regroupement inconnu {by!r} ; attendu « place_id » ou « commune ».",
            hint="Lissez par lieu d'arrêt ou par commune.",
        )
    rows = activity[activity["sessions"] > 0] if len(activity) else activity
    grouped = (
        rows.assign(_key=rows[by].astype(str))
        .groupby("_key")[["sessions", "reperes", "mobilises"]]
        .sum()
    )
    index = pd.Index(
        [str(k) for k in keys] if keys is not None else grouped.index, name=by, dtype=object
    )
    frame = grouped.reindex(index, fill_value=0).astype(np.int64)
    prior = fit_prior(frame["sessions"].to_numpy(), frame["reperes"].to_numpy(), settings=settings)
    n = frame["sessions"].to_numpy(dtype=float)
    y = frame["reperes"].to_numpy(dtype=float)
    mob = frame["mobilises"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["raw_rate"] = np.where(n > 0, y / np.where(n > 0, n, 1), np.nan)
    frame["smoothed_rate"] = shrink(n, y, np.full(n.size, prior.mean), prior.beta)
    share_prior = mob.sum() / y.sum() if y.sum() > 0 else 0.0
    frame["mobilises_share"] = (share_prior * prior.beta + mob) / (prior.beta + y)
    return ActivityRates(frame=frame, prior=prior, by=by)
