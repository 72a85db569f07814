"""Load every official layer of the region once (:class:`OfficialData`).

Each layer comes from the official file when one is present (the caller's folder, then
``MILO_DATA_DIR``, then the download cache: :func:`geo_data.fetch.locate`), otherwise from the
region pack installed with the package (:mod:`geo_data.region_pack`), so that any territory of
the region loads offline with no other file and no download attempt. Only when no pack is
installed does a missing file get downloaded (when online). Where each layer came from, with its
edition, is in every output (:meth:`OfficialData.attributions`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_data import region_pack as rp
from geo_data.fetch import locate
from geo_data.parse_admin import (
    match_contours,
    parse_communes,
    parse_epci,
    parse_frr,
    parse_qpv,
    read_geojson_bytes,
)
from geo_data.parse_places import parse_france_services, parse_mairies
from geo_data.sources import SOURCES
from planner.errors import DataSourceError
from planner.publication import date_fr

#: The layers of :class:`OfficialData`, in the order of its attributions.
LAYERS = ("communes", "epci", "contours", "frr", "qpv", "france_services", "mairies")


@dataclass(frozen=True, eq=False)
class OfficialData:
    """The region's official data, parsed; shared by every territory built from it."""

    communes: pd.DataFrame  # every row of communes.json for the region (all types)
    epci: pd.DataFrame  # index commune -> epci, epci_name
    contours: gpd.GeoSeries  # current code -> polygon
    contours_failed: tuple[str, ...]
    contours_source_count: int
    frr: pd.Series  # INSEE code -> FrrClass value
    qpv: gpd.GeoDataFrame
    france_services: gpd.GeoDataFrame
    mairies: gpd.GeoDataFrame
    #: layer -> where it was read: a path (official file) or "pack" (the region pack)
    origins: Mapping[str, str] = field(default_factory=dict)
    pack: rp.PackInfo | None = None

    @property
    def current(self) -> pd.DataFrame:
        return self.communes[self.communes["type"] == "commune-actuelle"]

    def origin_fr(self, layer: str) -> str:
        """« fichier officiel » or « paquet régional milo-nomade du 2 décembre 2026 »."""
        if self.origins.get(layer) == "pack" and self.pack is not None:
            return f"paquet régional milo-nomade du {date_fr(self.pack.built)}"
        return "fichier officiel"

    def attributions(self) -> tuple[str, ...]:
        """One line per layer: title (with its edition), producer, licence, and where it was
        read (official file or region pack, with the pack's build date)."""
        lines = []
        for layer in LAYERS:
            keys = rp.source_keys(layer)
            source = SOURCES[keys[0]]
            title = rp.contours_title() if layer == "contours" else source.title
            lines.append(
                f"{title} — {source.producer} ({source.licence}) ; {self.origin_fr(layer)}"
            )
        return tuple(lines)


def _local(keys: tuple[str, ...], folder: Path | None, download: bool) -> list[Path] | None:
    """The official files of a layer when all are present (downloaded only when ``download``),
    else None."""
    try:
        return [locate(k, folder=folder, download=download) for k in keys]
    except DataSourceError:
        if download:
            raise
        return None


def load_official(
    *, folder: Path | None = None, region: str = "27", use_pack: bool = True
) -> OfficialData:
    """Parse the official layers for ``region`` (Bourgogne-Franche-Comté by default).

    ``use_pack=False`` reads the official files only (downloading the missing ones when online):
    the pack's own build uses it, so that the pack is never built from itself.
    """
    pack = rp.pack_info() if use_pack else None
    if pack is not None and pack.region != region:
        pack = None
    origins: dict[str, str] = {}

    def layer(name: str, from_files: Callable[[list[Path]], Any], from_pack: Callable) -> Any:
        paths = _local(rp.source_keys(name), folder, download=pack is None)
        if paths is None:
            origins[name] = "pack"
            return from_pack(pack)
        origins[name] = str(paths[0])
        return from_files(paths)

    communes = layer(
        "communes", lambda p: parse_communes(p[0].read_bytes(), region=region), rp.read_communes
    )

    def contours_from_files(paths: list[Path]) -> Any:
        frames = [read_geojson_bytes(p.read_bytes(), f"Contours {p.name}") for p in paths]
        return match_contours(gpd.GeoDataFrame(pd.concat(frames), crs="EPSG:4326"), communes)

    def contours_from_pack(info: rp.PackInfo) -> Any:
        return rp.ContourMatch(rp.read_contours(info), info.contours_source_count,
                               info.contours_failed)  # fmt: skip

    match = layer("contours", contours_from_files, contours_from_pack)

    def fs_from_files(paths: list[Path]) -> gpd.GeoDataFrame:
        fs = parse_france_services(paths[0].read_bytes().decode("utf-8"))
        return fs[fs["commune"].isin(communes.index)]

    return OfficialData(
        communes=communes,
        epci=layer("epci", lambda p: parse_epci(p[0].read_bytes()), rp.read_epci),
        contours=match.contours,
        contours_failed=match.failed,
        contours_source_count=match.n_source,
        frr=layer("frr", lambda p: parse_frr(p[0].read_bytes().decode("utf-8")), rp.read_frr),
        qpv=layer("qpv", lambda p: parse_qpv(p[0].read_bytes()), rp.read_qpv),
        france_services=layer("france_services", fs_from_files, rp.read_france_services),
        mairies=layer("mairies", lambda p: parse_mairies(p[0].read_bytes()), rp.read_mairies),
        origins=origins,
        pack=pack,
    )
