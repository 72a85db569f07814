"""Partners CRUD with validation; activity counts; what a manager sees versus the ARML."""

from __future__ import annotations

import pytest

from api.service.schemas.activity import ActivityPublic, ComparisonPublic, CoveragePublic
from api.service.schemas.territories import PartnerPublic, PartnersPublic
from tests.api.service.conftest import CM

NEW = {
    "name": "Centre social du Tennis",
    "type": "centre_social",
    "lon": 4.4281,
    "lat": 46.8021,
    "opening_hours": {"lundi": "09:00-12:00 / 14:00-17:00", "mercredi": "14:00-18:00"},
    "power": True,
}


def test_partner_crud_changes_what_the_planner_sees(client, tokens):
    h = tokens["manager"]
    before = client.get(f"/territories/{CM}/partners", headers=h).json()["count"]
    r = client.post(f"/territories/{CM}/partners", json=NEW, headers=h)
    assert r.status_code == 201, r.text
    created = PartnerPublic.model_validate(r.json())
    assert created.commune == "71153" and created.source == "API"
    assert created.opening_hours == "lundi 09:00-12:00, 14:00-17:00 ; mercredi 14:00-18:00"
    territory, _ = client.app.state.milo.territories.get(CM)
    assert created.id in territory.partners.index
    url = f"/territories/{CM}/partners/{created.id}"
    assert client.get(url, headers=tokens["conseiller"]).json()["name"] == NEW["name"]
    r = client.put(
        url, json=NEW | {"name": "Centre social rénové", "opening_hours": None}, headers=h
    )
    assert r.status_code == 200 and r.json()["opening_hours"] == "horaires inconnus"
    listed = PartnersPublic.model_validate(
        client.get(f"/territories/{CM}/partners", headers=h).json()
    )
    assert listed.count == before + 1
    assert client.delete(url, headers=h).status_code == 204
    assert client.get(url, headers=h).status_code == 404
    territory, _ = client.app.state.milo.territories.get(CM)
    assert created.id not in territory.partners.index


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"lon": 2.35, "lat": 48.85}, 422, "point(s) hors du territoire"),
        ({"lon": 46.8021, "lat": 4.4281}, 422, "point(s) hors du territoire"),
        ({"commune": "21231"}, 422, "Commune 21231 absente du territoire"),
        ({"opening_hours": {"lundi": "9h à midi"}}, 422, "Horaires illisibles"),
        ({"type": "boulangerie"}, 422, "Requête invalide"),
        ({"name": ""}, 422, "Requête invalide"),
        ({"telephone": "06 12 34 56 78"}, 422, "Requête invalide"),
    ],
)
def test_bad_partner_input_is_a_french_422(client, tokens, change, status, detail):
    r = client.post(f"/territories/{CM}/partners", json=NEW | change, headers=tokens["manager"])
    assert r.status_code == status
    assert detail in r.json()["detail"] and r.json()["hint"]


def test_unknown_partner_is_404(client, tokens):
    r = client.put(f"/territories/{CM}/partners/inconnu", json=NEW, headers=tokens["manager"])
    assert r.status_code == 404 and "Partenaire 'inconnu' inconnu" in r.json()["detail"]


def post_activity(client, headers, plan, visit_id, **counts):
    body = {"contacts": 12, "reperes": 4, "mobilises": 2} | counts
    return client.post(
        f"/plans/{plan['id']}/visits/{visit_id}/activity", json=body, headers=headers
    )


def test_activity_is_counts_only_and_replaces_on_a_second_entry(client, tokens, plan):
    visit = plan["plan"]["visits"][0]
    r = post_activity(client, tokens["conseiller"], plan, visit["id"], approach="maraude")
    assert r.status_code == 201
    rec = ActivityPublic.model_validate(r.json())
    assert rec.stop_id == visit["stop_id"] and rec.approach == "maraude"
    r = post_activity(client, tokens["conseiller"], plan, visit["id"], contacts=20, reperes=9)
    assert r.status_code == 200 and r.json()["id"] == rec.id and r.json()["reperes"] == 9
    cov = client.get(f"/territories/{CM}/coverage", headers=tokens["manager"]).json()
    assert cov["indicators"]["sessions_delivered"] == 1
    assert cov["indicators"]["contacts"] == 20


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"contacts": -1}, "body.contacts"),
        ({"contacts": 2, "reperes": 3}, "body"),
        ({"mobilises": 13}, "body"),
        ({"approach": "porte-a-porte"}, "body.approach"),
        ({"commentaire": "Kevin, 17 ans, 06 12 34 56 78"}, "body.commentaire"),
    ],
)
def test_bad_activity_is_422(client, tokens, plan, counts, field):
    r = post_activity(client, tokens["conseiller"], plan, plan["plan"]["visits"][0]["id"], **counts)
    assert r.status_code == 422
    assert field in [e["champ"] for e in r.json()["errors"]]


def test_activity_on_a_visit_of_another_plan_is_404(client, tokens, plan, plan_mb):
    other = plan_mb["plan"]["visits"][0]["id"]
    r = post_activity(client, tokens["conseiller"], plan, other)
    assert r.status_code == 404 and f"Visite {other} inconnue" in r.json()["detail"]


def test_manager_sees_exact_counts_the_arml_sees_suppressed_aggregates(client, tokens, plan):
    for visit in plan["plan"]["visits"][:3]:
        post_activity(
            client, tokens["conseiller"], plan, visit["id"], contacts=5, reperes=3, mobilises=1
        )
    own = CoveragePublic.model_validate(
        client.get(f"/territories/{CM}/coverage", headers=tokens["manager"]).json()
    )
    ind = own.indicators
    assert own.plan_id == plan["id"]
    assert (ind["sessions_delivered"], ind["contacts"], ind["reperes"], ind["mobilises"]) == (
        3,
        15,
        9,
        3,
    )
    assert ind["reperes_per_half_day"] == 3.0
    assert ind["sessions_planned"] == len(plan["plan"]["visits"])
    shared = ComparisonPublic.model_validate(
        client.get("/comparison", headers=tokens["arml"]).json()
    )
    rows = {row["territory_id"]: row for row in shared.data}
    assert set(rows) == {CM, "marches-de-bourgogne", "region"}
    cm = rows[CM]
    assert cm["sessions_delivered"] == "< 11" and cm["reperes"] == "< 11"
    assert cm["mobilises"] == "< 11" and cm["reperes_per_half_day"] == "secret"
    assert cm["share_20min_with_van"] == pytest.approx(ind["share_20min_with_van"])
    assert "< 11" in shared.suppression
    # the same suppressed table for everyone; the detail stays with the territory
    assert client.get("/comparison", headers=tokens["manager"]).json() == shared.model_dump()
    assert client.get(f"/territories/{CM}/coverage", headers=tokens["arml"]).status_code == 403


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("Mairie\x00", "caractère de contrôle ou invalide U+0000"),
        ("Mairie \x1b[2J", "U+001B"),
        ("Centre \u202etxt.exe", "caractère de direction du texte U+202E"),
        ("   ", "Le nom du partenaire est vide"),
    ],
)
def test_partner_name_with_control_or_bidi_characters_is_refused(client, tokens, name, detail):
    h = tokens["manager"]
    created = client.post(f"/territories/{CM}/partners", json=NEW, headers=h).json()
    url = f"/territories/{CM}/partners/{created['id']}"
    for r in (
        client.post(f"/territories/{CM}/partners", json=NEW | {"name": name}, headers=h),
        client.put(url, json=NEW | {"name": name}, headers=h),
    ):
        assert r.status_code == 422, r.text
        assert detail in r.json()["detail"] and r.json()["hint"]
    assert client.get(url, headers=h).json()["name"] == NEW["name"]


def test_partner_name_spaces_are_normalised(client, tokens):
    h = tokens["manager"]
    r = client.post(
        f"/territories/{CM}/partners", json=NEW | {"name": " Centre\u2028social\t"}, headers=h
    )
    assert r.status_code == 201 and r.json()["name"] == "Centre social"
