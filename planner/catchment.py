"""Catchments of candidate stops: which communes (and how many young people) lie within T min.

Direction matters where one-way roads make the trip there and back differ: young people travel
to the stop, so the matrix is read commune -> stop (rows communes, columns stops). With
``both_directions=True`` a commune counts only if the stop is within T minutes both ways
(to the stop and back home).

An unreachable pair (``TravelMatrix.reachable`` False) is never inside a catchment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from planner.errors import InvalidProblemError
from planner.matrix import TravelMatrix


def _within(matrix: TravelMatrix, limit_s: float) -> np.ndarray:
    return matrix.reachable & (matrix.durations <= limit_s)


@dataclass(frozen=True, eq=False)
class Catchments:
    """Communes within each time threshold of each stop.

    Attributes
    ----------
    thresholds_min
        Time thresholds in minutes, increasing (default 20 and 30).
    within
        Bool, shape ``(n_thresholds, n_communes, n_stops)``: commune ``i`` reaches stop ``j``
        within threshold ``k``.
    young
        Estimated young population (16-25) of each commune, shape ``(n_communes,)``.
    young_within
        Young population within each threshold of each stop, shape ``(n_thresholds, n_stops)``.
    both_directions
        Whether the trip back from the stop was required within the threshold too.
    method, params
        Method and parameters of the travel times (see :class:`TravelMatrix`).
    """

    thresholds_min: tuple[int, ...]
    within: np.ndarray
    young: np.ndarray
    young_within: np.ndarray
    both_directions: bool
    method: str
    params: Mapping[str, object]

    def __post_init__(self) -> None:
        k, n, s = self.within.shape
        if (
            k != len(self.thresholds_min)
            or self.young.shape != (n,)
            or self.young_within.shape != (k, s)
        ):
            raise InvalidProblemError(
                "Aires d'attraction incohérentes (seuils, communes, arrêts).",
                hint="Construisez-les avec planner.catchment.catchments.",
            )
        for a in (self.within, self.young, self.young_within):
            a.setflags(write=False)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def n_communes(self) -> int:
        return int(self.within.shape[1])

    @property
    def n_stops(self) -> int:
        return int(self.within.shape[2])

    def _k(self, threshold_min: int) -> int:
        if threshold_min not in self.thresholds_min:
            raise InvalidProblemError(
                f"Seuil de {threshold_min} min non calculé.",
                hint=f"Seuils disponibles : {', '.join(map(str, self.thresholds_min))} min.",
            )
        return self.thresholds_min.index(threshold_min)

    def communes_of(self, stop: int, threshold_min: int) -> np.ndarray:
        """Indices of the communes within ``threshold_min`` of ``stop``."""
        return np.flatnonzero(self.within[self._k(threshold_min), :, stop])

    def covered(self, threshold_min: int, stops: object = None) -> np.ndarray:
        """Bool per commune: within ``threshold_min`` of at least one of ``stops`` (all if None)."""
        sel = self.within[self._k(threshold_min)]
        if stops is not None:
            sel = sel[:, np.asarray(stops, dtype=np.int64)]
        return sel.any(axis=1)

    def young_covered(self, threshold_min: int, stops: object = None) -> float:
        """Young population of the communes covered by ``stops`` within ``threshold_min``."""
        return float(self.young[self.covered(threshold_min, stops)].sum())

    @classmethod
    def from_matrix(
        cls,
        matrix_to_stop: TravelMatrix,
        young: object,
        *,
        thresholds_min: tuple[int, ...] = (20, 30),
        matrix_from_stop: TravelMatrix | None = None,
    ) -> Catchments:
        """See :func:`catchments`."""
        return catchments(
            matrix_to_stop, young, thresholds_min=thresholds_min, matrix_from_stop=matrix_from_stop
        )

    def describe_fr(self) -> str:
        """French sentence: thresholds, direction and how the times were obtained."""
        matrix_text = TravelMatrix.describe_fr_for(self.method, self.params)
        direction = "aller et retour" if self.both_directions else "trajet vers l'arrêt"
        seuils = " et ".join(f"{t} min" for t in self.thresholds_min)
        return f"Communes à moins de {seuils} ({direction}) ; {matrix_text}."


def catchments(
    matrix_to_stop: TravelMatrix,
    young: object,
    *,
    thresholds_min: tuple[int, ...] = (20, 30),
    matrix_from_stop: TravelMatrix | None = None,
) -> Catchments:
    """Catchments from a commune -> stop matrix (the ``from_matrix`` constructor).

    Parameters
    ----------
    matrix_to_stop
        Rows communes, columns stops.
    young
        Young population per commune (non-negative, finite), shape ``(n_communes,)``.
    thresholds_min
        Positive, strictly increasing minutes.
    matrix_from_stop
        Optional stop -> commune matrix (rows stops); when given, a commune counts only if the
        trip back is within the threshold too.
    """
    n, s = matrix_to_stop.shape
    y = np.asarray(young, dtype=float)
    if y.shape != (n,) or not np.all(np.isfinite(y)) or np.any(y < 0):
        raise InvalidProblemError(
            f"Population jeune invalide : {y.shape[0] if y.ndim else 0} valeurs pour "
            f"{n} communes, ou des valeurs négatives ou manquantes.",
            hint="Une valeur positive ou nulle par commune, dans l'ordre des lignes.",
        )
    thresholds = tuple(int(t) for t in thresholds_min)
    steps = np.diff(np.asarray(thresholds))
    if not thresholds or thresholds[0] <= 0 or np.any(steps <= 0):
        raise InvalidProblemError(
            f"Seuils de temps invalides : {thresholds_min}.",
            hint="Minutes positives et strictement croissantes, par exemple (20, 30).",
        )
    if matrix_from_stop is not None and (
        matrix_from_stop.shape != (s, n) or matrix_from_stop.method != matrix_to_stop.method
    ):
        raise InvalidProblemError(
            f"Matrice retour de forme {matrix_from_stop.shape} ({matrix_from_stop.method}) ; "
            f"attendu {(s, n)} ({matrix_to_stop.method}).",
            hint="Calculez la matrice retour arrêts -> communes avec la même méthode.",
        )
    within = np.stack([_within(matrix_to_stop, t * 60) for t in thresholds])
    if matrix_from_stop is not None:
        back = np.stack([_within(matrix_from_stop, t * 60).T for t in thresholds])
        within &= back
    return Catchments(
        thresholds_min=thresholds,
        within=within,
        young=y,
        young_within=np.einsum("kns,n->ks", within, y),
        both_directions=matrix_from_stop is not None,
        method=matrix_to_stop.method,
        params=matrix_to_stop.params,
    )


@dataclass(frozen=True)
class CoverageStop:
    """A van stop with the INSEE codes of the communes in its catchment (e.g. within 20 min)."""

    id: str
    name: str
    lon: float
    lat: float
    catchment: tuple[str, ...] = ()
    label: str = "zone à 20 min"
