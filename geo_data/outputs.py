"""Write coverage and comparison results to files (the edge; the engine returns records)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from planner.coverage.compare import ComparisonTable
from planner.taxonomy import FrrClass
from planner.territory import Territory
from planner.workflows.coverage import TerritoryCoverage


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_coverage(territory: Territory, result: TerritoryCoverage, out: Path) -> list[Path]:
    """``need.csv``, ``need.geojson`` (communes with every component) and ``coverage.json``."""
    out.mkdir(parents=True, exist_ok=True)
    need = pd.DataFrame(result.need.to_records())
    need["travel_time_method"] = result.method
    need.to_csv(out / "need.csv", index=False)
    shapes = territory.communes[["geometry"]].join(need.set_index("code"), how="inner")
    geo = gpd.GeoDataFrame(shapes.reset_index(), geometry="geometry", crs="EPSG:4326")
    (out / "need.geojson").write_text(geo.to_json(drop_id=True, ensure_ascii=False))
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
    }
    path = out / "coverage.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default))
    return [out / "need.csv", out / "need.geojson", path]


def write_comparison(table: ComparisonTable, out: Path, *, region: dict[str, str]) -> list[Path]:
    """``comparison.csv`` and ``comparison.json`` (already suppressed: "< 11")."""
    out.mkdir(parents=True, exist_ok=True)
    table.to_frame().to_csv(out / "comparison.csv", index=False)
    payload = {"region": region, **table.to_json_dict()}
    (out / "comparison.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default)
    )
    return [out / "comparison.csv", out / "comparison.json"]


def write_territory_geojson(territory: Territory, path: Path) -> Path:
    """Communes with their attributes (FRR class, QPV, young estimate) as GeoJSON."""
    frame = territory.communes.drop(columns=["townhall_hours"]).reset_index()
    frame["frr_label"] = frame["frr_class"].map(lambda k: FrrClass(k).label)
    data = json.loads(frame.to_json(drop_id=True, ensure_ascii=False))
    data["metadata"] = {
        "territory": territory.id,
        "name": territory.name,
        "young_method": territory.young_method,
        "approximation": territory.approximation,
        "sources": list(territory.sources),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path
