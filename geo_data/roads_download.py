"""Download a territory's drive network (osmnx / Overpass) into the road cache, and read it back.

:func:`download_territory_network` is what ``milo roads`` runs: the union of the territory's
communes plus a margin is asked of the Overpass API (``MILO_OVERPASS_URL``, else osmnx's
default) through osmnx's own ``graph_from_polygon``, with progress per HTTP response, a few
retries (answers already received stay in osmnx's HTTP cache of the territory's folder, so a
retry or a later run only asks again for what is missing), then speeds and travel times are
added (:mod:`geo_data.roads_speeds`) and the graph is saved as GraphML in the territory's
folder of :mod:`geo_data.road_cache`. :func:`territory_network` is what every command and the
service call: the territory's complete, current network as a :class:`planner.network.
RoadNetwork` named « OSM (date of the data) », or None (then the declared estimate is used).

osmnx is imported inside the functions that use it, here as in :mod:`geo_data.roads` and
:mod:`geo_data.roads_osm`: it pulls scikit-learn in, 2.5 s at every start of ``milo``, of the
service and of its workers otherwise (``tests/test_architecture.py`` keeps it so).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import networkx as nx
from shapely.ops import unary_union

from geo_data import road_cache as rc
from geo_data import settings
from geo_data.roads import _buffered, configure_osmnx, load_network, prepare_network, save_graphml
from planner.errors import DataSourceError, InvalidNetworkError
from planner.network import RoadNetwork, road_network_from_graph
from planner.territory import Territory

DEFAULT_BUFFER_M = 5000.0
NETWORK_TYPE = "drive"
RETRIES = 3
RETRY_PAUSE_S = 1.0
#: Overpass JSON of a drive network, per km² of area: 2.4 kB/km² measured on the Andorra
#: extract through the tests' stand-in (mountain roads, sparse), taken x4 for the denser
#: lowland road mesh of Burgundy; only an order of magnitude, shown before a download.
BYTES_PER_KM2 = 10_000
_TIMESTAMP = re.compile(rb'"timestamp_osm_base"\s*:\s*"([^"]+)"')

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SizeEstimate:
    """What a download will ask for, said before it starts."""

    area_km2: float
    requests: int
    megabytes: float

    def describe_fr(self, buffer_m: float) -> str:
        from planner.csv_fr import number_fr

        return (
            f"zone de {number_fr(self.area_km2, 0)} km² (le territoire et une marge de "
            f"{number_fr(buffer_m / 1000, 1)} km), {self.requests} requête(s) Overpass, environ "
            f"{number_fr(max(self.megabytes, 0.1), 1)} Mo à recevoir (estimation)"
        )


def territory_key(territory: Territory, buffer_m: float = DEFAULT_BUFFER_M) -> str:
    return rc.area_key(list(map(str, territory.communes.index)), buffer_m, NETWORK_TYPE)


def download_area(territory: Territory, buffer_m: float) -> Any:
    """The lon/lat polygon asked for: the territory's communes and ``buffer_m`` around them."""
    outline = unary_union(list(territory.communes.geometry.values))
    return _buffered(outline, buffer_m)


def estimate_size(area: Any) -> SizeEstimate:
    import geopandas as gpd
    import osmnx as ox

    series = gpd.GeoSeries([area], crs="EPSG:4326")
    area_m2 = float(series.to_crs(series.estimate_utm_crs()).area.iloc[0])
    requests = max(1, math.ceil(area_m2 / float(ox.settings.max_query_area_size)))
    return SizeEstimate(area_m2 / 1e6, requests, area_m2 / 1e6 * BYTES_PER_KM2 / 1e6)


@dataclass
class _Traffic:
    """What the HTTP responses said: counted by a ``requests`` response hook."""

    progress: Progress
    responses: int = 0
    bytes: int = 0
    osm_timestamp: str = ""

    def hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        self.responses += 1
        body = response.content or b""
        self.bytes += len(body)
        found = _TIMESTAMP.search(body[:2000])
        if found:
            self.osm_timestamp = found.group(1).decode()
        state = "reçue" if response.ok else f"refusée (HTTP {response.status_code})"
        self.progress(f"Réponse {self.responses} {state} : {len(body) / 1e6:.1f} Mo")
        return response


@contextmanager
def _osmnx_for(folder: Path, traffic: _Traffic) -> Iterator[None]:
    """osmnx set to fail fast, cache its answers in ``folder`` and report each response; its
    global settings are restored afterwards."""
    import osmnx as ox

    names = ("use_cache", "cache_folder", "requests_timeout", "overpass_rate_limit",
             "doh_url_template", "log_console", "overpass_url", "requests_kwargs")  # fmt: skip
    saved = {n: getattr(ox.settings, n) for n in names}
    try:
        configure_osmnx(folder)
        url = settings.overpass_url()
        if url:
            ox.settings.overpass_url = url
        ox.settings.requests_kwargs = {
            **saved["requests_kwargs"],
            "hooks": {"response": traffic.hook},
        }
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def _offline_error(status: rc.RoadStatus, why: str) -> DataSourceError:
    return DataSourceError(
        f"Téléchargement du réseau routier impossible : {why}.",
        hint=(
            "Sur une machine connectée, lancez « milo roads » pour ce territoire puis copiez le "
            f"dossier {status.folder} à la même place ici ; ou passez un extrait local : "
            "« milo roads SPEC --network fichier.osm.pbf » (extraits régionaux de Geofabrik). "
            "Sans réseau, les plans utilisent l'estimation déclarée."
        ),
    )


def _fetch(area: Any, status: rc.RoadStatus, traffic: _Traffic) -> nx.MultiDiGraph:
    import osmnx as ox

    last: Exception | None = None
    for attempt in range(1, RETRIES + 1):
        try:
            return ox.graph_from_polygon(
                area, network_type=NETWORK_TYPE, simplify=True, retain_all=True
            )
        except Exception as exc:  # requests, osmnx and JSON errors alike
            if type(exc).__name__ == "InsufficientResponseError" and traffic.responses:
                raise InvalidNetworkError(
                    "Overpass n'a renvoyé aucune route carrossable pour ce territoire.",
                    hint="Vérifiez les communes du territoire (lon, lat) et la marge --buffer-m.",
                ) from exc
            last = exc
            if attempt < RETRIES:
                traffic.progress(
                    f"Échec de l'essai {attempt} ({type(exc).__name__}) : nouvel essai, les "
                    "réponses déjà reçues sont gardées."
                )
                time.sleep(RETRY_PAUSE_S * attempt)
    why = f"{type(last).__name__} : {last}"[:300]
    raise _offline_error(status, f"{RETRIES} essais sans réponse complète d'Overpass ({why})")


def download_territory_network(
    territory: Territory,
    *,
    buffer_m: float = DEFAULT_BUFFER_M,
    force: bool = False,
    progress: Progress = lambda message: None,
    root: Path | None = None,
) -> rc.RoadStatus:
    """Download (or redo, when partial, stale or ``force``) the territory's network.

    Returns the status of the cache afterwards (``ok``). An already complete, current network
    is kept unless ``force``.
    """
    import osmnx as ox

    if buffer_m < 0 or buffer_m > 50_000:
        raise DataSourceError(
            f"Marge autour du territoire invalide : {buffer_m:g} m.",
            hint="Donnez une marge entre 0 et 50 000 m (par défaut 5 000 m).",
        )
    key = territory_key(territory, buffer_m)
    status = rc.road_status(territory.id, key, root=root)
    if status.usable and not force and status.manifest and status.manifest.area_key == key:
        progress(f"Réseau déjà téléchargé et à jour : {status.folder}")
        return status
    if settings.offline():
        raise _offline_error(status, "les téléchargements sont interdits ici (MILO_OFFLINE)")
    folder = status.folder
    if status.state in ("stale", "ok"):  # a new download: nothing of the old one is reused
        shutil.rmtree(folder / "osmnx-http", ignore_errors=True)
    elif status.state == "partial":
        progress(f"Téléchargement précédent incomplet ({status.reason}) : il est repris.")
    area = download_area(territory, buffer_m)
    size = estimate_size(area)
    progress(f"À télécharger : {size.describe_fr(buffer_m)}.")
    manifest = rc.RoadManifest(
        territory_id=territory.id,
        territory_name=territory.name,
        area_key=key,
        buffer_m=float(buffer_m),
        network_type=NETWORK_TYPE,
        origin=settings.overpass_url() or str(ox.settings.overpass_url),
        downloaded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    rc.write_manifest(folder, manifest)
    traffic = _Traffic(progress)
    with _osmnx_for(folder, traffic):
        G = _fetch(area, status, traffic)
    progress(f"Graphe : {G.number_of_nodes()} nœuds, {G.number_of_edges()} tronçons ; "
             "vitesses et temps de parcours ajoutés.")  # fmt: skip
    done = _save(folder, G, replace(manifest, osm_timestamp=traffic.osm_timestamp,
                                     requests=traffic.responses))  # fmt: skip
    shutil.rmtree(folder / "osmnx-http", ignore_errors=True)
    return done


def _save(folder: Path, G: nx.MultiDiGraph, manifest: rc.RoadManifest) -> rc.RoadStatus:
    from geo_data.roads import add_speeds

    add_speeds(G)
    part = rc.graph_path(folder).with_suffix(".graphml.part")
    save_graphml(G, part)
    part.replace(rc.graph_path(folder))
    final = rc.graph_path(folder)
    manifest = replace(
        manifest,
        complete=True,
        sha256=rc.file_sha256(final),
        size_bytes=final.stat().st_size,
        n_nodes=G.number_of_nodes(),
        n_edges=G.number_of_edges(),
    )
    rc.write_manifest(folder, manifest)
    return rc.RoadStatus("ok", folder, manifest)


def _file_timestamp(path: Path) -> str:
    """The OSM replication timestamp of a PBF/OSM file header, else the file's own date."""
    try:
        import osmium

        value = osmium.io.Reader(str(path)).header().get("osmosis_replication_timestamp")
        if value:
            return str(value)
    except Exception:  # noqa: BLE001 - GraphML or a header without the field: the file date
        pass
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")


def import_network_file(
    territory: Territory, path: Path, *, root: Path | None = None
) -> rc.RoadStatus:
    """Use a local network file (``--network``) as the territory's network from now on."""
    G = load_network(path)
    folder = rc.territory_folder(territory.id, root)
    manifest = rc.RoadManifest(
        territory_id=territory.id,
        territory_name=territory.name,
        area_key="file",
        buffer_m=0.0,
        network_type=NETWORK_TYPE,
        origin=f"fichier {path.name}",
        downloaded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        osm_timestamp=_file_timestamp(path),
    )
    rc.write_manifest(folder, manifest)
    return _save(folder, G, manifest)


def territory_network(
    territory: Territory, *, root: Path | None = None
) -> tuple[RoadNetwork, rc.RoadStatus] | None:
    """The territory's complete, current cached network (prepared), or None."""
    status = rc.road_status(territory.id, root=root)
    if not status.usable or status.manifest is None:
        return None
    manifest = status.manifest
    if manifest.area_key not in ("file", *_keys_of(territory, manifest.buffer_m)):
        return None
    G, _report = prepare_network(load_network(rc.graph_path(status.folder)))
    return road_network_from_graph(G, source=manifest.label()), status


def _keys_of(territory: Territory, buffer_m: float) -> tuple[str, ...]:
    return (territory_key(territory, buffer_m),)
