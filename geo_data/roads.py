"""Road networks: read, download, cache, and the disk cache of travel matrices.

Graphs are in the osmnx form (``networkx.MultiDiGraph``, lon/lat on nodes as ``x``/``y``,
``length`` in metres, ``speed_kph`` and ``travel_time`` in seconds on edges).

- :func:`load_network` reads ``.osm``, ``.osm.bz2``, ``.osm.pbf`` (pyosmium, see
  :mod:`geo_data.roads_osm`) or ``.graphml`` (osmnx's own save format, used as the cache).
- :func:`configure_osmnx` makes a download fail fast and clearly; the download of a
  territory's network (``milo roads``) is :mod:`geo_data.roads_download`, its cache
  :mod:`geo_data.road_cache`.
- :func:`prepare_network` (from :mod:`geo_data.roads_speeds`) adds speeds and travel times and
  keeps the largest strongly connected component, with a report.
- :class:`MatrixCache` stores :class:`planner.matrix.TravelMatrix` results on disk, keyed by
  graph hash and points (see :func:`planner.matrix.travel_matrix`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
from shapely.geometry.base import BaseGeometry

from geo_data.roads_osm import OSM_FORMATS, ParseReport, graph_from_osm_bytes, simplify_with_times
from geo_data.roads_speeds import (
    FRENCH_DEFAULT_SPEEDS_KPH,
    NetworkReport,
    add_speeds,
    parse_maxspeed,
    prepare_network,
)
from planner.errors import DataSourceError, InvalidNetworkError
from planner.network import RoadNetwork, road_network_from_graph
from planner.points import check_lonlat, zone_of
from planner.travel import TravelMatrix

__all__ = [
    "FRENCH_DEFAULT_SPEEDS_KPH",
    "MatrixCache",
    "NetworkReport",
    "ParseReport",
    "configure_osmnx",
    "load_network",
    "load_road_network",
    "parse_maxspeed",
    "prepare_network",
    "save_graphml",
]

HTTP_TIMEOUT_S = 30


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".graphml"):
        return "graphml"
    for suffix in sorted(OSM_FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return OSM_FORMATS[suffix]
    raise DataSourceError(
        f"Format de réseau routier non reconnu : {path.name}.",
        hint="Extensions acceptées : .osm, .osm.bz2, .osm.pbf, .graphml.",
    )


def load_network(path: str | Path, *, simplify: bool = True) -> nx.MultiDiGraph:
    """Read a road network file into an osmnx graph with speeds and travel times.

    Parameters
    ----------
    path
        ``.osm``, ``.osm.bz2``, ``.osm.pbf`` (drivable ways whose nodes are all present) or
        ``.graphml`` (osmnx format, returned as stored plus missing speeds).
    simplify
        For OSM files, merge chains of degree-2 nodes as osmnx does (lengths and travel times
        summed). Ignored for GraphML.

    Returns
    -------
    networkx.MultiDiGraph
        Not yet restricted to its largest component: pass it to :func:`prepare_network`.

    Raises
    ------
    DataSourceError
        Missing or unreadable file, unknown extension.
    InvalidNetworkError
        No drivable way in the file.
    """
    import osmnx as ox

    path = Path(path)
    fmt = _format_of(path)
    if not path.is_file():
        raise DataSourceError(
            f"Fichier de réseau routier introuvable : {path}.",
            hint="Vérifiez le chemin, ou téléchargez le réseau du territoire (« milo roads »).",
        )
    if fmt == "graphml":
        try:
            G = ox.load_graphml(path)
        except Exception as exc:  # osmnx/networkx raise many kinds on a broken file
            raise DataSourceError(
                f"Fichier GraphML illisible : {path.name} ({type(exc).__name__} : {exc}).",
                hint="Régénérez-le avec save_graphml ou osmnx.save_graphml.",
            ) from exc
        if G.number_of_edges():
            add_speeds(G)
        return G
    G, report = graph_from_osm_bytes(path.read_bytes(), fmt, name=path.name)
    add_speeds(G)
    if simplify:
        G = simplify_with_times(G)
    G.graph.update(
        ways_total=report.ways_total,
        ways_drivable=report.ways_drivable,
        ways_clipped=report.ways_clipped,
    )
    return G


def load_road_network(path: str | Path) -> tuple[RoadNetwork, NetworkReport]:
    """Read, prepare and convert a network file into the planner's :class:`RoadNetwork`."""
    G, report = prepare_network(load_network(path))
    return road_network_from_graph(G), report


def save_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Save an osmnx graph as GraphML (osmnx's format; the network cache format)."""
    import osmnx as ox

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.save_graphml(G, path)
    return path


def configure_osmnx(cache_dir: str | Path) -> None:
    """Set osmnx so that a missing network fails fast and clearly.

    HTTP cache under ``cache_dir``; short timeout; no Overpass rate-limit pause (which would
    wait up to a minute for a free slot); no DNS-over-HTTPS fallback (which would try a
    public resolver when local DNS fails, i.e. when offline).
    """
    import osmnx as ox

    ox.settings.use_cache = True
    ox.settings.cache_folder = str(Path(cache_dir) / "osmnx-http")
    ox.settings.requests_timeout = HTTP_TIMEOUT_S
    ox.settings.overpass_rate_limit = False
    ox.settings.doh_url_template = None
    ox.settings.log_console = False


def _buffered(polygon: BaseGeometry, buffer_m: float) -> BaseGeometry:
    """Buffer a lon/lat polygon by metres in its zone's metric CRS."""
    if polygon.is_empty:
        raise InvalidNetworkError(
            "Polygone du territoire vide : impossible de délimiter le réseau à télécharger.",
            hint="Passez l'union des contours des communes du territoire.",
        )
    centre = np.array([[polygon.centroid.x, polygon.centroid.y]])
    crs = zone_of(check_lonlat(centre, what="centre du territoire")).metric_crs
    series = gpd.GeoSeries([polygon], crs="EPSG:4326").to_crs(crs).buffer(buffer_m)
    return series.to_crs("EPSG:4326").iloc[0]


class MatrixCache:
    """Disk cache of travel matrices: one ``.npz`` (arrays) + ``.json`` (method, params) per key.

    Parameters
    ----------
    folder
        Created on first write.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _paths(self, key: str) -> tuple[Path, Path]:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise DataSourceError(
                f"Clé de cache de matrice invalide : {key!r}.",
                hint="Les clés sont produites par planner.matrix.matrix_cache_key.",
            )
        return self.folder / f"matrix-{key}.npz", self.folder / f"matrix-{key}.json"

    def get(self, key: str) -> TravelMatrix | None:
        """The cached matrix, or None when absent."""
        npz, meta = self._paths(key)
        if not (npz.is_file() and meta.is_file()):
            return None
        info = json.loads(meta.read_text(encoding="utf-8"))
        with np.load(npz) as arrays:
            return TravelMatrix(
                durations=arrays["durations"],
                distances=arrays["distances"],
                reachable=arrays["reachable"],
                method=info["method"],
                params=_from_json(info["params"]),
            )

    def put(self, key: str, matrix: TravelMatrix) -> None:
        """Store a matrix under ``key`` (overwrites)."""
        npz, meta = self._paths(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            npz,
            durations=matrix.durations,
            distances=matrix.distances,
            reachable=matrix.reachable,
        )
        info = {"method": matrix.method, "params": dict(matrix.params)}
        meta.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


def _from_json(params: dict[str, Any]) -> dict[str, Any]:
    """JSON turns tuples into lists: turn them back so cached params equal fresh ones."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
