"""The coverage problem: demand points x candidate sites, integer costs, integer weights.

Rows are demand points (communes, census tracts), columns are candidate sites (van stops,
contact points). Costs are integers (seconds for travel times, metres for distances); a boolean
``reachable`` mask marks the pairs that have a route at all. Weights are non-negative integers
(estimated young people, or need-weighted young people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.errors import InvalidProblemError

UNITS = ("s", "m")


def _ids(values: Sequence[Any] | None, n: int, prefix: str, what: str) -> tuple[str, ...]:
    if values is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    out = tuple(str(v) for v in values)
    if len(out) != n:
        raise InvalidProblemError(
            f"Il faut {n} identifiants de {what}, reçu {len(out)}.",
            hint=f"Donnez un identifiant par {'ligne' if prefix == 'd' else 'colonne'} "
            "de la matrice.",
        )
    if len(set(out)) != n:
        dup = sorted({v for v in out if out.count(v) > 1})[:5]
        raise InvalidProblemError(
            f"Identifiants de {what} en double : {', '.join(dup)}.",
            hint="Chaque identifiant doit être unique.",
        )
    return out


def _as_int_array(values: Any, name: str, ndim: int, *, mask: Any = None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != ndim:
        raise InvalidProblemError(
            f"« {name} » doit être un tableau à {ndim} dimension(s), reçu {arr.ndim}.",
            hint="Lignes = points de demande, colonnes = sites candidats.",
        )
    if arr.dtype.kind not in "iu":
        raise InvalidProblemError(
            f"« {name} » doit contenir des entiers (secondes ou mètres), reçu {arr.dtype}.",
            hint="Arrondissez d'abord : np.rint(x).astype(np.int64).",
        )
    checked = arr if mask is None else arr[mask]
    if checked.size and checked.min() < 0:
        raise InvalidProblemError(
            f"« {name} » contient une valeur négative ({int(checked.min())}).",
            hint="Les temps, distances et poids sont positifs ou nuls.",
        )
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class CoverageProblem:
    """Demand points, candidate sites, integer costs between them.

    Parameters
    ----------
    costs
        ``(n_demand, n_sites)`` int64 travel times (s) or distances (m).
    weights
        ``(n_demand,)`` int64 demand weights.
    reachable
        ``(n_demand, n_sites)`` bool; False pairs never cover nor serve.
    demand_ids, site_ids
        Identifiers of rows and columns.
    unit
        ``"s"`` or ``"m"``: the unit of ``costs``.
    method
        How the costs were computed (the travel-time method declared by the matrix).
    """

    costs: np.ndarray
    weights: np.ndarray
    reachable: np.ndarray
    demand_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    unit: str = "s"
    method: str = ""

    def __post_init__(self) -> None:
        reach = np.asarray(self.reachable)
        costs = np.asarray(self.costs)
        if reach.shape != costs.shape or reach.dtype != bool:
            raise InvalidProblemError(
                f"Le masque « reachable » doit être booléen de forme {costs.shape}, "
                f"reçu {reach.dtype} {reach.shape}.",
                hint="Utilisez le masque de la matrice de temps de parcours.",
            )
        # Unreachable cells (-1 in a TravelMatrix) carry no meaning and are never read.
        costs = _as_int_array(costs, "costs", 2, mask=reach)
        weights = _as_int_array(self.weights, "weights", 1)
        n, m = costs.shape
        if m == 0:
            raise InvalidProblemError(
                "Aucun site candidat (la matrice n'a aucune colonne).",
                hint="Ajoutez au moins un lieu d'arrêt possible.",
            )
        if n == 0:
            raise InvalidProblemError(
                "Aucun point de demande (la matrice n'a aucune ligne).",
                hint="Le territoire doit contenir au moins une commune.",
            )
        if weights.shape != (n,):
            raise InvalidProblemError(
                f"Il faut un poids par ligne ({n}), reçu {weights.shape[0]}.",
                hint="« weights » doit suivre l'ordre des lignes de la matrice.",
            )
        if self.unit not in UNITS:
            raise InvalidProblemError(
                f"Unité inconnue {self.unit!r} ; attendu « s » ou « m ».",
                hint="Secondes pour des temps, mètres pour des distances.",
            )
        costs.setflags(write=False)
        weights.setflags(write=False)
        reach = reach.copy()
        reach.setflags(write=False)
        object.__setattr__(self, "costs", costs)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "reachable", reach)
        object.__setattr__(self, "demand_ids", _ids(self.demand_ids, n, "d", "demande"))
        object.__setattr__(self, "site_ids", _ids(self.site_ids, m, "s", "site"))

    @property
    def n_demand(self) -> int:
        return int(self.costs.shape[0])

    @property
    def n_sites(self) -> int:
        return int(self.costs.shape[1])

    def within(self, limit: int) -> np.ndarray:
        """Boolean ``(n_demand, n_sites)``: reachable pairs with cost <= ``limit``."""
        return self.reachable & (self.costs <= limit)

    @classmethod
    def from_matrix(
        cls,
        costs: Any,
        weights: Any,
        *,
        reachable: Any = None,
        demand_ids: Sequence[Any] | None = None,
        site_ids: Sequence[Any] | None = None,
        unit: str = "s",
        method: str = "",
    ) -> CoverageProblem:
        """Build a problem from plain arrays (what tests and benchmarks use).

        ``reachable`` defaults to all True.
        """
        arr = np.asarray(costs)
        if reachable is None:
            reachable = np.ones(arr.shape, dtype=bool)
        return cls(
            costs=arr,
            weights=np.asarray(weights),
            reachable=np.asarray(reachable),
            demand_ids=tuple(demand_ids) if demand_ids is not None else None,  # type: ignore[arg-type]
            site_ids=tuple(site_ids) if site_ids is not None else None,  # type: ignore[arg-type]
            unit=unit,
            method=method,
        )


def young_weights(young: np.ndarray, *, territory_id: str = "") -> np.ndarray:
    """Round estimated young populations to integer weights; refuse an empty territory."""
    young = np.nan_to_num(np.asarray(young, dtype=float), nan=0.0)
    if young.size == 0 or young.sum() <= 0:
        raise InvalidProblemError(
            f"Le territoire {territory_id or '(sans identifiant)'} n'a aucune population "
            "jeune estimée (somme = 0).",
            hint="Vérifiez la colonne « young » (estimation 16-25 ans) ou fournissez un fichier "
            "INSEE par âge.",
        )
    if young.min() < 0:
        raise InvalidProblemError(
            "Population jeune négative dans la colonne « young ».",
            hint="Les effectifs estimés sont positifs ou nuls.",
        )
    return np.rint(young).astype(np.int64)
