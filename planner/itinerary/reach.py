"""Reach of a plan: where the territory's young people find the Mission Locale, regularly or not.

The measurement of the goals of "plans that follow where young people are" (``benchmarks/
reach.py``), computed from a :class:`~planner.itinerary.plan.Plan` and plain arrays, so that any
planning method is judged the same way.

Definitions
-----------
Regular presence
    A stop visited at least every two weeks on average over the plan's horizon
    (``visits >= weeks / 2``), or a fixed contact point (a base, a fixed partner such as a fixed
    France Services site), which is always open to young people.
Reached
    A commune is reached when its town hall point lies within ``access_s`` seconds (default
    15 min, by the travel-time method of the matrices) of a presence; shares are weighted by the
    communes' estimated 16-25. ``fixed_share`` (fixed contact points alone) tells what the van
    adds; ``regular_bases_share`` counts the Mission Locale's own bases and the regular stops
    only.
Expected repérés
    The sum over the plan's visits of an expected number of repérés per session for the
    visit's commune (``rates``), with the label of the estimate (``rates_method``) and of the
    history (``rates_label``, « données fictives » for the synthetic demo one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.errors import InvalidProblemError
from planner.itinerary.plan import Plan
from planner.travel import TravelMatrix

#: default access time: 15 min by car (the manager's declared access time)
ACCESS_S = 15 * 60
#: communes with at least this many estimated 16-25 must be near a regular presence
LARGE_YOUNG = 150.0


@dataclass(frozen=True)
class UnreachedCommune:
    """A commune of ``LARGE_YOUNG`` or more young people without a regular presence nearby."""

    code: str
    name: str
    young: float
    #: minutes to the nearest regular presence (None: none reachable)
    nearest_regular_min: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "young": round(self.young, 1),
            "nearest_regular_min": self.nearest_regular_min,
        }


@dataclass(frozen=True)
class PlanReach:
    """The reach measurement of one plan (see the module docstring)."""

    weeks: int
    access_s: int
    young_total: float
    stops: int
    regular_stops: tuple[str, ...]
    visits: int
    regular_share: float
    any_share: float
    fixed_share: float
    regular_bases_share: float | None
    unreached_large: tuple[UnreachedCommune, ...]
    drive_h: float
    drive_per_visit_h: float | None
    expected_reperes: float
    rates_method: str
    rates_label: str
    travel_time_method: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (shares in percent, rounded)."""
        return {
            "weeks": self.weeks,
            "access_min": self.access_s / 60,
            "young_total": round(self.young_total, 1),
            "stops": self.stops,
            "regular_stops": len(self.regular_stops),
            "visits": self.visits,
            "regular_reach_pct": round(100 * self.regular_share, 2),
            "any_reach_pct": round(100 * self.any_share, 2),
            "fixed_reach_pct": round(100 * self.fixed_share, 2),
            "regular_reach_bases_only_pct": (
                None
                if self.regular_bases_share is None
                else round(100 * self.regular_bases_share, 2)
            ),
            "unreached_150": [c.to_json() for c in self.unreached_large],
            "drive_h": round(self.drive_h, 3),
            "drive_per_visit_h": (
                None if self.drive_per_visit_h is None else round(self.drive_per_visit_h, 4)
            ),
            "expected_reperes": round(self.expected_reperes, 2),
            "reperes_estimate": self.rates_method,
            "reperes_label": self.rates_label,
            "travel_time_method": self.travel_time_method,
        }


def plan_stop_ids(plan: Plan) -> list[str]:
    """The plan's stops in order of first visit (the columns of the communes -> stops matrix)."""
    return list(dict.fromkeys(v.stop_id for v in plan.visits))


def regular_stops(visit_counts: Mapping[str, int], weeks: int) -> list[str]:
    """Stops visited at least every two weeks on average: ``visits >= weeks / 2``."""
    if weeks <= 0:
        raise InvalidProblemError(
            f"Horizon du plan invalide : {weeks} semaine(s).",
            hint="Un plan couvre au moins une semaine.",
        )
    return [s for s, n in visit_counts.items() if n >= weeks / 2]


def _within(matrix: TravelMatrix, columns: np.ndarray | None, access_s: int) -> np.ndarray:
    """Per row: some selected column within ``access_s`` (all columns when ``columns`` is None)."""
    ok = np.asarray(matrix.reachable, dtype=bool) & (np.asarray(matrix.durations) <= access_s)
    if columns is not None:
        ok = ok[:, columns]
    if not ok.shape[1]:
        return np.zeros(ok.shape[0], dtype=bool)
    return np.asarray(ok.any(axis=1), dtype=bool)


@dataclass(frozen=True, eq=False)
class ReachArrays:
    """What the measurement reads of a territory, rows in the communes' order.

    Parameters
    ----------
    to_stops, stop_ids
        Travel matrix communes (rows) -> the plan's stops (columns, ``stop_ids`` order; every
        stop of the plan must be there, see :func:`plan_stop_ids`).
    to_fixed
        Travel matrix communes -> fixed contact points (bases and fixed partners).
    young, codes, names
        Estimated 16-25, INSEE code and name of each commune.
    bases
        When given, the first ``bases`` columns of ``to_fixed`` are the Mission Locale's own
        bases: ``regular_bases_share`` is then the regular reach counting the bases and the
        regular stops only (fixed partners left out).
    """

    to_stops: TravelMatrix
    stop_ids: Sequence[str]
    to_fixed: TravelMatrix
    young: np.ndarray
    codes: Sequence[str]
    names: Sequence[str]
    bases: int | None = None

    def __post_init__(self) -> None:
        young = np.asarray(self.young, dtype=float)
        object.__setattr__(self, "young", young)
        n = young.shape[0] if young.ndim else 0
        if young.ndim != 1 or len(self.codes) != n or len(self.names) != n:
            raise InvalidProblemError(
                f"{n} populations jeunes pour {len(self.codes)} codes et {len(self.names)} noms "
                "de communes.",
                hint="Une population, un code et un nom par commune, dans le même ordre.",
            )
        if (~np.isfinite(young)).any() or (young < 0).any():
            raise InvalidProblemError(
                "Populations jeunes invalides (négatives ou manquantes).",
                hint="Indiquez une estimation des 16-25 ans positive ou nulle par commune.",
            )
        for what, matrix, cols in (
            ("arrêts", self.to_stops, len(self.stop_ids)),
            ("points de contact fixes", self.to_fixed, None),
        ):
            rows, columns = np.asarray(matrix.durations).shape
            if rows != n or (cols is not None and columns != cols):
                expected = f"{n} x {cols}" if cols is not None else f"{n} lignes"
                raise InvalidProblemError(
                    f"La matrice communes -> {what} a la forme {rows} x {columns}, "
                    f"attendu {expected}.",
                    hint="Une ligne par commune (même ordre), une colonne par arrêt de stop_ids.",
                )
        fixed = np.asarray(self.to_fixed.durations).shape[1]
        if self.bases is not None and not 0 <= self.bases <= fixed:
            raise InvalidProblemError(
                f"Nombre de bases invalide : {self.bases} pour {fixed} points de contact fixes.",
                hint="Les bases sont les premières colonnes de la matrice vers les points fixes.",
            )


def plan_reach(
    plan: Plan,
    arrays: ReachArrays,
    *,
    rates: Mapping[str, float],
    rates_method: str,
    rates_label: str,
    access_s: int = ACCESS_S,
    large_young: float = LARGE_YOUNG,
    visit_rates: Sequence[float] | None = None,
) -> PlanReach:
    """Measure the reach of ``plan`` over the communes of ``arrays`` (see the module docstring).

    Parameters
    ----------
    rates
        Expected repérés per session by commune code; a visit whose commune is absent counts
        for the mean of ``rates``.
    visit_rates
        When given, the expected repérés of each visit (``plan.visits`` order; by commune and
        month, say), used instead of ``rates``.
    rates_method, rates_label
        What the rates are (shown with the figure) and the history's label.
    access_s
        Access time (seconds).
    large_young
        Communes with at least this many young people are listed when no regular presence is
        within ``access_s``.
    """
    missing = sorted(set(plan_stop_ids(plan)) - set(arrays.stop_ids))
    if missing:
        raise InvalidProblemError(
            f"Arrêts du plan absents de la matrice : {', '.join(missing[:5])}.",
            hint="Construisez la matrice vers les arrêts avec plan_stop_ids(plan).",
        )
    if access_s <= 0:
        raise InvalidProblemError(
            f"Temps d'accès invalide : {access_s} s.",
            hint="Un temps d'accès strictement positif (900 s = 15 min par défaut).",
        )
    to_stops, stop_ids, to_fixed = arrays.to_stops, arrays.stop_ids, arrays.to_fixed
    young, codes, names, bases = arrays.young, arrays.codes, arrays.names, arrays.bases
    counts: dict[str, int] = {s: 0 for s in stop_ids}
    for v in plan.visits:
        counts[v.stop_id] += 1
    regular = regular_stops({s: n for s, n in counts.items() if n}, plan.weeks)
    column = {s: j for j, s in enumerate(stop_ids)}
    reg_cols = np.asarray([column[s] for s in regular], dtype=int)
    used_cols = np.asarray([column[s] for s in plan_stop_ids(plan)], dtype=int)
    fixed_near = _within(to_fixed, None, access_s)
    any_near = fixed_near | _within(to_stops, used_cols, access_s)
    regular_van = _within(to_stops, reg_cols, access_s)
    regular_near = fixed_near | regular_van
    total = float(young.sum())
    share = (lambda mask: float(young[mask].sum()) / total) if total > 0 else (lambda _: 0.0)
    nearest = np.fmin(to_fixed.nearest_s(), to_stops.columns(reg_cols).nearest_s()) / 60
    unreached = tuple(
        UnreachedCommune(
            str(codes[i]),
            str(names[i]),
            float(young[i]),
            round(float(nearest[i]), 1) if np.isfinite(nearest[i]) else None,
        )
        for i in np.argsort(-young, kind="stable")
        if young[i] >= large_young and not regular_near[i]
    )
    if visit_rates is not None:
        if len(visit_rates) != len(plan.visits):
            raise InvalidProblemError(
                f"{len(visit_rates)} repérés attendus pour {len(plan.visits)} visites.",
                hint="Un nombre par visite du plan, dans l'ordre de plan.visits.",
            )
        expected = float(np.sum(np.asarray(visit_rates, dtype=float)))
    else:
        mean_rate = float(np.mean(list(rates.values()))) if rates else 0.0
        expected = sum(float(rates.get(v.commune, mean_rate)) for v in plan.visits)
    drive_s = sum(d.drive_s for d in plan.days)
    n_visits = len(plan.visits)
    return PlanReach(
        weeks=plan.weeks,
        access_s=int(access_s),
        young_total=total,
        stops=len(used_cols),
        regular_stops=tuple(regular),
        visits=n_visits,
        regular_share=share(regular_near),
        any_share=share(any_near),
        fixed_share=share(fixed_near),
        regular_bases_share=(
            None
            if bases is None
            else share(regular_van | _within(to_fixed, np.arange(bases), access_s))
        ),
        unreached_large=unreached,
        drive_h=drive_s / 3600,
        drive_per_visit_h=drive_s / 3600 / n_visits if n_visits else None,
        expected_reperes=expected,
        rates_method=rates_method,
        rates_label=rates_label,
        travel_time_method=to_stops.method,
    )
