"""Week locks (issue #15, item 3): the manager locks a week's counts; writes in a locked week
are a French 409 saying since when, by whom and how to fix; unlocking allows them again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service.db.models import AuditRow
from tests.api.service.conftest import CM, MB

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

COUNTS = {"contacts": 12, "reperes": 4, "mobilises": 2}
MONDAY = "2025-05-05"  # the plan's week (fixture ``plan``: one week from Monday 5 May 2025)
LOCKS = f"/territories/{CM}/activity/locks"


def activity_url(plan: dict, visit: dict) -> str:
    return f"/plans/{plan['id']}/visits/{visit['id']}/activity"


def actions(client: TestClient) -> list[str]:
    with client.app.state.milo.db.session() as s:
        return [a for a in s.scalars(select(AuditRow.action).order_by(AuditRow.id))]


def test_a_locked_week_refuses_records_corrections_and_deletions_until_unlocked(
    client: TestClient, tokens: dict, plan: dict
) -> None:
    manager, conseiller = tokens["manager"], tokens["conseiller"]
    visit = plan["plan"]["visits"][0]
    url = activity_url(plan, visit)
    assert client.post(url, json=COUNTS, headers=conseiller).status_code == 201

    r = client.put(f"{LOCKS}/{MONDAY}", headers=manager)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["week_start"] == MONDAY and body["week_end"] == "2025-05-11"
    assert body["locked_by"].startswith("token:") and "responsable" in body["locked_by_fr"]
    assert client.put(f"{LOCKS}/{MONDAY}", headers=manager).status_code == 200  # already
    listed = client.get(LOCKS, headers=conseiller).json()
    assert listed["count"] == 1 and listed["data"][0]["week_start"] == MONDAY

    for method in ("post", "put"):
        r = getattr(client, method)(url, json=COUNTS | {"contacts": 13}, headers=conseiller)
        assert r.status_code == 409, r.text
        err = r.json()
        assert "Semaine verrouillée" in err["detail"] and "05/05/2025" in err["detail"]
        assert "depuis le" in err["detail"] and "responsable" in err["detail"]
        assert "déverrouiller la semaine du 05/05/2025" in err["hint"]
    r = client.delete(url, headers=manager)
    assert r.status_code == 409 and "suppression des comptes" in r.json()["detail"]
    assert client.get(url, headers=conseiller).json()["contacts"] == 12  # reading still works

    assert client.delete(f"{LOCKS}/{MONDAY}", headers=manager).status_code == 204
    assert client.get(LOCKS, headers=manager).json()["count"] == 0
    r = client.put(url, json=COUNTS | {"contacts": 13}, headers=conseiller)
    assert r.status_code == 200 and r.json()["contacts"] == 13
    r = client.delete(f"{LOCKS}/{MONDAY}", headers=manager)
    assert r.status_code == 404 and "pas verrouillée" in r.json()["detail"]
    done = actions(client)
    assert done.count("activity.lock") == 1 and done.count("activity.unlock") == 1


def test_only_the_territory_manager_locks_and_the_week_starts_on_a_monday(
    client: TestClient, tokens: dict, plan: dict
) -> None:
    for who in ("conseiller", "manager_mb", "arml"):
        r = client.put(f"{LOCKS}/{MONDAY}", headers=tokens[who])
        assert r.status_code == 403, (who, r.text)
        assert client.delete(f"{LOCKS}/{MONDAY}", headers=tokens[who]).status_code == 403
    assert client.get(LOCKS, headers=tokens["manager_mb"]).status_code == 403
    r = client.put(f"{LOCKS}/2025-05-06", headers=tokens["manager"])
    assert r.status_code == 422
    err = r.json()
    assert "un lundi attendu" in err["detail"] and "06/05/2025" in err["detail"]
    assert "2025-05-05" in err["hint"]
    r = client.put(f"{LOCKS}/pas-une-date", headers=tokens["manager"])
    assert r.status_code == 422
    # a lock of one territory does not touch another's visits
    assert client.put(f"/territories/{MB}/activity/locks/{MONDAY}", headers=tokens["manager_mb"])
    visit = plan["plan"]["visits"][0]
    r = client.post(activity_url(plan, visit), json=COUNTS, headers=tokens["conseiller"])
    assert r.status_code == 201, r.text
