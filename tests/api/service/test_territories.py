"""Territories: list, detail, communes GeoJSON with need scores; health and OpenAPI."""

from __future__ import annotations

from api.service.schemas.territories import TerritoriesPublic, TerritoryPublic
from tests.api.service.conftest import CM, MB
from tests.official_schemas import validate_geojson


def test_health_needs_no_token(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["territories"] == 2
    assert body["database"] in ("sqlite", "postgresql")


def test_first_start_loads_demo_territories(client, tokens):
    r = client.get("/territories", headers=tokens["manager"])
    assert r.status_code == 200
    body = TerritoriesPublic.model_validate(r.json())
    assert body.count == 2 and {t.id for t in body.data} == {CM, MB}
    cm = next(t for t in body.data if t.id == CM)
    assert cm.communes == 34 and cm.partners > 0 and "equipe-creusot" in cm.vans


def test_territory_detail_and_unknown_is_404_in_french(client, tokens):
    r = client.get(f"/territories/{MB}", headers=tokens["arml"])
    assert r.status_code == 200
    assert TerritoryPublic.model_validate(r.json()).name == "Marches de Bourgogne"
    r = client.get("/territories/nulle-part", headers=tokens["manager"])
    assert r.status_code == 404
    assert r.json()["detail"] == "Territoire 'nulle-part' inconnu."
    assert CM in r.json()["hint"]


def test_communes_geojson_has_frr_qpv_and_need_components(client, tokens):
    r = client.get(f"/territories/{CM}/communes", headers=tokens["conseiller"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    validate_geojson(body)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 34
    props = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    creusot = props["71153"]
    assert creusot["qpv"] is True and creusot["frr_class"] == "non_classee"
    parts = creusot["need_components"]
    assert set(parts) == {"young", "frr", "qpv", "remoteness", "activity", "partners"}
    total = sum(p["points"] for p in parts.values())
    assert abs(total - creusot["need_score"]) < 1e-2
    assert sorted(p["need_rank"] for p in props.values()) == list(range(1, 35))
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_openapi_describes_every_field(client):
    spec = client.get("/openapi.json").json()
    assert "/plans/{plan_id}/next" in spec["paths"] and "/docs" not in spec["paths"]
    missing = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        if not name.startswith(("HTTPValidationError", "ValidationError"))
        for field, prop in schema.get("properties", {}).items()
        if "description" not in prop
    ]
    assert missing == []
    assert client.get("/docs").status_code == 200
