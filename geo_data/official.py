"""Load every official file of the region once (:class:`OfficialData`), through the fetcher."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

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
from geo_data.sources import DEPARTEMENTS_BFC, SOURCES


@dataclass(frozen=True, eq=False)
class OfficialData:
    """The region's official data, parsed; shared by every territory built from it."""

    communes: pd.DataFrame  # every row of communes.json for the region (all types)
    epci: pd.DataFrame  # index commune -> epci, epci_name
    contours: gpd.GeoSeries  # current code -> polygon
    contours_failed: tuple[str, ...]
    contours_source_count: int
    frr: pd.Series  # INSEE code -> FrrClass value (whole of France)
    qpv: gpd.GeoDataFrame
    france_services: gpd.GeoDataFrame
    mairies: gpd.GeoDataFrame

    @property
    def current(self) -> pd.DataFrame:
        return self.communes[self.communes["type"] == "commune-actuelle"]

    def attributions(self) -> tuple[str, ...]:
        """One line per layer; the contours are read from the files of every département of
        the region (not only the first one's)."""
        contours = replace(
            SOURCES["contours-21"],
            title=f"Contours des communes ({', '.join(DEPARTEMENTS_BFC)}), "
            "ADMIN EXPRESS 2018 simplifié",
        )
        keys = ("communes", "epci", "frr", "qpv", "france_services", "mairies")
        lines = [SOURCES[k].attribution for k in keys]
        return (*lines[:2], contours.attribution, *lines[2:])


def load_official(*, folder: Path | None = None, region: str = "27") -> OfficialData:
    """Parse the official files for ``region`` (Bourgogne-Franche-Comté by default)."""
    read = lambda key: locate(key, folder=folder).read_bytes()  # noqa: E731
    communes = parse_communes(read("communes"), region=region)
    contours = pd.concat(
        [read_geojson_bytes(read(f"contours-{dep}"), f"Contours {dep}") for dep in DEPARTEMENTS_BFC]
    )
    match = match_contours(gpd.GeoDataFrame(contours, crs="EPSG:4326"), communes)
    fs = parse_france_services(read("france_services").decode("utf-8"))
    fs = fs[fs["commune"].isin(communes.index)]
    return OfficialData(
        communes=communes,
        epci=parse_epci(read("epci")),
        contours=match.contours,
        contours_failed=match.failed,
        contours_source_count=match.n_source,
        frr=parse_frr(read("frr").decode("utf-8")),
        qpv=parse_qpv(read("qpv")),
        france_services=fs,
        mairies=parse_mairies(read("mairies")),
    )
