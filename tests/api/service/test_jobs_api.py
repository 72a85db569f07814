"""Plan jobs through the API (in-process, both backends): quota per territory (429 in
French), time limit capped per role, cancel (manager only; a finished plan is a French 409)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.service.auth import create_token
from api.service.db import repo
from tests.api.service.conftest import CM, MB, PLAN_START, make_settings, open_client

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def queued(client, territory: str = CM, n: int = 1) -> list[str]:
    """Plans queued in the store (no job runs them: they stay queued)."""
    db = client.app.state.milo.db
    ids = []
    with db.session() as s:
        for _ in range(n):
            row = repo.create_plan(
                s,
                territory_id=territory,
                start=dt.date.fromisoformat(PLAN_START),
                weeks=1,
                options={"solver": "local", "time_limit": 1, "seed": 1},
            )
            ids.append(row.id)
        s.commit()
    return ids


def post_plan(client, headers, territory: str = CM, **body):
    payload = {"start": PLAN_START, "weeks": 1, "time_limit": 1, "seed": 1} | body
    return client.post(f"/territories/{territory}/plans", json=payload, headers=headers)


def test_a_territory_with_3_jobs_queued_gets_a_french_429_and_others_do_not(client, tokens):
    queued(client, CM, 3)
    r = post_plan(client, tokens["manager"])
    assert r.status_code == 429
    assert r.json()["detail"] == (
        f"Trop de calculs en cours pour le territoire {CM} : 3 en attente ou en cours, "
        "au plus 3 à la fois."
    )
    assert "POST /plans/{id}/cancel" in r.json()["hint"]
    assert post_plan(client, tokens["manager_mb"], MB).status_code == 202  # not blocked


def test_the_quota_also_holds_for_a_replan(client, tokens, plan):
    queued(client, CM, 3)
    r = client.post(
        f"/plans/{plan['id']}/replan",
        json={"changes": [{"kind": "van_down", "van": "milo-mobile-1", "dates": [PLAN_START]}]},
        headers=tokens["manager"],
    )
    assert r.status_code == 429, r.text
    assert r.json()["detail"].startswith(f"Trop de calculs en cours pour le territoire {CM}")


def test_a_cancelled_job_frees_its_quota_place(client, tokens):
    ids = queued(client, CM, 3)
    assert client.post(f"/plans/{ids[0]}/cancel", headers=tokens["manager"]).status_code == 200
    assert post_plan(client, tokens["manager"]).status_code == 202


def test_the_quota_is_a_setting(db_url):
    with open_client(make_settings(db_url, job_quota=1)) as c:
        db = c.app.state.milo.db
        token = create_token(db, b"secret-de-test", role="manager", territory_id=CM)
        queued(c, CM, 1)
        r = post_plan(c, {"Authorization": f"Bearer {token}"})
        assert r.status_code == 429
        assert "au plus 1 à la fois" in r.json()["detail"]


def test_the_time_limit_is_capped_by_the_role(db_url):
    settings = make_settings(db_url, max_time_limit=5.0, role_time_limits={"manager": 0.5})
    with open_client(settings) as c:
        token = create_token(c.app.state.milo.db, settings.secret, role="manager", territory_id=CM)
        r = post_plan(c, {"Authorization": f"Bearer {token}"}, time_limit=3)
        assert r.status_code == 202, r.text
        assert r.json()["options"]["time_limit"] == 0.5
    assert settings.time_limit_cap("conseiller") == 5.0  # no cap of its own: the service's


def test_cancel_a_queued_job(client, tokens):
    (plan_id,) = queued(client)
    r = client.post(f"/plans/{plan_id}/cancel", headers=tokens["manager"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "cancelled"
    assert body["error"]["detail"] == (
        "Calcul annulé par un responsable du territoire : aucun plan enregistré."
    )
    assert body["finished_at"] is not None
    got = client.get(f"/plans/{plan_id}", headers=tokens["manager"]).json()
    assert (got["status"], got["plan"]) == ("cancelled", None)
    # a cancelled plan is not ready: no export, no re-plan
    r = client.post(f"/plans/{plan_id}/replan", json={"changes": []}, headers=tokens["manager"])
    assert r.status_code in (409, 422)


def test_cancel_is_for_the_territory_s_manager_only(client, tokens):
    (plan_id,) = queued(client)
    r = client.post(f"/plans/{plan_id}/cancel", headers=tokens["conseiller"])
    assert r.status_code == 403
    assert r.json()["detail"] == "Le rôle conseiller ne peut pas annuler un calcul."
    r = client.post(f"/plans/{plan_id}/cancel", headers=tokens["manager_mb"])
    assert r.status_code == 403
    r = client.post("/plans/inconnu/cancel", headers=tokens["manager"])
    assert r.status_code == 404


def test_cancelling_a_finished_plan_is_a_french_409(client, tokens, plan):
    r = client.post(f"/plans/{plan['id']}/cancel", headers=tokens["manager"])
    assert r.status_code == 409
    assert r.json() == {
        "detail": f"Le plan {plan['id']} est terminé (état : done) : il n'y a plus de calcul "
        "à annuler.",
        "hint": "Seul un plan à l'état « queued » ou « running » s'annule ; lancez un nouveau "
        "calcul ou une re-planification à la place.",
    }
