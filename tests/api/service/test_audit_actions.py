"""The audit log records who did what through the API: plans (created, re-planned, cancelled),
publications and partner edits, with the token of the author and the values before and after."""

from __future__ import annotations

from api.service import audit
from tests.api.service.conftest import CM, make_plan, publish
from tests.api.service.test_partners_activity import NEW


def actions(client) -> list[tuple[str, str, int | None]]:
    with client.app.state.milo.db.session() as s:
        entries, _ = audit.entries(s, CM, limit=50)
        return [(e.action, e.target, e.actor_token_id) for e in reversed(entries)]


def test_partner_edits_are_audited_with_before_and_after(client, tokens):
    h = tokens["manager"]
    created = client.post(f"/territories/{CM}/partners", json=NEW, headers=h).json()
    url = f"/territories/{CM}/partners/{created['id']}"
    client.put(url, json=NEW | {"name": "Centre social rénové"}, headers=h)
    client.delete(url, headers=h)
    target = f"territories/{CM}/partners/{created['id']}"
    done = [(a, t) for a, t, _ in actions(client)]
    assert done == [
        ("partner.create", target),
        ("partner.update", target),
        ("partner.delete", target),
    ]
    with client.app.state.milo.db.session() as s:
        entries, _ = audit.entries(s, CM, target=target)
        update = next(e for e in entries if e.action == "partner.update")
        assert update.before["name"] == NEW["name"]
        assert update.after["name"] == "Centre social rénové"
        assert update.actor_role == "manager" and update.actor_token_id is not None


def test_plans_replans_cancels_and_publications_are_audited(client, tokens):
    h = tokens["manager"]
    plan = make_plan(client, h)
    publish(client, h, plan)
    stop = plan["plan"]["visits"][0]
    r = client.post(
        f"/plans/{plan['id']}/replan",
        json={
            "changes": [
                {"kind": "cancel_stop", "stop_id": stop["stop_id"], "dates": [stop["date"]]}
            ]
        },
        headers=h,
    )
    assert r.status_code == 202, r.text
    done = [a for a, _, _ in actions(client)]
    assert done == ["plan.create", "plan.publish", "plan.replan"]
    with client.app.state.milo.db.session() as s:
        entries, _ = audit.entries(s, CM, target=f"plans/{r.json()['id']}")
        assert entries[0].before == {"plan": plan["id"], "version": 1}
        assert entries[0].after["changes"][0]["kind"] == "cancel_stop"
