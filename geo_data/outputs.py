"""Write coverage and comparison results to files (the edge; the engine returns records).

Tables are CSV for French Excel (:mod:`planner.csv_fr`: BOM, ``;``, decimal comma, French
headers); JSON is strict (NaN written null, :func:`planner.json_values.json_text`); GeoJSON
follows RFC 7946 (:func:`rfc7946`: WGS84 lon/lat, counter-clockwise exterior rings).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from planner.coverage.compare import COLUMN_LABELS, ComparisonTable
from planner.coverage.need import COMPONENT_LABELS, COMPONENTS
from planner.csv_fr import frame_csv
from planner.json_values import json_text
from planner.taxonomy import FrrClass
from planner.territory import Territory
from planner.workflows.coverage import TerritoryCoverage

_PARTS = {
    "value": "valeur",
    "norm": "valeur ramenée entre 0 et 1",
    "weight": "poids",
    "points": "points (sur 100)",
}
#: French headers of need.csv
NEED_LABELS = {
    "code": "Code INSEE",
    "name": "Commune",
    **{
        f"{c}_{part}": f"{COMPONENT_LABELS[c]} : {fr}"
        for c in COMPONENTS
        for part, fr in _PARTS.items()
    },
    "score": "Score de besoin (sur 100)",
    "rank": "Rang",
    "young_method": "Méthode d'estimation des jeunes",
    "activity_data": "Données d'activité",
    "travel_time_method": "Méthode des temps de trajet",
}


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _ccw(geometry: BaseGeometry | None) -> BaseGeometry | None:
    if isinstance(geometry, Polygon):
        return orient(geometry, sign=1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, sign=1.0) for p in geometry.geoms])
    return geometry


def rfc7946(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """The GeoJSON document of ``frame`` as RFC 7946 wants it: WGS84 lon/lat coordinates,
    exterior rings counter-clockwise and holes clockwise, no NaN (null instead)."""
    geo = frame.to_crs("EPSG:4326") if frame.crs is not None else frame
    geo = geo.set_geometry(geo.geometry.map(_ccw), crs="EPSG:4326")
    return geo.to_geo_dict(drop_id=True, na="null")


def write_coverage(territory: Territory, result: TerritoryCoverage, out: Path) -> list[Path]:
    """``need.csv``, ``need.geojson`` (communes with every component) and ``coverage.json``."""
    out.mkdir(parents=True, exist_ok=True)
    need = pd.DataFrame(result.need.to_records())
    need["travel_time_method"] = result.method
    (out / "need.csv").write_text(frame_csv(need, NEED_LABELS), encoding="utf-8")
    shapes = territory.communes[["geometry"]].join(need.set_index("code"), how="inner")
    geo = gpd.GeoDataFrame(shapes.reset_index(), geometry="geometry", crs="EPSG:4326")
    (out / "need.geojson").write_text(json_text(rfc7946(geo)), encoding="utf-8")
    stops = [dataclasses.asdict(stop) for stop in result.stops]
    payload = {
        "territory": territory.id,
        "travel_time_method": result.method,
        "travel_time": result.travel_description,
        "young_method": territory.young_method,
        "activity": "données fictives" if territory.activity_synthetic else "données saisies",
        "stops": stops,
        "choice": {
            "model": "couverture maximale",
            "status": result.choice.status,
            "covered_share": result.choice.coverage_share,
        },
        "indicators": result.indicators.to_record(),
        "approximation": territory.approximation,
        "sources": list(territory.sources),
    }
    path = out / "coverage.json"
    path.write_text(json_text(payload, indent=1, default=_json_default), encoding="utf-8")
    return [out / "need.csv", out / "need.geojson", path]


def write_comparison(table: ComparisonTable, out: Path, *, region: dict[str, Any]) -> list[Path]:
    """``comparison.csv`` and ``comparison.json`` (already suppressed: "< 11")."""
    out.mkdir(parents=True, exist_ok=True)
    labels = {"territory_id": "Identifiant", **COLUMN_LABELS}
    (out / "comparison.csv").write_text(frame_csv(table.to_frame(), labels), encoding="utf-8")
    payload = {"region": region, **table.to_json_dict()}
    (out / "comparison.json").write_text(
        json_text(payload, indent=1, default=_json_default), encoding="utf-8"
    )
    return [out / "comparison.csv", out / "comparison.json"]


def write_territory_geojson(territory: Territory, path: Path) -> Path:
    """Communes with their attributes (FRR class, QPV, young estimate) as GeoJSON."""
    frame = territory.communes.drop(columns=["townhall_hours"]).reset_index()
    frame["frr_label"] = frame["frr_class"].map(lambda k: FrrClass(k).label)
    data = rfc7946(gpd.GeoDataFrame(frame, geometry="geometry", crs=territory.communes.crs))
    data["metadata"] = {
        "territory": territory.id,
        "name": territory.name,
        "young_method": territory.young_method,
        "approximation": territory.approximation,
        "sources": list(territory.sources),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_text(data), encoding="utf-8")
    return path
