"""HTML maps served by the API: itinerary, next-stop page, coverage; same access rules."""

from __future__ import annotations

from tests.api.service.conftest import CM
from tests.maps.conftest import page_markup


def test_plan_map_and_next_stop_page(client, tokens, plan):
    h = tokens["conseiller"]
    r = client.get(f"/plans/{plan['id']}/map", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "leaflet" in r.text.lower() and plan["plan"]["visits"][0]["stop_name"] in r.text
    r = client.get(
        f"/plans/{plan['id']}/next/page",
        headers=h,
        params={"van": "equipe-creusot", "at": "2025-05-07T18:00:00"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    friday = next(
        v
        for v in plan["plan"]["visits"]
        if v["van"] == "equipe-creusot" and v["date"] == "2025-05-09"
    )
    assert friday["stop_name"] in r.text
    assert client.get(f"/plans/{plan['id']}/map", headers=tokens["arml"]).status_code == 403


def test_coverage_map(client, tokens):
    r = client.get(f"/territories/{CM}/coverage/map", headers=tokens["manager"])
    assert r.status_code == 200 and "Couverture" in r.text
    assert "zone à 20 min" not in r.text  # no plan yet: no van stops
    r = client.get(f"/territories/{CM}/coverage/map", headers=tokens["manager_mb"])
    assert r.status_code == 403


def test_coverage_map_shows_the_latest_plan_stops(client, tokens, plan):
    r = client.get(f"/territories/{CM}/coverage/map", headers=tokens["manager"])
    assert r.status_code == 200
    assert "zone à 20 min" in page_markup(
        r.text
    )  # the plan's stops come with their 20-min catchments
