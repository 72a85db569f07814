"""The :class:`TravelMatrix` result (re-exported by :mod:`planner.matrix`, its public home).

Kept in its own module so that both engines (:mod:`planner.matrix` for the road network,
:mod:`planner.estimate` for the declared estimate) build it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from planner.errors import InvalidProblemError

UNREACHABLE = -1
"""Value of ``durations``/``distances`` where ``reachable`` is False: never a valid time."""

METHODS = ("osm", "estimate")


def _fr_number(x: float) -> str:
    """French decimal notation: 1.3 -> "1,3", 50.0 -> "50"."""
    return f"{x:g}".replace(".", ",")


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Travel times and distances from ``n_src`` points to ``n_dst`` points.

    Attributes
    ----------
    durations
        Integer seconds, int64, shape ``(n_src, n_dst)``.
    distances
        Integer metres, int64, same shape.
    reachable
        Bool, same shape. Where False, ``durations`` and ``distances`` hold
        :data:`UNREACHABLE` (-1) and have no meaning: every consumer must check.
    method
        ``"osm"`` (road network) or ``"estimate"`` (declared estimate).
    params
        What produced the numbers: circuity and speeds for the estimate; graph hash, snap
        distances and counts for the network. Shown with every later output.
    """

    durations: np.ndarray
    distances: np.ndarray
    reachable: np.ndarray
    method: str
    params: Mapping[str, object]

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InvalidProblemError(
                f"Méthode de matrice inconnue : {self.method!r}.",
                hint="Méthodes possibles : 'osm' (réseau routier) ou 'estimate' (estimation).",
            )
        arrays = (self.durations, self.distances, self.reachable)
        if any(not isinstance(a, np.ndarray) for a in arrays) or self.durations.ndim != 2:
            raise InvalidProblemError(
                "Matrice de temps invalide : tableaux numpy à deux dimensions attendus.",
                hint="Construisez-la avec planner.matrix.travel_matrix.",
            )
        if not (self.durations.shape == self.distances.shape == self.reachable.shape):
            raise InvalidProblemError(
                f"Formes incohérentes : durées {self.durations.shape}, distances "
                f"{self.distances.shape}, accessibilité {self.reachable.shape}.",
                hint="Les trois tableaux ont la forme (n_départs, n_arrivées).",
            )
        if self.durations.dtype != np.int64 or self.distances.dtype != np.int64:
            raise InvalidProblemError(
                f"Durées et distances doivent être des entiers int64 (secondes, mètres) ; reçu "
                f"{self.durations.dtype} et {self.distances.dtype}.",
                hint="Arrondissez (np.rint) puis convertissez avec .astype(np.int64).",
            )
        if self.reachable.dtype != np.bool_:
            raise InvalidProblemError(
                f"Le masque d'accessibilité doit être booléen ; reçu {self.reachable.dtype}.",
                hint="Passez reachable=np.isfinite(temps) par exemple.",
            )
        ok = self.reachable
        if np.any(self.durations[ok] < 0) or np.any(self.distances[ok] < 0):
            raise InvalidProblemError(
                "Durées ou distances négatives sur des paires accessibles.",
                hint="Les temps et distances accessibles sont positifs ou nuls.",
            )
        if np.any(self.durations[~ok] != UNREACHABLE) or np.any(self.distances[~ok] != UNREACHABLE):
            raise InvalidProblemError(
                "Les paires inaccessibles doivent valoir -1 (jamais 0 ni une grande valeur).",
                hint="Mettez durées et distances à UNREACHABLE là où reachable est faux.",
            )
        for a in arrays:
            a.setflags(write=False)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @classmethod
    def from_seconds(
        cls,
        seconds: np.ndarray,
        metres: np.ndarray,
        *,
        method: str,
        params: Mapping[str, object],
    ) -> TravelMatrix:
        """Build from float seconds and metres where ``inf``/``nan`` means unreachable."""
        seconds, metres = np.asarray(seconds, dtype=float), np.asarray(metres, dtype=float)
        reachable = np.isfinite(seconds) & np.isfinite(metres)
        return cls(
            durations=np.where(reachable, np.rint(np.nan_to_num(seconds)), UNREACHABLE).astype(
                np.int64
            ),
            distances=np.where(reachable, np.rint(np.nan_to_num(metres)), UNREACHABLE).astype(
                np.int64
            ),
            reachable=reachable,
            method=method,
            params=params,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.durations.shape  # type: ignore[return-value]

    def minutes(self) -> np.ndarray:
        """Durations in float minutes, ``nan`` where unreachable."""
        return np.where(self.reachable, self.durations / 60.0, np.nan)

    def columns(self, index: object) -> TravelMatrix:
        """The same sources to a subset of the destinations (``index``: column positions)."""
        cols = np.asarray(index, dtype=np.int64).reshape(-1)
        return TravelMatrix(
            durations=self.durations[:, cols],
            distances=self.distances[:, cols],
            reachable=self.reachable[:, cols],
            method=self.method,
            params=self.params,
        )

    def nearest_s(self) -> np.ndarray:
        """Per source, the shortest reachable duration (s) to any destination; NaN when none."""
        if self.durations.shape[1] == 0:
            return np.full(self.durations.shape[0], np.nan)
        best = np.where(self.reachable, self.durations.astype(float), np.inf).min(axis=1)
        return np.where(np.isfinite(best), best, np.nan)

    def transpose(self) -> TravelMatrix:
        """The same pairs seen from the destinations (rows and columns swapped)."""
        return TravelMatrix(
            durations=self.durations.T.copy(),
            distances=self.distances.T.copy(),
            reachable=self.reachable.T.copy(),
            method=self.method,
            params=self.params,
        )

    def describe_fr(self) -> str:
        """Short French sentence saying how the times were obtained (shown in every output)."""
        return self.describe_fr_for(self.method, self.params)

    @staticmethod
    def describe_fr_for(method: str, params: Mapping[str, object]) -> str:
        """:meth:`describe_fr` from a method and its parameters (for results derived later)."""
        if method == "estimate":
            return (
                "temps de trajet estimés (distance à vol d'oiseau x "
                f"{_fr_number(_num(params['circuity']))} à "
                f"{_fr_number(_num(params['speed_min_kph']))}-"
                f"{_fr_number(_num(params['speed_max_kph']))} km/h)"
            )
        source = params.get("source", "OpenStreetMap")
        if source == "OpenStreetMap":
            return "temps de trajet sur le réseau routier OpenStreetMap"
        if str(source).startswith("OSM ("):  # a downloaded network: « OSM (28 mai 2013) »
            return f"temps de trajet sur le réseau routier {source}"
        return f"temps de trajet sur le réseau routier ({source})"


def _num(value: object) -> float:
    """A numeric parameter stored in a ``Mapping[str, object]``."""
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    raise TypeError(f"paramètre numérique attendu, reçu {value!r}")
