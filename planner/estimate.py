"""Declared estimate of car travel times when no road network is given.

Model
-----
``road distance = straight-line distance x circuity``, and the time is spent at banded speeds
along the way: with the default bands, the first 2 km (straight line) are driven at 30 km/h,
the next 8 km (2-10 km) at 50 km/h, the next 20 km (10-30 km) at 70 km/h and the rest at
85 km/h. Each band's speed applies to the part of the trip inside the band (marginal speeds,
like a tax schedule), so that the time grows continuously and monotonically with distance: a
short hop stays in town streets, a long trip reaches main roads.

Default values and their grounds (assumptions, to override with local knowledge)
------------------------------------------------------------------------------
circuity 1.3
    Ratio of road to straight-line distance. Measured detour indexes of road networks are
    about 1.2-1.4 in Europe (Ballou, Rahardja & Sakai 2002, *Selected country circuity factors
    for road travel distance estimation*, Transportation Research A 36: 1.2-1.3 in western
    Europe; Boscoe, Henry & Zdeb 2012 around 1.4 for short rural trips in the United States);
    rural France with its dense network of small roads sits near 1.3.
speeds 30 / 50 / 70 / 85 km/h
    Typical door-to-door averages below the legal limits of the French highway code: 50 km/h in
    built-up areas (R413-3), 80 km/h on two-way roads without a central separator since
    1 July 2018 (décret 2018-487, R413-2), 110-130 km/h on dual carriageways and motorways that
    rural trips rarely use for long. The short band includes parking, junctions and villages.

Distances are great-circle distances (:func:`planner.points.haversine_m`), computed in one
vectorised pass. Every result has ``method="estimate"`` and carries these parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.errors import InvalidProblemError
from planner.points import check_lonlat, haversine_m
from planner.travel import TravelMatrix


@dataclass(frozen=True)
class EstimateParams:
    """Parameters of the declared estimate (see the module docstring for the defaults' grounds).

    Parameters
    ----------
    circuity
        Road distance / straight-line distance, at least 1.
    bands_km
        Upper bounds (straight-line km, strictly increasing, positive) of all bands but the last.
    speeds_kph
        Speed in each band, one more than ``bands_km``, each in (0, 130].
    """

    circuity: float = 1.3
    bands_km: tuple[float, ...] = (2.0, 10.0, 30.0)
    speeds_kph: tuple[float, ...] = (30.0, 50.0, 70.0, 85.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands_km", tuple(float(b) for b in self.bands_km))
        object.__setattr__(self, "speeds_kph", tuple(float(s) for s in self.speeds_kph))
        if not (1.0 <= self.circuity <= 3.0):
            raise InvalidProblemError(
                f"Facteur de détour (circuity) hors bornes : {self.circuity}.",
                hint="Choisissez une valeur entre 1 et 3 (1,3 par défaut pour la France rurale).",
            )
        bands = np.asarray(self.bands_km)
        if np.any(bands <= 0) or np.any(np.diff(bands) <= 0):
            raise InvalidProblemError(
                f"Tranches de distance invalides : {self.bands_km}.",
                hint="Bornes en km, positives et strictement croissantes, par exemple (2, 10, 30).",
            )
        if len(self.speeds_kph) != len(self.bands_km) + 1:
            raise InvalidProblemError(
                f"{len(self.speeds_kph)} vitesses pour {len(self.bands_km)} bornes de tranches.",
                hint="Donnez une vitesse de plus que de bornes (la dernière vaut au-delà).",
            )
        if any(not (0 < s <= 130) for s in self.speeds_kph):
            raise InvalidProblemError(
                f"Vitesses hors bornes : {self.speeds_kph}.",
                hint="Vitesses en km/h, entre 0 (exclu) et 130.",
            )

    def as_params(self) -> dict[str, object]:
        """The parameters as stored in :attr:`TravelMatrix.params`."""
        return {
            "circuity": self.circuity,
            "bands_km": self.bands_km,
            "speeds_kph": self.speeds_kph,
            "speed_min_kph": min(self.speeds_kph),
            "speed_max_kph": max(self.speeds_kph),
            "distance": "grand cercle (sphère de 6 371 km) x circuity",
        }

    def seconds(self, straight_m: np.ndarray) -> np.ndarray:
        """Travel seconds for straight-line distances in metres (any shape)."""
        d_km = np.asarray(straight_m, dtype=float) / 1000.0
        lower = np.concatenate([[0.0], self.bands_km])
        upper = np.concatenate([self.bands_km, [np.inf]])
        hours = np.zeros_like(d_km)
        for lo, hi, speed in zip(lower, upper, self.speeds_kph, strict=True):
            hours += np.clip(d_km - lo, 0.0, hi - lo) / speed
        return hours * 3600.0 * self.circuity


def estimate_matrix(
    src: object,
    dst: object | None = None,
    params: EstimateParams = EstimateParams(),  # noqa: B008 - frozen dataclass
) -> TravelMatrix:
    """Estimated travel matrix (method ``"estimate"``) between lon/lat points.

    Parameters
    ----------
    src, dst
        Lon/lat WGS84 arrays of shape ``(n, 2)`` and ``(m, 2)``; ``dst=None`` means ``src``.
    params
        Circuity and banded speeds.

    Returns
    -------
    TravelMatrix
        Every pair reachable; integer seconds and metres.
    """
    a = check_lonlat(src, what="points de départ")
    b = a if dst is None else check_lonlat(dst, what="points d'arrivée")
    straight = haversine_m(a, b)
    return TravelMatrix.from_seconds(
        params.seconds(straight),
        straight * params.circuity,
        method="estimate",
        params=params.as_params(),
    )
