"""Every approach in the service's outputs: the GeoJSON export says what each session is."""

from __future__ import annotations

from api.service.responses import plan_geojson
from tests.approach_plan import every_kind_plan
from tests.official_schemas import validate_geojson


def test_geojson_visit_points_say_kind_approach_and_resource_and_keep_their_type() -> None:
    geo = plan_geojson(every_kind_plan().to_json())
    validate_geojson(geo)  # the official GeoJSON schema of geojson.org
    points = {
        f["properties"]["stop_id"]: f["properties"]
        for f in geo["features"]
        if f["properties"]["kind"] == "visite"  # the feature's type, as before
    }
    maraude = points["m3"]
    assert (maraude["session_kind"], maraude["approach"], maraude["resource"]) == (
        "maraude",
        "maraude",
        "equipe",
    )
    assert maraude["session_kind_label"] == "Maraude"
    assert maraude["resource_label"] == "Équipe equipe-1"
    assert points["p2"]["approach_label"] == "Repérage par les acteurs de proximité"
    assert points["s1"]["session_kind_label"] == "Arrêt du véhicule"
    assert "private" not in maraude  # not a GeoJSON property (plan schema)
    days = {f["properties"]["van"]: f["properties"] for f in geo["features"] if
            f["properties"]["kind"] == "journee"}  # fmt: skip
    assert {van: d["resource"] for van, d in days.items()} == {
        "van-1": "vehicule",
        "equipe-1": "equipe",
    }
