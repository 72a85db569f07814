"""A person's private calendar feed (``/agenda/<secret>.ics``), one active at a time.

The URL's secret is ``secrets.token_urlsafe(32)``, shown once to its owner (at creation or
rotation); only its HMAC-SHA256 with the settings secret is stored (``calendar_feeds``).
Rotating revokes the active feed and makes a new one; revoking leaves none. A revoked or
unknown secret, or the feed of a disabled account, resolves to nothing (the route answers the
same 404 for all). Every change writes an audit entry (``calendar.create`` /
``calendar.rotate`` / ``calendar.revoke``); the caller commits.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, hash_token
from api.service.db.models import CalendarFeedRow, UserRow, utcnow
from planner.errors import InvalidProblemError

#: what a URL secret looks like (``token_urlsafe(32)``: 43 URL-safe characters)
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{40,64}")


def target_of(user_id: int) -> str:
    return f"users/{user_id}/calendar"


def active_feed(s: Session, user_id: int) -> CalendarFeedRow | None:
    q = select(CalendarFeedRow).where(
        CalendarFeedRow.user_id == user_id, CalendarFeedRow.revoked_at.is_(None)
    )
    return s.scalars(q.order_by(CalendarFeedRow.id.desc())).first()


def _revoke_all(s: Session, user_id: int, now: dt.datetime) -> int:
    rows = s.scalars(
        select(CalendarFeedRow).where(
            CalendarFeedRow.user_id == user_id, CalendarFeedRow.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    s.flush()
    return len(rows)


def _owner(s: Session, who: Principal) -> UserRow:
    user = s.get(UserRow, who.user_id) if who.user_id is not None else None
    if user is None or user.territory_id is None:
        raise InvalidProblemError(
            "Agenda privé : réservé aux comptes rattachés à un territoire (responsable, "
            "conseiller) ; ce compte n'en a pas.",
            hint="Ouvrez le plan publié depuis la page d'un territoire, ou connectez-vous avec "
            "un compte de territoire.",
        )
    return user


def create_feed(
    s: Session, who: Principal, secret: bytes, *, now: dt.datetime | None = None
) -> tuple[str, CalendarFeedRow]:
    """A new feed for ``who``'s account (an active one is revoked first: a rotation); the URL
    secret (the only time it is visible) and the row."""
    now = now or utcnow()
    user = _owner(s, who)
    rotated = _revoke_all(s, user.id, now) > 0
    token = secrets.token_urlsafe(32)
    row = CalendarFeedRow(user_id=user.id, secret_hash=hash_token(token, secret), created_at=now)
    s.add(row)
    s.flush()
    action = "calendar.rotate" if rotated else "calendar.create"
    after = {"feed_id": row.id}
    audit.record(s, who, action, target_of(user.id), None, after, territory_id=user.territory_id)
    return token, row


def revoke_feed(s: Session, who: Principal, *, now: dt.datetime | None = None) -> bool:
    """Revoke ``who``'s own active feed; ``True`` when there was one."""
    now = now or utcnow()
    user = _owner(s, who)
    feed = active_feed(s, user.id)
    if feed is None:
        return False
    before = {"feed_id": feed.id}
    _revoke_all(s, user.id, now)
    audit.record(
        s, who, "calendar.revoke", target_of(user.id), before, None, territory_id=user.territory_id
    )
    return True


def resolve_feed(
    s: Session, token: str, secret: bytes, *, now: dt.datetime | None = None
) -> UserRow | None:
    """The account of an active feed whose URL secret is ``token`` (its ``last_fetched_at``
    set to ``now``), or None: unknown, revoked, disabled account or without territory."""
    if not SECRET_SHAPE.fullmatch(token):
        return None
    row = s.scalar(
        select(CalendarFeedRow).where(CalendarFeedRow.secret_hash == hash_token(token, secret))
    )
    if row is None or row.revoked_at is not None:
        return None
    user = s.get(UserRow, row.user_id)
    if user is None or user.disabled_at is not None or user.territory_id is None:
        return None
    row.last_fetched_at = now or utcnow()
    s.flush()
    return user
