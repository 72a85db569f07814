"""Expected repérés and contacts per session, learned from the activity history.

Pure: arrays and DataFrames in, a frozen :class:`ExpectedModel` out (no Territory; the glue is
:mod:`planner.workflows.expected`). Activity is the validated table of
:func:`planner.coverage.activity.validate_activity` (counts by place x period x approach).

Model (one per outcome: ``reperes``, then ``contacts``)
-------------------------------------------------------
A history row of commune *g*, month *m*, approach *a* with ``n`` sessions and ``y`` young
people is read as ``y ~ Poisson(n * theta_g * s_m * f_a)``:

* ``theta_g``, the commune's rate per session of the reference month and approach. Its prior
  is the **population-only expectation** ``mu_g = r * young_g``: ``young_g`` is the commune's
  estimated 16-25 population and ``r`` the territory's rate per young person and standard
  session, ``r = sum(y) / sum_g(N_g * young_g)`` (maximum likelihood; ``N_g`` the commune's
  sessions weighted by their month and approach factors). So a town of 600 young people with
  no history is expected to find 10 times more than a hamlet of 60. The history moves it by
  empirical Bayes (gamma-Poisson, :func:`planner.coverage.activity.shrink`)::

      theta_g = (beta * mu_g + Y_g) / (beta + N_g)

  ``beta`` (a number of sessions, fitted by the moments of
  :func:`~planner.coverage.activity.prior_weight`, kept in
  ``[min_prior_sessions, max_prior_sessions]`` of :class:`ActivitySettings`): after a few
  sessions a commune is still near its population prior, after many it follows its own record.
  With ``young_exponent=None`` the prior is ``mu_g = r * young_g ** e`` with the elasticity
  ``e`` in [0, 1] fitted by maximum likelihood (grid of 0.05) on the pooled history: ``e = 1``
  is the rate per young person above, ``e = 0`` the plain territory mean, in between a town
  finds more than a village but less than in proportion (its young people do not all come).
* ``s_m``, the month factor (12 values) and ``f_a``, the approach factor (one per
  :class:`planner.taxonomy.Approach`), fitted on the whole territory (pooled over places): for
  month *m*, ``E_m`` is what the places and approaches alone expect of its ``n_m`` sessions and
  ``O_m`` what was found; ``s_m = shrink(n_m, O_m, E_m / n_m, w) / (E_m / n_m)`` with a weight
  ``w`` (sessions) fitted the same way in ``[min_factor_sessions, max_factor_sessions]``: a
  month or approach with few sessions, or no visible difference, stays near 1. Nothing says in
  advance which months are good: the rentrée and the end of the school year win only if the
  history says so.

Sessions vary more than Poisson counts (empty afternoons, groups of friends): the dispersion
``phi`` (Pearson statistic of the history rows around their commune's own rate, times the
factors, over its degrees of freedom, rows minus observed communes: the within-place variance
of Bühlmann-Straub; at least 1, and 1 when fewer than
``min_dispersion_df`` degrees of freedom) enters both weights
(:func:`~planner.coverage.activity.prior_weight`), so that noisy sessions move the estimates
less. The three parts are fitted by alternating (``iterations`` rounds). A row whose period spans
several months counts in each month in proportion to its days. Without any session, the
prior is the assumption ``ActivitySettings.fallback_rate`` repérés per session for a commune of
average young population (contacts: :data:`CONTACTS_PER_REPERE` times more) and every factor is
1; the method label says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from planner.coverage.activity import ActivitySettings, prior_weight, shrink
from planner.errors import InvalidProblemError
from planner.taxonomy import Approach

OUTCOMES = ("reperes", "contacts")
APPROACHES: tuple[str, ...] = tuple(a.value for a in Approach)
#: contacts per repéré assumed without history (the synthetic generator's ratio: each session
#: also meets already-known young people, about half as many as the new ones)
CONTACTS_PER_REPERE = 1.5
METHOD = (
    "par séance : a priori population (taux par jeune estimé de la commune, ajusté sur "
    "l'historique), rapproché de l'historique du lieu (Bayes empirique gamma-Poisson), "
    "facteurs de mois et de démarche appris sur le territoire, lissés vers 1"
)
FALLBACK_METHOD = (
    "par séance : aucune séance dans l'historique, a priori par défaut proportionnel aux jeunes "
    "estimés de la commune, sans saison ni démarche"
)
#: what a prediction uses: the full model, the population prior alone, the population prior
#: with the month and approach factors, or the plain territory mean per session
Kind = Literal["learned", "population", "population_factors", "mean"]


@dataclass(frozen=True)
class ExpectedSettings:
    """Settings of :func:`fit_expected` (see the module docstring).

    ``activity`` bounds the place prior weight (sessions) and gives the fallback prior;
    ``min_factor_sessions`` / ``max_factor_sessions`` bound the weight of the month and
    approach factors' prior (sessions); ``iterations`` rounds of alternating fit; the
    dispersion is estimated from ``min_dispersion_df`` degrees of freedom on;
    ``young_exponent``: the power of the young population in the prior (1: a rate per young
    person; ``None``: fitted in [0, 1]).
    """

    activity: ActivitySettings = field(default_factory=ActivitySettings)
    min_factor_sessions: float = 20.0
    max_factor_sessions: float = 100.0
    iterations: int = 8
    min_dispersion_df: int = 10
    young_exponent: float | None = None

    def __post_init__(self) -> None:
        if self.young_exponent is not None and not 0 <= self.young_exponent <= 1:
            raise InvalidProblemError(
                f"Exposant de la population jeune hors bornes : {self.young_exponent}.",
                hint="Entre 0 (moyenne du territoire) et 1 (taux par jeune), ou None pour "
                "l'ajuster sur l'historique.",
            )
        if not 0 < self.min_factor_sessions <= self.max_factor_sessions:
            raise InvalidProblemError(
                "Poids a priori des facteurs de mois et de démarche invalides : "
                f"{self.min_factor_sessions} à {self.max_factor_sessions} séances.",
                hint="0 < min_factor_sessions <= max_factor_sessions (par exemple 20 et 100).",
            )
        if self.iterations < 1 or self.min_dispersion_df < 1:
            raise InvalidProblemError(
                f"Réglages du calage invalides : {self.iterations} itérations, "
                f"{self.min_dispersion_df} degrés de liberté pour la dispersion.",
                hint="Au moins 1 chacun (8 itérations et 10 degrés de liberté par défaut).",
            )


@dataclass(frozen=True, eq=False)
class OutcomeModel:
    """The fitted parts of one outcome (``reperes`` or ``contacts``); arrays in codes order.

    ``place_rate`` is ``theta_g``, ``prior_rate`` ``mu_g``, ``sessions`` the commune's
    sessions in the history, ``mean_rate`` the plain territory mean per session,
    ``dispersion`` the variance of a session over its mean; the prior is
    ``rate_per_young * young ** young_exponent``.
    """

    outcome: str
    rate_per_young: float
    young_exponent: float
    dispersion: float
    place_weight: float
    place_rate: np.ndarray
    prior_rate: np.ndarray
    sessions: np.ndarray
    month_factor: np.ndarray
    month_weight: float
    approach_factor: np.ndarray
    approach_weight: float
    mean_rate: float

    def predict(
        self, g: np.ndarray, month: np.ndarray, approach: np.ndarray, kind: Kind = "learned"
    ) -> np.ndarray:
        """Expected count per session at index arrays ``g`` (commune), ``month`` (0-11),
        ``approach`` (index in :data:`APPROACHES`)."""
        factors = self.month_factor[month] * self.approach_factor[approach]
        if kind == "learned":
            return self.place_rate[g] * factors
        if kind == "population":
            return self.prior_rate[g].copy()
        if kind == "population_factors":
            return self.prior_rate[g] * factors
        if kind == "mean":
            return np.full(np.shape(g), self.mean_rate)
        raise InvalidProblemError(
            f"Type de prévision inconnu {kind!r}.",
            hint="Attendu : learned, population, population_factors ou mean.",
        )


@dataclass(frozen=True, eq=False)
class ExpectedModel:
    """Expected repérés and contacts per session by commune x month x approach.

    ``label`` is the history's label (« données fictives »...), ``method`` the French method.
    """

    codes: tuple[str, ...]
    reperes: OutcomeModel
    contacts: OutcomeModel
    label: str
    method: str
    history_sessions: int

    def indices(
        self, codes: Sequence[str], months: Sequence[int] | np.ndarray, approaches: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index arrays of communes, months (1-12 -> 0-11) and approaches; French errors for an
        unknown commune, a month outside 1-12 or an unknown approach."""
        position = {c: i for i, c in enumerate(self.codes)}
        unknown = sorted({str(c) for c in codes} - position.keys())
        if unknown:
            raise InvalidProblemError(
                f"Commune(s) inconnue(s) du territoire : {', '.join(unknown[:5])}.",
                hint="Donnez le code INSEE d'une commune du territoire.",
            )
        m = np.asarray(months, dtype=int)
        if m.size and (m.min() < 1 or m.max() > 12):
            raise InvalidProblemError(
                f"Mois invalide : {int(m[(m < 1) | (m > 12)][0])}.",
                hint="Un mois va de 1 (janvier) à 12 (décembre).",
            )
        bad = sorted({str(a) for a in approaches} - set(APPROACHES))
        if bad:
            raise InvalidProblemError(
                f"Démarche inconnue : {', '.join(bad)}.",
                hint=f"Démarches possibles : {', '.join(APPROACHES)}.",
            )
        g = np.asarray([position[str(c)] for c in codes], dtype=int)
        a = np.asarray([APPROACHES.index(str(x)) for x in approaches], dtype=int)
        return g, m - 1, a

    def predict(
        self,
        codes: Sequence[str],
        months: Sequence[int] | np.ndarray,
        approaches: Sequence[str],
        kind: Kind = "learned",
    ) -> tuple[np.ndarray, np.ndarray]:
        """(repérés, contacts) expected per session of each (commune, month, approach)."""
        g, m, a = self.indices(codes, months, approaches)
        return self.reperes.predict(g, m, a, kind), self.contacts.predict(g, m, a, kind)


def fit_expected(
    activity: pd.DataFrame,
    *,
    codes: Sequence[str],
    young: Sequence[float] | np.ndarray,
    label: str,
    settings: ExpectedSettings | None = None,
) -> ExpectedModel:
    """Fit the expected repérés and contacts per session (module docstring).

    ``activity``: validated history (``ACTIVITY_COLUMNS``); ``codes`` and ``young``: every
    commune of the territory and its estimated 16-25 population; ``label``: the history's label.
    """
    settings = settings or ExpectedSettings()
    codes = tuple(str(c) for c in codes)
    young_arr = np.asarray(young, dtype=float)
    if young_arr.shape != (len(codes),):
        raise InvalidProblemError(
            f"{len(codes)} communes mais {young_arr.size} populations jeunes.",
            hint="Donnez une population jeune estimée par commune, dans le même ordre.",
        )
    if not np.isfinite(young_arr).all() or (young_arr < 0).any() or not young_arr.sum() > 0:
        raise InvalidProblemError(
            "Populations jeunes invalides : valeurs finies, positives ou nulles, de somme > 0 "
            "attendues.",
            hint="Vérifiez la colonne « young » des communes.",
        )
    g, m, a, n, counts = _pieces(activity, codes)
    if not n.sum() > 0:
        models = [_fallback(o, young_arr, settings.activity) for o in OUTCOMES]
        return ExpectedModel(codes, models[0], models[1], label, FALLBACK_METHOD, 0)
    models = [_fit_outcome(o, g, m, a, n, counts[o], young_arr, settings) for o in OUTCOMES]
    sessions = int(round(float(activity["sessions"].sum())))
    return ExpectedModel(codes, models[0], models[1], label, METHOD, sessions)


def _pieces(
    activity: pd.DataFrame, codes: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """History rows as (commune, month, approach, sessions, counts) pieces; a row spanning
    several months is split in proportion to its days."""
    df = activity[pd.to_numeric(activity["sessions"]) > 0] if len(activity) else activity
    position = {c: i for i, c in enumerate(codes)}
    unknown = sorted(set(df["commune"].astype(str)) - position.keys())
    if unknown:
        raise InvalidProblemError(
            f"Activité pour des communes inconnues : {', '.join(unknown[:5])}.",
            hint="Chaque ligne d'activité doit porter le code INSEE d'une commune du territoire.",
        )
    bad = sorted(set(df["approach"].astype(str)) - set(APPROACHES))
    if bad:
        raise InvalidProblemError(
            f"Démarche(s) inconnue(s) dans l'activité : {', '.join(bad)}.",
            hint=f"Démarches possibles : {', '.join(APPROACHES)}.",
        )
    start = pd.to_datetime(df["period_start"]).reset_index(drop=True)
    end = pd.to_datetime(df["period_end"]).reset_index(drop=True)
    rows, months, weights = [], [], []
    same = (start.dt.year == end.dt.year) & (start.dt.month == end.dt.month)
    rows.append(np.flatnonzero(same))
    months.append(start.dt.month.to_numpy()[same.to_numpy()] - 1)
    weights.append(np.ones(int(same.sum())))
    for i in np.flatnonzero(~same.to_numpy()):
        per_month = pd.date_range(start[i], end[i]).month.value_counts()
        rows.append(np.full(len(per_month), i))
        months.append(per_month.index.to_numpy() - 1)
        weights.append(per_month.to_numpy(dtype=float) / per_month.sum())
    r, w = np.concatenate(rows).astype(int), np.concatenate(weights)
    g = np.asarray([position[str(c)] for c in df["commune"]], dtype=int)[r]
    a = np.asarray([APPROACHES.index(str(x)) for x in df["approach"]], dtype=int)[r]
    n = df["sessions"].to_numpy(dtype=float)[r] * w
    counts = {o: df[o].to_numpy(dtype=float)[r] * w for o in OUTCOMES}
    return g, np.concatenate(months).astype(int), a, n, counts


def _fit_outcome(
    outcome: str,
    g: np.ndarray,
    m: np.ndarray,
    a: np.ndarray,
    n: np.ndarray,
    y: np.ndarray,
    young: np.ndarray,
    settings: ExpectedSettings,
) -> OutcomeModel:
    places = young.size
    s, f = np.ones(12), np.ones(len(APPROACHES))
    s_w = f_w = settings.max_factor_sessions
    phi = 1.0
    bounds = settings.activity.min_prior_sessions, settings.activity.max_prior_sessions
    for _ in range(settings.iterations):
        exposure = np.bincount(g, n * s[m] * f[a], places)
        found = np.bincount(g, y, places)
        e = _young_exponent(exposure, found, young, settings.young_exponent)
        size = young**e
        r = found.sum() / float((exposure * size).sum())
        mu = r * size
        beta = prior_weight(exposure, found, mu, low=bounds[0], cap=bounds[1], dispersion=phi)
        theta = shrink(exposure, found, mu, beta)
        s, s_w = _factor(m, 12, n, y, n * theta[g] * f[a], settings, phi)
        f, f_w = _factor(a, len(APPROACHES), n, y, n * theta[g] * s[m], settings, phi)
        raw = np.where(exposure > 0, found / np.where(exposure > 0, exposure, 1), 0.0)
        phi = _dispersion(y, n * raw[g] * s[m] * f[a], int((exposure > 0).sum()), settings)
    return OutcomeModel(
        outcome=outcome,
        rate_per_young=float(r),
        young_exponent=e,
        dispersion=phi,
        place_weight=beta,
        place_rate=theta,
        prior_rate=mu,
        sessions=np.bincount(g, n, places),
        month_factor=s,
        month_weight=s_w,
        approach_factor=f,
        approach_weight=f_w,
        mean_rate=float(y.sum() / n.sum()),
    )


def _factor(
    idx: np.ndarray,
    size: int,
    n: np.ndarray,
    y: np.ndarray,
    base: np.ndarray,
    settings: ExpectedSettings,
    dispersion: float,
) -> tuple[np.ndarray, float]:
    """Factors (and their prior weight) of a pooled grouping: found over expected, shrunk to 1."""
    sessions = np.bincount(idx, n, size)
    found = np.bincount(idx, y, size)
    expected = np.bincount(idx, base, size)
    seen = (sessions > 0) & (expected > 0)
    mu = np.where(seen, expected / np.where(seen, sessions, 1), 0.0)
    low, cap = settings.min_factor_sessions, settings.max_factor_sessions
    weight = prior_weight(
        np.where(seen, sessions, 0), found, mu, low=low, cap=cap, dispersion=dispersion
    )
    rate = shrink(sessions, found, mu, weight)
    return np.where(seen, rate / np.where(seen, mu, 1), 1.0), weight


def _young_exponent(
    exposure: np.ndarray, found: np.ndarray, young: np.ndarray, fixed: float | None
) -> float:
    """``fixed``, or the elasticity in [0, 1] (grid 0.05) of the best pooled Poisson fit."""
    if fixed is not None:
        return float(fixed)
    seen = (exposure > 0) & (young > 0)
    n, y, yg = exposure[seen], found[seen], young[seen]
    grid = np.linspace(0.0, 1.0, 21)
    best, best_ll = 1.0, -np.inf
    for e in grid:
        mean = n * yg**e * (y.sum() / float((n * yg**e).sum()))
        ll = float((y * np.log(np.where(mean > 0, mean, 1)) - mean).sum())
        if ll > best_ll:
            best, best_ll = float(e), ll
    return best


def _dispersion(
    y: np.ndarray, expected: np.ndarray, groups: int, settings: ExpectedSettings
) -> float:
    """Pearson dispersion of the history pieces around ``expected`` (at least 1; 1 when the
    degrees of freedom are fewer than ``settings.min_dispersion_df``)."""
    ok = expected > 0
    df = int(ok.sum()) - groups
    if df < settings.min_dispersion_df:
        return 1.0
    pearson = float((((y - expected) ** 2)[ok] / expected[ok]).sum())
    return max(1.0, pearson / df)


def _fallback(outcome: str, young: np.ndarray, activity: ActivitySettings) -> OutcomeModel:
    """No session in the history: the default prior, proportional to the young population."""
    per_session = activity.fallback_rate * (CONTACTS_PER_REPERE if outcome == "contacts" else 1)
    r = per_session / float(young.mean())
    return OutcomeModel(
        outcome=outcome,
        rate_per_young=r,
        young_exponent=1.0,
        dispersion=1.0,
        place_weight=activity.fallback_sessions,
        place_rate=r * young,
        prior_rate=r * young,
        sessions=np.zeros(young.size),
        month_factor=np.ones(12),
        month_weight=0.0,
        approach_factor=np.ones(len(APPROACHES)),
        approach_weight=0.0,
        mean_rate=per_session,
    )
