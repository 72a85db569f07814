"""The per-territory road network cache that ``milo roads`` fills and every command reads.

Layout, under :func:`geo_data.settings.cache_dir`::

    roads/<territory id>/network.graphml    osmnx's GraphML (speeds and travel times on edges)
    roads/<territory id>/manifest.json      what was downloaded, when, from where, and its hash
    roads/<territory id>/http/              osmnx's HTTP cache while a download is under way

A download writes ``network.graphml.part`` and a manifest marked ``complete: false`` first;
only when the graph is saved is the file renamed and the manifest marked complete with the
file's SHA-256. So a download cut off part-way (or a file damaged since) is *partial*, never
used, and redone by the next ``milo roads``. A network downloaded for other communes or with
another margin is *stale* (the territory changed), and so is one older than
:data:`MAX_AGE_DAYS`: both are redone. A complete network is used by ``milo plan``,
``milo coverage`` and the service for that territory, and its travel-time method reads
« réseau routier OSM (date des données) ».
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geo_data import settings
from planner.errors import DataSourceError

#: a network older than this (days since its download) is downloaded again
MAX_AGE_DAYS = 365
MANIFEST_SCHEMA = 1


@dataclass(frozen=True)
class RoadManifest:
    """What ``manifest.json`` records of one territory's network."""

    territory_id: str
    territory_name: str
    area_key: str
    buffer_m: float
    network_type: str
    origin: str
    downloaded_at: str
    osm_timestamp: str = ""
    complete: bool = False
    sha256: str = ""
    n_nodes: int = 0
    n_edges: int = 0
    size_bytes: int = 0
    schema: int = MANIFEST_SCHEMA
    requests: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def data_date(self) -> dt.date | None:
        """The date of the OSM data (the Overpass base timestamp), else of the download."""
        for value in (self.osm_timestamp, self.downloaded_at):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                continue
        return None

    def label(self) -> str:
        """« OSM (28 mai 2013) »: the network's name in every travel-time description."""
        from planner.publication import date_fr

        day = self.data_date()
        return f"OSM ({date_fr(day)})" if day else "OSM"


@dataclass(frozen=True)
class RoadStatus:
    """The state of a territory's cached network: ``absent``, ``partial``, ``stale``, ``ok``."""

    state: str
    folder: Path
    manifest: RoadManifest | None = None
    reason: str = ""

    @property
    def usable(self) -> bool:
        return self.state == "ok"


def _slug(territory_id: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", territory_id.lower()).strip("-")
    if not slug:
        raise DataSourceError(
            f"Identifiant de territoire inutilisable pour le cache routier : {territory_id!r}.",
            hint="Donnez au territoire un id en minuscules (lettres, chiffres, tirets).",
        )
    return slug


def territory_folder(territory_id: str, root: Path | None = None) -> Path:
    """The cache folder of a territory's road network."""
    return (root or settings.cache_dir()) / "roads" / _slug(territory_id)


def graph_path(folder: Path) -> Path:
    return folder / "network.graphml"


def manifest_path(folder: Path) -> Path:
    return folder / "manifest.json"


def area_key(commune_codes: list[str], buffer_m: float, network_type: str) -> str:
    """What the network was downloaded for: the communes, the margin and the network type."""
    text = json.dumps([sorted(commune_codes), float(buffer_m), network_type])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(folder: Path, manifest: RoadManifest) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = manifest_path(folder).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1) + "\n")
    tmp.replace(manifest_path(folder))


def read_manifest(folder: Path) -> RoadManifest | None:
    """The manifest of ``folder``, or None when absent or unreadable (then: partial)."""
    path = manifest_path(folder)
    if not path.is_file():
        return None
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        raw["notes"] = tuple(raw.get("notes", ()))
        return RoadManifest(**raw)
    except (ValueError, TypeError):
        return None


def road_status(
    territory_id: str,
    expected_key: str | None = None,
    *,
    today: dt.date | None = None,
    root: Path | None = None,
) -> RoadStatus:
    """Whether the territory's cached network is usable, and why not.

    ``expected_key``: the :func:`area_key` of the territory as it is now (None: not checked).
    """
    folder = territory_folder(territory_id, root)
    manifest = read_manifest(folder)
    graph = graph_path(folder)
    if manifest is None:
        if graph.exists() or graph.with_suffix(".graphml.part").exists():
            return RoadStatus("partial", folder, None, "manifeste absent ou illisible")
        return RoadStatus("absent", folder)
    if not manifest.complete:
        return RoadStatus("partial", folder, manifest, "téléchargement interrompu")
    if not graph.is_file():
        return RoadStatus("partial", folder, manifest, "fichier du réseau manquant")
    if graph.stat().st_size != manifest.size_bytes or file_sha256(graph) != manifest.sha256:
        return RoadStatus("partial", folder, manifest, "fichier du réseau modifié ou tronqué")
    if manifest.schema != MANIFEST_SCHEMA:
        return RoadStatus("stale", folder, manifest, "format de cache d'une autre version")
    if expected_key is not None and manifest.area_key not in (expected_key, "file"):
        return RoadStatus(
            "stale", folder, manifest, "téléchargé pour d'autres communes ou une autre marge"
        )
    try:
        downloaded: dt.date | None = dt.datetime.fromisoformat(manifest.downloaded_at).date()
    except ValueError:
        downloaded = None
    age = ((today or dt.date.today()) - downloaded).days if downloaded else 0
    if manifest.area_key != "file" and age > MAX_AGE_DAYS:
        return RoadStatus("stale", folder, manifest, f"téléchargé il y a {age} jours")
    return RoadStatus("ok", folder, manifest)
