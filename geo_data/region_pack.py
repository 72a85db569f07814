"""The region pack: Bourgogne-Franche-Comté's official layers in the project's schema, shipped
with the package so that any territory of the region loads offline with no other file.

The pack is built by :mod:`geo_data.build_region_pack` from the official files only (never from
itself) and holds facts only, gzipped (a few MB)::

    meta.json                  schema, region, build date, per layer: title, producer, licence,
                               edition, source files with their SHA-256, row count
    communes.csv.gz            every commune row of the region (current, delegated, associated)
    epci.csv.gz                commune -> EPCI (SIREN, name, kind)
    frr.csv.gz                 commune -> FRR class (the region's communes only)
    contours.geojson.gz        current commune -> polygon (2018 contours matched to the current
                               codes, simplified by ``simplify_m`` metres)
    qpv.geojson.gz             the QPV 2024 polygons and their communes
    france-services.geojson.gz the region's France Services (hours as JSON text)
    mairies.geojson.gz         one town hall per commune (address, public phone, hours)
    ATTRIBUTION.md

:func:`geo_data.official.load_official` reads a layer from here when no official file of that
layer is present (data folder, ``MILO_DATA_DIR`` or the download cache): a present official file
takes precedence. The pack's editions are the editions :data:`geo_data.sources.SOURCES` names
(a test checks it), so a present file is never older than the pack's copy.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo_data.parse_admin import ContourMatch, read_geojson_bytes
from geo_data.phone import phone_column
from geo_data.schema_io import amenity_column, geojson_text, hours_from_text, hours_to_text
from geo_data.sources import DEPARTEMENTS_BFC, SOURCES
from planner.errors import DataSourceError

PACK_DIR = Path(__file__).resolve().parent / "region_pack"
PACK_SCHEMA = 1
SIMPLIFY_M = 20.0

#: Pack layer -> its file in the pack.
FILES: dict[str, str] = {
    "communes": "communes.csv.gz",
    "epci": "epci.csv.gz",
    "frr": "frr.csv.gz",
    "contours": "contours.geojson.gz",
    "qpv": "qpv.geojson.gz",
    "france_services": "france-services.geojson.gz",
    "mairies": "mairies.geojson.gz",
}
__all__ = ["ContourMatch", "PackInfo", "pack_info", "write_pack"]

CONTOUR_KEYS = tuple(f"contours-{code}" for code in DEPARTEMENTS_BFC)


def source_keys(layer: str) -> tuple[str, ...]:
    """The official sources (:data:`SOURCES` keys) a pack layer is built from."""
    return CONTOUR_KEYS if layer == "contours" else (layer,)


@dataclass(frozen=True)
class PackInfo:
    """What ``meta.json`` says of an installed pack."""

    folder: Path
    region: str
    name: str
    built: date
    layers: dict[str, dict[str, Any]]
    contours_failed: tuple[str, ...]
    contours_source_count: int

    def edition(self, layer: str) -> str:
        return str(self.layers[layer]["edition"])


def pack_info(folder: Path | None = None) -> PackInfo | None:
    """The installed pack (``folder``, default :data:`PACK_DIR`), or None when there is none."""
    folder = folder or PACK_DIR
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("schema") != PACK_SCHEMA:
        raise DataSourceError(
            f"Paquet régional {folder} au schéma {meta.get('schema')!r}, attendu {PACK_SCHEMA}.",
            hint="Reconstruisez-le : make region-pack (avec les fichiers officiels).",
        )
    return PackInfo(
        folder=folder,
        region=str(meta["region"]),
        name=str(meta["name"]),
        built=date.fromisoformat(meta["built"]),
        layers=dict(meta["layers"]),
        contours_failed=tuple(meta["contours_failed"]),
        contours_source_count=int(meta["contours_source_count"]),
    )


def _gz(text: str) -> bytes:
    """Gzip with no timestamp, so that the same data gives the same bytes."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _read(info: PackInfo, layer: str) -> bytes:
    path = info.folder / FILES[layer]
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise DataSourceError(
            f"Paquet régional : couche {layer} illisible ({path.name} : {exc}).",
            hint="Réinstallez le paquet milo-nomade, ou reconstruisez le paquet régional "
            "(make region-pack) avec les fichiers officiels.",
        ) from None


def _csv(info: PackInfo, layer: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(_read(info, layer)), dtype=str, keep_default_na=False)


def read_communes(info: PackInfo) -> pd.DataFrame:
    """The communes frame of :func:`geo_data.parse_admin.parse_communes`."""
    frame = _csv(info, "communes").set_index("code")
    frame["population"] = frame["population"].astype("int64")
    frame["anciens_codes"] = [tuple(x.split()) for x in frame["anciens_codes"]]
    return frame


def read_epci(info: PackInfo) -> pd.DataFrame:
    """The commune -> EPCI frame of :func:`geo_data.parse_admin.parse_epci`."""
    return _csv(info, "epci").set_index("commune")


def read_frr(info: PackInfo) -> pd.Series:
    """The commune -> FRR class series of :func:`geo_data.parse_admin.parse_frr`."""
    frame = _csv(info, "frr")
    return pd.Series(frame["frr_class"].to_numpy(), index=frame["code"], name="frr_class")


def _geo(info: PackInfo, layer: str, key: str) -> gpd.GeoDataFrame:
    frame = read_geojson_bytes(_read(info, layer), f"Paquet régional ({layer})")
    return frame.set_index(frame[key].astype(str).rename(key)).drop(columns=key)


def read_contours(info: PackInfo) -> gpd.GeoSeries:
    """Current commune code -> polygon."""
    return _geo(info, "contours", "code").geometry


def read_qpv(info: PackInfo) -> gpd.GeoDataFrame:
    """The QPV frame of :func:`geo_data.parse_admin.parse_qpv`."""
    return _geo(info, "qpv", "code")


def read_france_services(info: PackInfo) -> gpd.GeoDataFrame:
    """The France Services frame of :func:`geo_data.parse_places.parse_france_services`."""
    frame = _geo(info, "france_services", "id")
    frame["hours"] = frame["hours"].map(hours_from_text)
    frame["commune"] = frame["commune"].astype(str)
    frame["phone"] = phone_column(frame["phone"], frame.index)
    for column in ("can_host_van", "power", "parking", "fixed_site"):
        frame[column] = amenity_column(frame[column])
    return frame


def read_mairies(info: PackInfo) -> gpd.GeoDataFrame:
    """The town-hall frame of :func:`geo_data.parse_places.parse_mairies`."""
    frame = _geo(info, "mairies", "code")
    frame["hours"] = frame["hours"].map(hours_from_text)
    frame["phone"] = phone_column(frame["phone"], frame.index)
    return frame


def _simplified(geometry: gpd.GeoSeries, simplify_m: float) -> gpd.GeoSeries:
    metric = geometry.to_crs("EPSG:2154").simplify(simplify_m)
    valid = shapely.make_valid(metric.to_crs("EPSG:4326").values)
    return gpd.GeoSeries(valid, index=geometry.index, crs="EPSG:4326")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_pack(
    official: Any,
    folder: Path,
    *,
    source_paths: dict[str, Path],
    built: date,
    name: str = "Bourgogne-Franche-Comté",
    region: str = "27",
    simplify_m: float = SIMPLIFY_M,
) -> list[Path]:
    """Write ``official`` (a :class:`geo_data.official.OfficialData` read from the official
    files, whose paths are ``source_paths``) as a pack into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    communes = official.communes.copy()
    communes["anciens_codes"] = [" ".join(x) for x in communes["anciens_codes"]]
    codes = communes.index
    frr = official.frr[official.frr.index.isin(codes)].rename_axis("code").rename("frr_class")
    contours = gpd.GeoDataFrame(
        geometry=_simplified(official.contours, simplify_m).rename_axis("code")
    )
    qpv = official.qpv.copy()
    qpv["geometry"] = _simplified(qpv.geometry, simplify_m)
    fs = official.france_services.copy()
    fs["hours"] = fs["hours"].map(hours_to_text)
    mairies = official.mairies[official.mairies.index.isin(codes)].copy()
    mairies["hours"] = mairies["hours"].map(hours_to_text)
    texts = {
        "communes": communes.to_csv(),
        "epci": official.epci.to_csv(),
        "frr": frr.to_csv(),
        "contours": geojson_text(contours, precision=5),
        "qpv": geojson_text(qpv, precision=5),
        "france_services": geojson_text(fs, precision=6),
        "mairies": geojson_text(mairies, precision=6),
    }
    rows = {
        "communes": len(communes), "epci": len(official.epci), "frr": len(frr),
        "contours": len(contours), "qpv": len(qpv), "france_services": len(fs),
        "mairies": len(mairies),
    }  # fmt: skip
    written = []
    layers: dict[str, dict[str, Any]] = {}
    for layer, text in texts.items():
        path = folder / FILES[layer]
        path.write_bytes(_gz(text))
        written.append(path)
        keys = source_keys(layer)
        first = SOURCES[keys[0]]
        layers[layer] = {
            "title": first.title if layer != "contours" else contours_title(),
            "producer": first.producer,
            "licence": first.licence,
            "page": first.page,
            "edition": first.edition,
            "files": {SOURCES[k].filename: _sha256(source_paths[k]) for k in keys},
            "rows": rows[layer],
        }
    meta = {
        "schema": PACK_SCHEMA,
        "region": region,
        "name": name,
        "built": built.isoformat(),
        "simplify_m": simplify_m,
        "contours_failed": list(official.contours_failed),
        "contours_source_count": official.contours_source_count,
        "layers": layers,
    }
    meta_path = folder / "meta.json"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    attribution = folder / "ATTRIBUTION.md"
    attribution.write_text(attribution_markdown(meta), encoding="utf-8")
    return [*written, meta_path, attribution]


def contours_title() -> str:
    """The contours layer is read from every département's file, not only the first one's."""
    return f"Contours des communes ({', '.join(DEPARTEMENTS_BFC)}), ADMIN EXPRESS 2018 simplifié"


def attribution_markdown(meta: dict[str, Any]) -> str:
    """``ATTRIBUTION.md``: each layer's producer, licence, edition and source files."""
    lines = [
        f"# Paquet régional {meta['name']} (milo-nomade)",
        "",
        f"Construit le {meta['built']} par `python -m geo_data.build_region_pack` à partir des "
        "fichiers officiels ci-dessous, sans autre ajout que leur mise au schéma du projet "
        f"(polygones simplifiés à {meta['simplify_m']:g} m). Données publiques : des faits, "
        "aucune donnée personnelle.",
        "",
        "| couche | titre | producteur | licence | édition | fichiers sources (SHA-256) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for layer, info in meta["layers"].items():
        files = "<br>".join(f"`{f}` ({h[:12]}…)" for f, h in info["files"].items())
        lines.append(
            f"| {layer} | {info['title']} | {info['producer']} | {info['licence']} | "
            f"{info['edition']} | {files} |"
        )
    return "\n".join(lines) + "\n"
