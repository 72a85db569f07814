"""Weeks whose counts the manager has locked (``activity_week_locks``).

A session's counts stay correctable until the manager of the territory locks its week (the
Monday of the visit's date): then no record, correction or deletion touches the visits of that
week (:func:`refuse_locked`, a French 409 saying since when, by whom and how to unlock) until
the manager unlocks it. Locking and unlocking write an audit entry (``activity.lock`` /
``activity.unlock``) in the same transaction; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, as_utc, require_manager
from api.service.db import repo
from api.service.db.models import ActivityWeekLockRow, TokenRow, UserRow, utcnow
from api.service.errors import ConflictError
from api.service.responses import PARIS
from planner.errors import InvalidProblemError

ROLE_NAMES = {"manager": "responsable", "admin": "administrateur", "conseiller": "conseiller"}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def check_monday(day: dt.date) -> dt.date:
    """``day`` when it is a Monday, else a French 422 naming the Monday of its week."""
    if day.weekday() == 0:
        return day
    raise InvalidProblemError(
        f"Semaine : un lundi attendu (premier jour de la semaine), reçu le {day:%d/%m/%Y}, "
        "qui n'est pas un lundi.",
        hint=f"Donnez le lundi de cette semaine : {monday_of(day).isoformat()}.",
    )


def target_of(territory_id: str, week_start: dt.date) -> str:
    return f"territories/{territory_id}/activity/locks/{week_start.isoformat()}"


def locked_by(who: Principal) -> str:
    return f"user:{who.user_id}" if who.user_id is not None else f"token:{who.token_id}"


def list_locks(s: Session, territory_id: str) -> Sequence[ActivityWeekLockRow]:
    """The territory's locked weeks, newest first."""
    q = select(ActivityWeekLockRow).where(ActivityWeekLockRow.territory_id == territory_id)
    return list(s.scalars(q.order_by(ActivityWeekLockRow.week_start.desc())))


def locked_week(s: Session, territory_id: str, day: dt.date) -> ActivityWeekLockRow | None:
    """The lock of the week holding ``day`` (None: the week is open)."""
    return s.get(ActivityWeekLockRow, (territory_id, monday_of(day)))


def locker_fr(s: Session, row: ActivityWeekLockRow) -> str:
    """« Marie (responsable) », « le jeton API n° 3 (responsable) »: who locked the week."""
    kind, _, number = row.locked_by.partition(":")
    ident = int(number) if number.isdigit() else 0
    if kind == "user":
        user = s.get(UserRow, ident)
        if user is not None:
            return f"{user.name} ({ROLE_NAMES.get(user.role, user.role)})"
        return f"le compte n° {ident} (supprimé)"
    token = s.get(TokenRow, ident)
    role = f" ({ROLE_NAMES.get(token.role, token.role)})" if token is not None else ""
    return f"le jeton API n° {ident}{role}"


def since_fr(row: ActivityWeekLockRow) -> str:
    moment = as_utc(row.locked_at) or utcnow()
    return f"{moment.astimezone(PARIS):%d/%m/%Y à %H:%M}"


def refuse_locked(s: Session, territory_id: str, day: dt.date, what: str) -> None:
    """A French 409 when the week of ``day`` is locked (``what``: the refused write)."""
    row = locked_week(s, territory_id, day)
    if row is None:
        return
    raise ConflictError(
        f"Semaine verrouillée : {what} refusée. La semaine du {row.week_start:%d/%m/%Y} "
        f"(territoire {territory_id}) est verrouillée depuis le {since_fr(row)} (heure de "
        f"Paris) par {locker_fr(s, row)} : ses comptes ne se saisissent ni ne se corrigent plus.",
        hint=(
            f"Demandez au responsable de déverrouiller la semaine du "
            f"{row.week_start:%d/%m/%Y}, puis recommencez."
        ),
    )


def lock_week(
    s: Session, who: Principal, territory_id: str, week_start: dt.date, *, now: dt.datetime
) -> tuple[ActivityWeekLockRow, bool]:
    """Lock the week (manager of the territory); ``True`` when it was open (else unchanged)."""
    require_manager(who, territory_id, action="verrouiller une semaine d'activité")
    repo.get_territory(s, territory_id)
    check_monday(week_start)
    row = s.get(ActivityWeekLockRow, (territory_id, week_start))
    if row is not None:
        return row, False
    row = ActivityWeekLockRow(
        territory_id=territory_id, week_start=week_start, locked_at=now, locked_by=locked_by(who)
    )
    s.add(row)
    s.flush()
    after = {"week_start": week_start.isoformat(), "locked": True}
    target = target_of(territory_id, week_start)
    audit.record(s, who, "activity.lock", target, None, after, territory_id=territory_id, at=now)
    return row, True


def unlock_week(
    s: Session, who: Principal, territory_id: str, week_start: dt.date, *, now: dt.datetime
) -> bool:
    """Unlock the week (manager of the territory); ``True`` when it was locked."""
    require_manager(who, territory_id, action="déverrouiller une semaine d'activité")
    repo.get_territory(s, territory_id)
    check_monday(week_start)
    row = s.get(ActivityWeekLockRow, (territory_id, week_start))
    if row is None:
        return False
    before = {
        "week_start": week_start.isoformat(),
        "locked": True,
        "locked_at": (as_utc(row.locked_at) or now).isoformat(),
        "locked_by": row.locked_by,
    }
    s.delete(row)
    s.flush()
    target = target_of(territory_id, week_start)
    audit.record(s, who, "activity.unlock", target, before, None, territory_id=territory_id, at=now)
    return True


def lock_public(s: Session, row: ActivityWeekLockRow) -> dict:
    return {
        "territory_id": row.territory_id,
        "week_start": row.week_start,
        "week_end": row.week_start + dt.timedelta(days=6),
        "locked_at": as_utc(row.locked_at),
        "locked_by": row.locked_by,
        "locked_by_fr": locker_fr(s, row),
    }
