"""GET /plans/{id}/next: in progress, across a day boundary, across a public holiday."""

from __future__ import annotations

import pytest

from api.service.schemas.plans import NextStopPublic

VAN = "equipe-creusot"


def ask(client, headers, plan, at, van=VAN):
    return client.get(f"/plans/{plan['id']}/next", params={"van": van, "at": at}, headers=headers)


def visits_of(plan, van=VAN):
    return [v for v in plan["plan"]["visits"] if v["van"] == van]


def test_in_progress_visit_is_the_next_stop(client, tokens, plan):
    first = visits_of(plan)[0]
    r = ask(client, tokens["conseiller"], plan, f"{first['date']}T10:00:00")
    assert r.status_code == 200
    body = NextStopPublic.model_validate(r.json())
    assert body.status == "en_cours" and body.visit_id == first["id"] and body.days_ahead == 0
    assert body.start.isoformat() == f"{first['date']}T{first['start']}:00+02:00"
    assert body.links["osm"].startswith("https://www.openstreetmap.org/?mlat=")
    assert body.links["geo"].startswith(f"geo:{first['lat']:.6f},{first['lon']:.6f}")
    if first["host"]:
        assert body.host is not None and body.host.name == first["host"]
        assert body.host.opening_hours and body.host.open_during_visit is True


@pytest.mark.parametrize(
    "at",
    [
        "2025-05-05T17:30:00",
        "2025-05-05T23:59:00+02:00",
        "2025-05-05T22:30:00Z",
        "2025-05-06T06:00:00",
    ],
)
def test_next_stop_across_a_day_boundary(client, tokens, plan, at):
    tuesday = [v for v in visits_of(plan) if v["date"] == "2025-05-06"]
    assert tuesday, "the van works on Tuesday 6 May"
    r = ask(client, tokens["conseiller"], plan, at)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["date"] == "2025-05-06" and body["visit_id"] == tuesday[0]["id"]
    assert body["status"] == "a_venir" and body["weekday"] == "mardi"


def test_next_stop_skips_the_public_holiday(client, tokens, plan):
    assert all(v["date"] != "2025-05-08" for v in plan["plan"]["visits"])  # Victoire 1945
    for van in (VAN, "equipe-montceau"):
        friday = [v for v in visits_of(plan, van) if v["date"] == "2025-05-09"]
        assert friday
        r = ask(client, tokens["manager"], plan, "2025-05-07T18:00:00", van)
        assert r.status_code == 200
        body = r.json()
        assert body["date"] == "2025-05-09" and body["days_ahead"] == 2
        assert body["visit_id"] == friday[0]["id"]


def test_after_the_last_visit_and_unknown_van_are_404(client, tokens, plan):
    r = ask(client, tokens["manager"], plan, "2025-06-01T08:00:00")
    assert r.status_code == 404 and "Plus aucun arrêt prévu" in r.json()["detail"]
    r = ask(client, tokens["manager"], plan, "2025-05-05T08:00:00", van="camion-fantome")
    assert r.status_code == 404
    assert r.json()["detail"].startswith("Véhicule 'camion-fantome' absent du plan")
    assert VAN in r.json()["hint"]


def test_bad_instant_is_422(client, tokens, plan):
    r = ask(client, tokens["manager"], plan, "demain matin")
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "query.at"


@pytest.mark.parametrize("at", ["1911-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00"])
def test_instant_out_of_range_is_422_not_500(client, tokens, plan, at):
    # found by schemathesis: 1911 Paris time has a +00:09:21 offset that JSON cannot carry
    r = ask(client, tokens["manager"], plan, at)
    assert r.status_code == 422 and "hors de la plage prise en charge" in r.json()["detail"]
