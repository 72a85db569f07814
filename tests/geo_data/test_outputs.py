"""Coverage and comparison files read back by independent parsers: the csv module as French
Excel reads (BOM, ``;``, decimal comma), strict JSON (no NaN), RFC 7946 GeoJSON (WGS84,
counter-clockwise exterior rings, and the official GeoJSON schema)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from geo_data.demo import load_demo_territory
from geo_data.outputs import write_comparison, write_coverage, write_territory_geojson
from planner.workflows.comparison import region_comparison
from planner.workflows.coverage import territory_coverage
from tests.official_schemas import validate_geojson


def _strict_json(path: Path):
    def refuse(name: str):
        raise AssertionError(f"{path.name} holds {name}, which JSON (RFC 8259) does not allow")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def _excel_rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} without BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _check_rfc7946(doc: dict) -> None:
    validate_geojson(doc)  # the official schema of geojson.org
    assert "crs" not in doc  # RFC 7946: WGS84 only, no crs member
    for feature in doc["features"]:
        geom = shape(feature["geometry"])
        polygons = list(getattr(geom, "geoms", [geom]))
        for polygon in polygons:
            assert polygon.exterior.is_ccw, feature["properties"].get("name")
            assert all(not ring.is_ccw for ring in polygon.interiors)
            lon, lat = polygon.exterior.coords[0]
            assert -6 < lon < 10 and 41 < lat < 52  # lon/lat order, metropolitan France


@pytest.fixture(scope="module")
def territory():
    return load_demo_territory("creusot-montceau")


@pytest.fixture(scope="module")
def coverage_files(territory, tmp_path_factory) -> list[Path]:
    result = territory_coverage(territory, k=3)
    return write_coverage(territory, result, tmp_path_factory.mktemp("coverage"))


def test_need_csv_is_for_french_excel(territory, coverage_files) -> None:
    rows = _excel_rows(coverage_files[0])
    assert len(rows) == len(territory.communes)
    first = rows[0]
    assert {"Code INSEE", "Commune", "Score de besoin (sur 100)", "Rang"} <= set(first)
    assert "score" not in first and "code" not in first
    assert first["Présence d'un QPV : valeur"] in {"oui", "non"}
    scores = [r["Score de besoin (sur 100)"] for r in rows]
    assert all("." not in s for s in scores) and any("," in s for s in scores)


def test_coverage_json_has_no_nan(coverage_files) -> None:
    cover = _strict_json(coverage_files[2])
    assert cover["indicators"]["km_per_contact"] is None  # NaN before (no activity): null now


def test_need_geojson_follows_rfc7946(coverage_files) -> None:
    _check_rfc7946(_strict_json(coverage_files[1]))


def test_territory_geojson_follows_rfc7946(territory, tmp_path) -> None:
    doc = _strict_json(write_territory_geojson(territory, tmp_path / "territory.geojson"))
    assert len(doc["features"]) == len(territory.communes)
    _check_rfc7946(doc)


def test_comparison_csv_is_for_french_excel(tmp_path) -> None:
    territories = [load_demo_territory(t) for t in ("creusot-montceau", "marches-de-bourgogne")]
    table, _ = region_comparison(territories, k=2, synthetic_activity=True)
    csv_path, json_path = write_comparison(table, tmp_path, region={"id": "demo", "name": "Démo"})
    rows = _excel_rows(csv_path)
    assert {"Identifiant", "Territoire", "Jeunes 16-25 ans (estimés)"} <= set(rows[0])
    assert rows[-1]["Territoire"] == "Total région"
    shares = [r["Part des jeunes à moins de 20 min d'un site fixe"] for r in rows]
    assert all("." not in s for s in shares) and any("," in s for s in shares)
    assert len(_strict_json(json_path)["territories"]) == len(rows)


def test_the_official_geojson_schema_refuses_a_broken_document() -> None:
    """The schema check can fail: a feature without geometry or with a lat/lon pair as text."""
    broken = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}
    with pytest.raises(pytest.fail.Exception, match="geometry"):
        validate_geojson(broken)
    point = {"type": "Point", "coordinates": ["4.4", "46.8"]}
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": point}
    ]}  # fmt: skip
    with pytest.raises(pytest.fail.Exception, match="violation"):
        validate_geojson(bad)
