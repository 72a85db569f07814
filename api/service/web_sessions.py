"""Browser sessions of the web application, stored in the database.

A session cookie holds ``secrets.token_urlsafe(32)``; the store keeps only its HMAC-SHA256
(key ``MILO_SECRET_KEY``), with the session's CSRF secret. Every request reads the session from
the store (no cache): a session revoked by logout, by disabling the account or by a password
change stops working at the very next request, in every server process.

A session ends :data:`ABSOLUTE_DAYS` days after login, or after :data:`IDLE_S` seconds without a
request; ``last_seen_at`` is written at most every :data:`TOUCH_EVERY_S` seconds.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.service.auth import Principal, as_utc, hash_token
from api.service.db.models import UserRow, WebSessionRow, utcnow
from api.service.users import principal_of

ABSOLUTE_DAYS = 14
IDLE_S = 3 * 24 * 3600
TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class Viewer:
    """The person behind a request of the web application."""

    user: UserRow
    principal: Principal
    session_id: str
    csrf: str

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf, sent or "")


def open_session(s: Session, user: UserRow, secret: bytes) -> str:
    """A new session for ``user`` (the caller commits); the cookie value."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(
        WebSessionRow(
            id=hash_token(token, secret),
            user_id=user.id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(days=ABSOLUTE_DAYS),
        )
    )
    s.flush()
    return token


def read_session(s: Session, cookie: str | None, secret: bytes) -> Viewer | None:
    """The viewer of a session cookie, or None (absent, unknown, revoked, expired, idle,
    account disabled). Commits the ``last_seen_at`` touch itself."""
    if not cookie or len(cookie) > 200:
        return None
    row = s.get(WebSessionRow, hash_token(cookie, secret))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    seen = as_utc(row.last_seen_at)
    expires = as_utc(row.expires_at)
    assert seen is not None and expires is not None
    if expires <= now or (now - seen).total_seconds() > IDLE_S:
        return None
    user = s.get(UserRow, row.user_id)
    if user is None or user.disabled_at is not None or not user.password_hash:
        return None
    if (now - seen).total_seconds() >= TOUCH_EVERY_S:
        row.last_seen_at = now
        s.commit()
    return Viewer(user, principal_of(user), row.id, row.csrf)


def close_session(s: Session, session_id: str) -> None:
    row = s.get(WebSessionRow, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        s.flush()
