"""Coverage and activity indicators of one territory (a Mission Locale's own view).

Definitions
-----------
- Access time of a commune: car time to the nearest fixed contact point ("fixed only") or to the
  nearest of those and the van's planned stops ("with van"). Communes with no reachable point
  are counted as not within any threshold and left out of the mean and percentile (their young
  population share is reported as ``share_unreachable``).
- Shares within 20 / 30 min: estimated young population of the communes whose access time is
  at most 20 / 30 min, over the territory's estimated young population.
- Mean and 90th percentile access time: weighted by the estimated young population (the 90th
  percentile is the smallest time under which at least 90 % of the weight lies).
- Communes, FRR communes and QPV reached by the plan: communes within ``reach`` seconds
  (default 20 min) of a planned van stop; QPV counted once each.
- Sessions, repérés, mobilisés, contacts: sums over the activity; per half-day = per session
  delivered; km per contact = km driven by the plan / contacts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from planner.coverage.need import NO_ACTIVITY_LABEL
from planner.coverage.problem import young_weights
from planner.errors import InvalidProblemError
from planner.taxonomy import FrrClass

THRESHOLDS_MIN = (20, 30)


def weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value under which at least ``q`` (0-1) of the weight lies; NaN if no weight."""
    ok = ~np.isnan(values) & (weights > 0)
    if not ok.any():
        return float("nan")
    order = np.argsort(values[ok], kind="stable")
    v, w = values[ok][order], weights[ok][order]
    cum = np.cumsum(w) / w.sum()
    return float(v[np.searchsorted(cum, q - 1e-12)])


def _access_block(times: np.ndarray, young: np.ndarray, suffix: str) -> dict[str, float]:
    total = young.sum()
    out = {}
    for minutes in THRESHOLDS_MIN:
        inside = ~np.isnan(times) & (times <= minutes * 60)
        out[f"share_{minutes}min_{suffix}"] = float(young[inside].sum() / total)
    ok = ~np.isnan(times)
    out[f"mean_access_min_{suffix}"] = (
        float((times[ok] * young[ok]).sum() / young[ok].sum() / 60) if young[ok].sum() else np.nan
    )
    out[f"p90_access_min_{suffix}"] = weighted_percentile(times, young, 0.9) / 60
    out[f"share_unreachable_{suffix}"] = float(young[~ok].sum() / total)
    return out


@dataclass(frozen=True)
class TerritoryIndicators:
    """Indicators of one territory; ``to_record`` gives the flat row of the comparison."""

    territory_id: str
    name: str
    young_total: float
    communes: int
    access: Mapping[str, float]
    communes_reached: int
    frr_communes: int
    frr_communes_reached: int
    qpv_total: int
    qpv_reached: int
    stops_by_type: Mapping[str, int]
    sessions_planned: int | None
    sessions_delivered: int
    contacts: int
    reperes: int
    mobilises: int
    km_driven: float | None
    activity_label: str = NO_ACTIVITY_LABEL
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reperes_per_half_day(self) -> float:
        return self.reperes / self.sessions_delivered if self.sessions_delivered else np.nan

    @property
    def mobilises_per_half_day(self) -> float:
        return self.mobilises / self.sessions_delivered if self.sessions_delivered else np.nan

    @property
    def km_per_contact(self) -> float:
        if self.km_driven is None or not self.contacts:
            return np.nan
        return self.km_driven / self.contacts

    def to_record(self) -> dict[str, Any]:
        """Flat plain dict (unsuppressed: the Mission Locale's own view)."""
        rec = asdict(self)
        access = rec.pop("access")
        stops = rec.pop("stops_by_type")
        rec.pop("notes")
        rec.update(access)
        rec["stops"] = int(sum(stops.values()))
        rec.update({f"stops_{k}": int(v) for k, v in sorted(stops.items())})
        rec["reperes_per_half_day"] = self.reperes_per_half_day
        rec["mobilises_per_half_day"] = self.mobilises_per_half_day
        rec["km_per_contact"] = self.km_per_contact
        rec["notes"] = " ; ".join(self.notes)
        return rec


def _nan_times(times: Any, n: int, what: str) -> np.ndarray:
    if times is None:
        return np.full(n, np.nan)
    arr = np.asarray(times, dtype=float)
    if arr.shape != (n,):
        raise InvalidProblemError(
            f"Temps d'accès « {what} » : {arr.shape[0] if arr.ndim else 0} valeurs pour {n} "
            "communes.",
            hint="Un temps (en secondes) par commune, dans l'ordre des communes.",
        )
    return np.where(arr < 0, np.nan, arr)


def territory_indicators(
    territory_id: str,
    name: str,
    *,
    young: Any,
    frr_class: Sequence[Any],
    qpv_codes: Sequence[Sequence[str]],
    fixed_times: Any,
    van_times: Any = None,
    stop_types: Sequence[str] = (),
    activity_totals: Mapping[str, int] | None = None,
    sessions_planned: int | None = None,
    km_driven: float | None = None,
    reach: int = 1200,
    activity_label: str = NO_ACTIVITY_LABEL,
    notes: Sequence[str] = (),
) -> TerritoryIndicators:
    """Compute the indicators from per-commune arrays (same order everywhere).

    Parameters
    ----------
    young
        Estimated young population per commune.
    frr_class, qpv_codes
        FRR class and the list of QPV codes of each commune.
    fixed_times, van_times
        Seconds to the nearest fixed contact point / planned van stop (NaN or negative: none).
    stop_types
        Partner type of each planned van stop.
    activity_totals
        ``sessions``, ``contacts``, ``reperes``, ``mobilises`` summed over the period.
    sessions_planned, km_driven
        From the itinerary plan, when there is one.
    reach
        Seconds within which a commune counts as reached by a planned stop.
    """
    young_arr = np.nan_to_num(np.asarray(young, dtype=float))
    young_weights(young_arr, territory_id=territory_id)
    n = young_arr.size
    if len(frr_class) != n or len(qpv_codes) != n:
        raise InvalidProblemError(
            f"Il faut une classe FRR et une liste de QPV par commune ({n}).",
            hint="Les tableaux par commune doivent avoir la même longueur.",
        )
    if reach <= 0:
        raise InvalidProblemError(
            f"Le rayon « atteint par le plan » doit être > 0 s, reçu {reach}.",
            hint="Par exemple 1200 s (20 min).",
        )
    fixed = _nan_times(fixed_times, n, "points fixes")
    van = _nan_times(van_times, n, "arrêts du camion")
    both = np.fmin(fixed, van)
    access = _access_block(fixed, young_arr, "fixed") | _access_block(both, young_arr, "with_van")
    reached = ~np.isnan(van) & (van <= reach)
    is_frr = np.asarray([FrrClass(v).is_frr for v in frr_class], dtype=bool)
    qpv_all = {q for codes in qpv_codes for q in codes if q}
    qpv_hit = {q for codes, r in zip(qpv_codes, reached, strict=True) if r for q in codes if q}
    totals = {k: int((activity_totals or {}).get(k, 0)) for k in COUNT_KEYS}
    if any(v < 0 for v in totals.values()) or (
        sessions_planned is not None and sessions_planned < 0
    ):
        raise InvalidProblemError(
            "Comptes d'activité négatifs.", hint="Les comptes sont positifs ou nuls."
        )
    types: dict[str, int] = {}
    for t in stop_types:
        types[str(t)] = types.get(str(t), 0) + 1
    return TerritoryIndicators(
        territory_id=territory_id,
        name=name,
        young_total=float(young_arr.sum()),
        communes=n,
        access=access,
        communes_reached=int(reached.sum()),
        frr_communes=int(is_frr.sum()),
        frr_communes_reached=int((reached & is_frr).sum()),
        qpv_total=len(qpv_all),
        qpv_reached=len(qpv_hit),
        stops_by_type=types,
        sessions_planned=sessions_planned,
        sessions_delivered=totals["sessions"],
        contacts=totals["contacts"],
        reperes=totals["reperes"],
        mobilises=totals["mobilises"],
        km_driven=km_driven,
        activity_label=activity_label,
        notes=tuple(notes),
    )


COUNT_KEYS = ("sessions", "contacts", "reperes", "mobilises")
