"""Private calendar feeds (issue #15, item 4): one active feed per person, a secret in the URL
(only its HMAC stored), rotation and revocation; the feed is the published plan's ICS (never a
draft), and after a move the same UID comes back with a higher SEQUENCE."""

from __future__ import annotations

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service import calendar_feeds
from api.service.auth import hash_token
from api.service.db.models import AuditRow, CalendarFeedRow, UserRow
from api.service.users import create_user, disable_user, principal_of
from planner.itinerary.event_ids import identity
from planner.itinerary.plan import Plan
from tests.api.service.conftest import CM, publish
from tests.api.service.test_moves_api import _fitting_move, _read, _replan, freed  # noqa: F401

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def person(client: TestClient, settings, email: str, role: str = "conseiller") -> UserRow:
    with client.app.state.milo.db.session() as s:
        new = create_user(
            s, settings.secret, email=email, role=role, territory_id=CM, password="x" * 16
        )
        s.commit()
        user = s.get(UserRow, new.user.id)
        s.expunge(user)
    return user


def new_feed(client: TestClient, settings, user: UserRow) -> str:
    with client.app.state.milo.db.session() as s:
        token, _ = calendar_feeds.create_feed(s, principal_of(user), settings.secret)
        s.commit()
    return token


def events(client: TestClient, token: str, headers: dict | None = None) -> dict:
    """UID -> VEVENT of the feed ``token`` (or, with ``headers``, of the API export path)."""
    url = token if headers else f"/agenda/{token}.ics"
    r = client.get(url, headers=headers or {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(r.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def gone(client: TestClient, token: str) -> None:
    r = client.get(f"/agenda/{token}.ics")
    assert r.status_code == 404 and r.text.startswith("Agenda introuvable"), r.text
    assert r.headers["content-type"].startswith("text/plain")


def test_the_feed_is_the_published_plan_and_a_move_raises_the_sequence(
    client,
    settings,
    tokens,
    plan,
    freed,  # noqa: F811
) -> None:
    user = person(client, settings, "julie@ml-creusot.fr")
    token = new_feed(client, settings, user)
    with client.app.state.milo.db.session() as s:
        stored = s.scalars(select(CalendarFeedRow)).one()
        assert stored.secret_hash == hash_token(token, settings.secret) != token
    published = events(client, token)
    assert len(published) == len(plan["plan"]["visits"])
    export = events(client, f"/plans/{plan['id']}.ics", tokens["manager"])
    assert {u: int(e["SEQUENCE"]) for u, e in published.items()} == {
        u: int(e["SEQUENCE"]) for u, e in export.items()
    }  # the API's export: same UIDs and SEQUENCEs
    # a draft (``freed``: the published week with a visit cancelled) never leaks
    draft, place = freed
    assert events(client, token).keys() == published.keys()
    # a move, re-planned then published: the moved visit keeps its UID, SEQUENCE grows
    visit, body = _fitting_move(client, tokens, draft, place)
    change = {"kind": "move_visit", "dates": [body.pop("date")], **body}
    r = _replan(client, tokens, draft["id"], changes=[change])
    assert r.status_code == 202, r.text
    moved_plan = _read(client, tokens, r.json()["id"])
    assert moved_plan["status"] == "done", moved_plan["error"]
    publish(client, tokens["manager"], moved_plan)
    after = events(client, token)
    moved_doc = Plan.from_json(moved_plan["plan"])
    moved = next(v for v in moved_doc.visits if v.moved_from)
    assert moved.moved_from == visit["date"]
    uid, sequence = identity(moved_doc.territory, moved)
    assert int(after[uid]["SEQUENCE"]) == sequence
    assert uid in published, "the moved visit keeps its calendar identity"
    assert int(after[uid]["SEQUENCE"]) > int(published[uid]["SEQUENCE"])
    cancelled = [u for u, e in after.items() if str(e.get("STATUS")) == "CANCELLED"]
    moved_visits = moved_plan["plan"]["visits"]
    assert len(after) - len(cancelled) == len(moved_visits)
    with client.app.state.milo.db.session() as s:
        assert s.scalars(select(CalendarFeedRow)).one().last_fetched_at is not None


def test_rotation_revocation_and_a_disabled_account(client, settings, plan) -> None:
    user = person(client, settings, "julie@ml-creusot.fr")
    other = person(client, settings, "marc@ml-creusot.fr")
    first = new_feed(client, settings, user)
    second = new_feed(client, settings, user)  # a rotation: the old address is gone
    gone(client, first)
    events(client, second)
    theirs = new_feed(client, settings, other)
    with client.app.state.milo.db.session() as s:
        # someone else's revocation only revokes their own feed
        assert calendar_feeds.revoke_feed(s, principal_of(other))
        assert not calendar_feeds.revoke_feed(s, principal_of(other))
        s.commit()
        actions = list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))
    assert actions[-4:] == [
        "calendar.create",
        "calendar.rotate",
        "calendar.create",
        "calendar.revoke",
    ]
    gone(client, theirs)
    events(client, second)  # untouched
    with client.app.state.milo.db.session() as s:
        disable_user(s, s.get(UserRow, user.id))
        s.commit()
    gone(client, second)
    for wrong in ("x", "a" * 43, "../../etc/passwd", "%00" * 20):
        assert client.get(f"/agenda/{wrong}.ics").status_code == 404
