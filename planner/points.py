"""Validation of lon/lat points and choice of the metric CRS for France.

Every engine takes points as ``numpy`` arrays of shape ``(n, 2)`` holding WGS84 longitude then
latitude (EPSG:4326). :func:`check_lonlat` turns the usual mistakes into clear French errors:
swapped coordinates ("ordre attendu (lon, lat)"), projected coordinates passed as degrees
(wrong CRS), points outside France.

France is split into zones, each with its official metric CRS: metropolitan France and Corsica
use Lambert-93 (EPSG:2154); overseas departments and collectivities use their UTM zone on the
local geodetic system. Bounding boxes are generous (a few km of margin) so that border
communes and extracts clipped across a border still fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.errors import InvalidPointsError


@dataclass(frozen=True)
class Zone:
    """A French territory zone: a lon/lat bounding box and its metric CRS."""

    name: str
    lon_min: float
    lat_min: float
    lon_max: float
    lat_max: float
    metric_crs: str

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Boolean mask of the points inside the bounding box."""
        return (
            (lon >= self.lon_min)
            & (lon <= self.lon_max)
            & (lat >= self.lat_min)
            & (lat <= self.lat_max)
        )


ZONES: tuple[Zone, ...] = (
    Zone("France métropolitaine et Corse", -5.5, 41.2, 9.8, 51.3, "EPSG:2154"),
    Zone("Guadeloupe", -61.9, 15.8, -60.9, 16.6, "EPSG:5490"),
    Zone("Martinique", -61.3, 14.3, -60.7, 14.95, "EPSG:5490"),
    Zone("Saint-Martin et Saint-Barthélemy", -63.2, 17.8, -62.7, 18.2, "EPSG:5490"),
    Zone("Guyane", -54.7, 2.0, -51.5, 5.9, "EPSG:2972"),
    Zone("La Réunion", 55.1, -21.5, 55.9, -20.8, "EPSG:2975"),
    Zone("Mayotte", 44.9, -13.1, 45.4, -12.5, "EPSG:4471"),
    Zone("Saint-Pierre-et-Miquelon", -56.5, 46.7, -56.1, 47.2, "EPSG:4467"),
)


def _zone_index(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index in :data:`ZONES` of each point, -1 outside every zone."""
    idx = np.full(lon.shape, -1, dtype=np.int64)
    for k, zone in enumerate(ZONES):
        idx[(idx < 0) & zone.contains(lon, lat)] = k
    return idx


def check_lonlat(points: object, *, what: str = "points") -> np.ndarray:
    """Validate lon/lat points and return them as a float64 array of shape ``(n, 2)``.

    Parameters
    ----------
    points
        Array-like of shape ``(n, 2)``: longitude, latitude in degrees (EPSG:4326).
    what
        French name of the points for messages (e.g. ``"communes"``, ``"arrêts"``).

    Returns
    -------
    numpy.ndarray
        The points, float64, shape ``(n, 2)``, all in one French zone.

    Raises
    ------
    InvalidPointsError
        Wrong shape, non-finite values, projected coordinates (wrong CRS), swapped lon/lat,
        points outside France, or points spread over several French zones.
    """
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidPointsError(
            f"Les {what} doivent être un tableau numérique (n, 2) de (lon, lat).",
            hint="Passez un tableau numpy de forme (n, 2) : longitude puis latitude en degrés.",
        ) from exc
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise InvalidPointsError(
            f"Les {what} doivent former un tableau (n, 2) non vide ; reçu la forme {arr.shape}.",
            hint="Une ligne par point : longitude puis latitude en degrés (EPSG:4326).",
        )
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
        raise InvalidPointsError(
            f"Le point {bad} des {what} a une coordonnée manquante ou infinie.",
            hint="Complétez les coordonnées (lon, lat) de chaque point.",
        )
    lon, lat = arr[:, 0], arr[:, 1]
    if np.any(np.abs(lon) > 180) or np.any(np.abs(lat) > 90):
        bad = int(np.flatnonzero((np.abs(lon) > 180) | (np.abs(lat) > 90))[0])
        raise InvalidPointsError(
            f"Le point {bad} des {what} vaut ({lon[bad]:.1f}, {lat[bad]:.1f}) : ce ne sont pas "
            "des degrés ; les coordonnées semblent projetées (mètres, par exemple EPSG:2154).",
            hint="Reprojetez en WGS84 (EPSG:4326) et passez (lon, lat) en degrés.",
        )
    zone = _zone_index(lon, lat)
    outside = np.flatnonzero(zone < 0)
    if outside.size:
        swapped = _zone_index(lat, lon)
        if np.all(swapped[outside] >= 0):
            raise InvalidPointsError(
                f"{outside.size} des {what} sont hors de France, mais le seraient en inversant "
                f"longitude et latitude (premier : ({lon[outside[0]]:.4f}, "
                f"{lat[outside[0]]:.4f})) : ordre attendu (lon, lat).",
                hint="Inversez les colonnes : longitude d'abord, latitude ensuite.",
            )
        k = int(outside[0])
        raise InvalidPointsError(
            f"{outside.size} des {what} sont hors de France (premier : point {k} en "
            f"({lon[k]:.4f}, {lat[k]:.4f}), ordre attendu (lon, lat)).",
            hint="Vérifiez les coordonnées : WGS84 (EPSG:4326), longitude puis latitude.",
        )
    zones = np.unique(zone)
    if zones.size > 1:
        names = ", ".join(ZONES[int(z)].name for z in zones)
        raise InvalidPointsError(
            f"Les {what} s'étendent sur plusieurs zones sans liaison routière : {names}.",
            hint="Calculez une matrice par zone (métropole, chaque territoire d'outre-mer).",
        )
    return arr


def zone_of(points: np.ndarray) -> Zone:
    """The French zone holding validated lon/lat points (see :func:`check_lonlat`)."""
    idx = _zone_index(points[:, 0], points[:, 1])
    return ZONES[int(idx[0])]


def haversine_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres between every point of ``a`` and every point of ``b``.

    Sphere of radius 6,371,008.8 m (IUGG mean radius); the error against the WGS84 ellipsoid is
    below 0.5 %, far under the uncertainty of any circuity factor.

    Parameters
    ----------
    a, b
        Lon/lat arrays of shape ``(n, 2)`` and ``(m, 2)``.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(n, m)``.
    """
    lon1, lat1 = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lon2, lat2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
