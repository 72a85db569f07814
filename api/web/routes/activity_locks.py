"""The Activité page's weeks: which are locked, and the manager's « Verrouiller la semaine » /
« Déverrouiller » buttons (POST + CSRF, back to the page).

Locking goes through :mod:`api.service.week_locks` (the API's rules and audit entries): a locked
week's sessions show « semaine verrouillée » instead of their entry buttons, and the API refuses
their counts (409) until the week is unlocked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.service import week_locks
from api.service.clock import NowDep
from api.service.deps import StateDep
from api.service.routes.activity import utc
from api.web.deps import ActingViewerDep, WebMark
from api.web.pages import date_fr

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

Monday = Annotated[dt.date, Path(description="Lundi de la semaine (AAAA-MM-JJ).")]
PeriodeForm = Annotated[str, Form(max_length=10)]


@dataclass(frozen=True)
class Week:
    """A week of the shown sessions and its lock (``state``: French, empty when open)."""

    monday: dt.date
    sessions: int
    state: str

    @property
    def label(self) -> str:
        return f"semaine du {date_fr(self.monday)}"

    @property
    def locked(self) -> bool:
        return bool(self.state)


def locked_mondays(s: Session, territory_id: str) -> set[dt.date]:
    return {row.week_start for row in week_locks.list_locks(s, territory_id)}


def weeks_of(s: Session, territory_id: str, days: Iterable[dt.date]) -> list[Week]:
    """The weeks of ``days`` (newest first) with their number of sessions and lock."""
    counts: dict[dt.date, int] = {}
    for day in days:
        monday = week_locks.monday_of(day)
        counts[monday] = counts.get(monday, 0) + 1
    locks = {row.week_start: row for row in week_locks.list_locks(s, territory_id)}
    out = []
    for monday in sorted(counts, reverse=True):
        row = locks.get(monday)
        state = (
            ""
            if row is None
            else f"verrouillée le {week_locks.since_fr(row)} par {week_locks.locker_fr(s, row)}"
        )
        out.append(Week(monday, counts[monday], state))
    return out


def back_to(territory_id: str, periode: str, monday: dt.date) -> Response:
    query = f"?periode={quote(periode, safe='')}" if periode else ""
    url = f"/territoires/{territory_id}/activite{query}#semaine-{monday.isoformat()}"
    return RedirectResponse(url, status_code=303)


#: the buttons' actions: whether they lock
ACTIONS = {"verrouiller": True, "deverrouiller": False}
Action = Annotated[Literal["verrouiller", "deverrouiller"], Path(description="L'action.")]


@router.post("/territoires/{territory_id}/activite/semaines/{monday}/{action}")
def lock_or_unlock(
    territory_id: str,
    monday: Monday,
    action: Action,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    periode: PeriodeForm = "",
) -> Response:
    """Lock or unlock the week's counts (the API's ``PUT`` / ``DELETE
    .../activity/locks/{week_start}``)."""
    with state.db.session() as s:
        if ACTIONS[action]:
            week_locks.lock_week(s, viewer.principal, territory_id, monday, now=utc(now))
        else:
            week_locks.unlock_week(s, viewer.principal, territory_id, monday, now=utc(now))
        s.commit()
    return back_to(territory_id, periode, monday)
