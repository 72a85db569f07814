"""Amenities through the API: « à vérifier » (null) stored, listed, planned and exported."""

from __future__ import annotations

import csv
import io

import pytest

from api.service.schemas.territories import PartnerPublic
from planner.itinerary.grid import REASON_NEEDS
from tests.api.service.conftest import CM, make_plan, publish
from tests.api.service.test_partners_activity import NEW

OFFICE = {d: "09:00-12:00 / 14:00-17:00" for d in ("lundi", "mardi", "mercredi", "jeudi")}


def test_official_partners_list_unknown_amenities_as_to_check(client, tokens):
    body = client.get(f"/territories/{CM}/partners", headers=tokens["manager"]).json()
    by_id = {p["id"]: PartnerPublic.model_validate(p) for p in body["data"]}
    fs = by_id["fs-1811"]
    assert fs.power is None and fs.parking is None
    assert fs.amenities == "électricité : à vérifier ; stationnement : à vérifier"
    hall = by_id["mairie-71153"]
    assert (hall.power, hall.parking) == (None, True)
    assert hall.amenities == "électricité : à vérifier ; stationnement : oui"


def test_a_partner_without_amenities_is_to_check_and_null_round_trips(client, tokens):
    h = tokens["manager"]
    new = {k: v for k, v in NEW.items() if k != "power"}
    r = client.post(f"/territories/{CM}/partners", json=new, headers=h)
    assert r.status_code == 201, r.text
    created = PartnerPublic.model_validate(r.json())
    assert created.power is None and created.parking is None
    assert created.amenities == "électricité : à vérifier ; stationnement : à vérifier"
    url = f"/territories/{CM}/partners/{created.id}"
    r = client.put(url, json=new | {"power": False, "parking": True}, headers=h)
    assert r.status_code == 200 and r.json()["amenities"] == (
        "électricité : non ; stationnement : oui"
    )
    territory, _ = client.app.state.milo.territories.get(CM)
    assert territory.partners.loc[created.id, "power"] is False
    r = client.put(url, json=new | {"power": None}, headers=h)
    territory, _ = client.app.state.milo.territories.get(CM)
    assert r.json()["power"] is None and territory.partners.loc[created.id, "power"] is None


@pytest.mark.parametrize("field", ["power", "parking"])
def test_a_bad_amenity_is_a_french_422(client, tokens, field):
    r = client.post(
        f"/territories/{CM}/partners", json=NEW | {field: "peut-être"}, headers=tokens["manager"]
    )
    assert r.status_code == 422
    errors = {e["champ"]: e["erreur"] for e in r.json()["errors"]}
    assert errors[f"body.{field}"] == (
        "valeur illisible : attendu true (oui) ou false (non), ou null pour un équipement à "
        "vérifier"
    )


def test_a_required_host_to_check_is_planned_and_said_everywhere(client, tokens):
    h = tokens["manager"]
    hall = client.get(f"/territories/{CM}/partners/mairie-71153", headers=h).json()
    body = {
        "name": hall["name"],
        "type": "mairie",
        "lon": hall["lon"],
        "lat": hall["lat"],
        "opening_hours": OFFICE,
        "parking": None,
    }
    assert client.put(f"/territories/{CM}/partners/mairie-71153", json=body, headers=h).is_success
    plan = publish(client, h, make_plan(client, h, CM, require_host=True))
    creusot = [v for v in plan["plan"]["visits"] if v["stop_id"] == "71153"]
    assert creusot, "Le Creusot (the highest need) is planned, not dropped for its parking"
    assert {v["to_check"] for v in creusot} == {"stationnement à vérifier"}
    assert not [d for d in plan["plan"]["dropped"] if d["reason"] == REASON_NEEDS]
    others = [v for v in plan["plan"]["visits"] if v["stop_id"] != "71153"]
    assert all(v["to_check"] == "" for v in others)
    text = client.get(f"/plans/{plan['id']}.csv", headers=h).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    checks = {r["À vérifier sur place"] for r in rows if r["Arrêt"] == "71153"}
    assert checks == {"stationnement à vérifier"}
    geo = client.get(f"/plans/{plan['id']}.geojson", headers=h).json()
    points = [f["properties"] for f in geo["features"] if f["properties"]["kind"] == "visite"]
    assert {p["to_check"] for p in points if p["stop_id"] == "71153"} == {
        "stationnement à vérifier"
    }
    first = creusot[0]
    at = f"{first['date']}T{first['start']}:00"
    r = client.get(f"/plans/{plan['id']}/next", params={"van": first["van"], "at": at}, headers=h)
    assert r.status_code == 200 and r.json()["place"]["to_check"] == "stationnement à vérifier"
