"""Roles and territories: every role on every kind of endpoint, every cross-territory attempt."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.service.auth import create_token, hash_token
from api.service.db.models import TokenRow
from planner.errors import InvalidProblemError, NotFoundError
from tests.api.service.conftest import CM, MB

PARTNER = {
    "name": "Centre social du Tennis",
    "type": "centre_social",
    "lon": 4.4281,
    "lat": 46.8021,
}


def reads(plan_id: str, territory: str) -> list[str]:
    return [
        f"/territories/{territory}/partners",
        f"/territories/{territory}/plans",
        f"/territories/{territory}/communes",
        f"/territories/{territory}/coverage",
        f"/plans/{plan_id}",
        f"/plans/{plan_id}.csv",
        f"/plans/{plan_id}.ics",
        f"/plans/{plan_id}.gpx",
        f"/plans/{plan_id}.geojson",
        f"/plans/{plan_id}/explanations",
        f"/plans/{plan_id}/non-planifies.csv",
        f"/plans/{plan_id}/next?van=equipe-creusot&at=2025-05-05T08:00:00",
    ]


def test_no_token_is_401_everywhere_but_health(client, plan):
    for url in [*reads(plan["id"], CM), "/territories", f"/territories/{CM}", "/comparison"]:
        r = client.get(url)
        assert r.status_code == 401, url
        assert r.json()["detail"] == "Jeton d'accès absent."
    r = client.post(f"/territories/{CM}/partners", json=PARTNER)
    assert r.status_code == 401


@pytest.mark.parametrize("header", ["Bearer inconnu", "Basic dXNlcjpwYXNz", "Bearer"])
def test_unknown_or_malformed_token_is_401(client, header):
    r = client.get("/territories", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_only_the_hash_is_stored(client, settings):
    db = client.app.state.milo.db
    token = create_token(db, settings.secret, role="manager", territory_id=CM)
    with db.session() as s:
        stored = s.scalars(select(TokenRow.token_hash)).all()
    assert token not in stored and hash_token(token, settings.secret) in stored


def test_token_role_and_territory_rules(client, settings):
    db = client.app.state.milo.db
    with pytest.raises(InvalidProblemError, match="Rôle 'admin' inconnu"):
        create_token(db, settings.secret, role="admin", territory_id=CM)
    with pytest.raises(InvalidProblemError, match="arml couvre toute la région"):
        create_token(db, settings.secret, role="arml", territory_id=CM)
    with pytest.raises(InvalidProblemError, match="--territory manquant"):
        create_token(db, settings.secret, role="conseiller", territory_id=None)
    with pytest.raises(NotFoundError, match="Territoire 'ailleurs' inconnu"):
        create_token(db, settings.secret, role="manager", territory_id="ailleurs")


def test_own_roles_read_their_territory(client, tokens, plan):
    for who in ("manager", "conseiller"):
        for url in reads(plan["id"], CM):
            r = client.get(url, headers=tokens[who])
            assert r.status_code == 200, (who, url, r.text)


def test_reads_across_territories_are_403(client, tokens, plan, plan_mb):
    for who in ("manager_mb", "conseiller_mb"):
        for url in reads(plan["id"], CM):
            r = client.get(url, headers=tokens[who])
            assert r.status_code == 403, (who, url)
            assert "territoire" in r.json()["detail"]
    for url in reads(plan_mb["id"], MB):
        assert client.get(url, headers=tokens["manager"]).status_code == 403, url


def test_arml_sees_only_aggregates(client, tokens, plan):
    arml = tokens["arml"]
    assert client.get("/territories", headers=arml).status_code == 200
    assert client.get(f"/territories/{CM}", headers=arml).status_code == 200
    assert client.get("/comparison", headers=arml).status_code == 200
    for url in reads(plan["id"], CM):
        r = client.get(url, headers=arml)
        assert r.status_code == 403, url
        assert "arml" in r.json()["detail"] and "/comparison" in r.json()["hint"]
    visit = plan["plan"]["visits"][0]["id"]
    r = client.post(
        f"/plans/{plan['id']}/visits/{visit}/activity",
        headers=arml,
        json={"contacts": 3, "reperes": 1, "mobilises": 0},
    )
    assert r.status_code == 403
    r = client.post(f"/territories/{CM}/plans", headers=arml, json={"start": "2025-05-05"})
    assert r.status_code == 403


def write_attempts(client, plan: dict, territory: str, headers: dict) -> dict[str, int]:
    """Status of every kind of write on ``territory`` / ``plan`` with ``headers``."""
    partner = client.get(f"/territories/{territory}/partners", headers=headers).json()
    pid = partner["data"][0]["id"] if "data" in partner else "mairie-71153"
    visit = plan["plan"]["visits"][0]["id"]
    body = dict(PARTNER)
    if territory == MB:
        body.update(lon=4.07, lat=47.03)
    return {
        "partner_create": client.post(
            f"/territories/{territory}/partners", json=body, headers=headers
        ).status_code,
        "partner_update": client.put(
            f"/territories/{territory}/partners/{pid}", json=body, headers=headers
        ).status_code,
        # before a new plan or a re-plan makes ``plan`` no longer the official one
        "activity": client.post(
            f"/plans/{plan['id']}/visits/{visit}/activity",
            headers=headers,
            json={"contacts": 3, "reperes": 1, "mobilises": 0},
        ).status_code,
        "plan_create": client.post(
            f"/territories/{territory}/plans",
            headers=headers,
            json={"start": "2025-05-05", "time_limit": 1},
        ).status_code,
        "replan": client.post(
            f"/plans/{plan['id']}/replan",
            headers=headers,
            json={"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}]},
        ).status_code,
        "partner_delete": client.delete(
            f"/territories/{territory}/partners/{pid}", headers=headers
        ).status_code,
    }


def test_manager_writes_its_own_territory(client, tokens, plan):
    assert write_attempts(client, plan, CM, tokens["manager"]) == {
        "partner_create": 201,
        "partner_update": 200,
        "plan_create": 202,
        "replan": 202,
        "activity": 201,
        "partner_delete": 204,
    }


def test_conseiller_records_activity_but_does_not_plan(client, tokens, plan):
    assert write_attempts(client, plan, CM, tokens["conseiller"]) == {
        "partner_create": 403,
        "partner_update": 403,
        "plan_create": 403,
        "replan": 403,
        "activity": 201,
        "partner_delete": 403,
    }
    r = client.post(
        f"/territories/{CM}/plans", headers=tokens["conseiller"], json={"start": "2025-05-05"}
    )
    assert r.json()["detail"] == "Le rôle conseiller ne peut pas calculer un plan."


@pytest.mark.parametrize("who", ["manager_mb", "conseiller_mb", "arml"])
def test_every_write_outside_ones_territory_is_403(client, tokens, plan, who):
    attempts = write_attempts(client, plan, CM, tokens[who])
    assert set(attempts.values()) == {403}, attempts


def test_manager_cannot_write_the_other_territory(client, tokens, plan_mb):
    attempts = write_attempts(client, plan_mb, MB, tokens["manager"])
    assert set(attempts.values()) == {403}, attempts
