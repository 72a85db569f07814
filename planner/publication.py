"""What the public sees of a published plan (pure functions of the plan).

Only what a young person needs to come: the day, the time, the place, the host's name and the
kind of session in French. Nothing internal: no need score, no activity, no driving, no van or
team id, no draft (the callers pass the published plan only). A session whose exact place the
manager keeps private (:attr:`planner.itinerary.plan.Visit.private`, a maraude) is announced as
« dans le quartier » of its commune, without a point, a map marker, a route link nor a page of
its own.

The public page (:mod:`api.web.routes.public`), the weekly post kit and the posters
(:mod:`maps.kit`) all read the plan through this module, so that they announce the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from planner.errors import InvalidPlanError
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.plan_fields import hhmm
from planner.session_labels import kind_label

PARIS = ZoneInfo("Europe/Paris")
#: how far ahead the public page announces sessions
PUBLIC_DAYS = 14
PRIVATE_PLACE = "dans le quartier (lieu précis donné sur place)"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def day_fr(day: dt.date, *, year: bool = False) -> str:
    """``2027-01-04`` -> « lundi 4 janvier » (« lundi 4 janvier 2027 » with ``year``); the
    first of the month is « 1er »."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def date_fr(day: dt.date) -> str:
    """``2026-12-01`` -> « 1er décembre 2026 » (a date without its weekday)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def time_fr(seconds: int) -> str:
    """``34200`` -> « 9h30 », ``32400`` -> « 9h » (how a poster writes a time)."""
    h, m = hhmm(seconds).split(":")
    return f"{int(h)}h{m if m != '00' else ''}"


@dataclass(frozen=True)
class PublicSession:
    """A session as the public sees it."""

    visit: Visit
    commune_name: str

    @property
    def private(self) -> bool:
        return bool(self.visit.private)

    @property
    def stop_id(self) -> str:
        return self.visit.stop_id

    @property
    def date(self) -> dt.date:
        return self.visit.date

    @property
    def when(self) -> str:
        """« 09:00–12:00 »."""
        return f"{hhmm(self.visit.start_s)}–{hhmm(self.visit.end_s)}"

    @property
    def hours(self) -> str:
        """« 9h–12h » (posters and posts)."""
        return f"{time_fr(self.visit.start_s)}–{time_fr(self.visit.end_s)}"

    @property
    def place(self) -> str:
        if self.private:
            return f"{self.commune_name}, {PRIVATE_PLACE}"
        return self.visit.stop_name

    @property
    def short_place(self) -> str:
        """The place without the private note (« Montceau, dans le quartier »), for a post."""
        if self.private:
            return f"{self.commune_name}, dans le quartier"
        return self.visit.stop_name

    @property
    def host(self) -> str:
        return "" if self.private else self.visit.host

    @property
    def kind(self) -> str:
        return kind_label(self.visit.kind)


def public_sessions(
    plan: Plan | None,
    communes: Mapping[str, str],
    *,
    first: dt.date,
    last: dt.date,
    after_s: int = 0,
) -> list[PublicSession]:
    """The plan's sessions from ``first`` to ``last`` (included), by date and time; on
    ``first``, only those not ended at ``after_s`` seconds after midnight."""
    if plan is None:
        return []
    chosen = [
        v
        for v in plan.visits
        if first <= v.date <= last and not (v.date == first and v.end_s <= after_s)
    ]
    chosen.sort(key=lambda v: (v.date, v.start_s, v.stop_name))
    return [PublicSession(v, communes.get(v.commune, v.commune)) for v in chosen]


def coming(
    plan: Plan | None, communes: Mapping[str, str], now: dt.datetime, days: int = PUBLIC_DAYS
) -> list[PublicSession]:
    """The sessions not ended at ``now`` in the next ``days`` days (today included)."""
    here = now.astimezone(PARIS)
    first = here.date()
    return public_sessions(
        plan,
        communes,
        first=first,
        last=first + dt.timedelta(days=days - 1),
        after_s=here.hour * 3600 + here.minute * 60,
    )


def plan_weeks(plan: Plan) -> list[dt.date]:
    """The Mondays of the plan's weeks (week 1 is the week of its first day)."""
    monday = plan.start - dt.timedelta(days=plan.start.weekday())
    return [monday + dt.timedelta(weeks=k) for k in range(plan.weeks)]


def week_sessions(
    plan: Plan, communes: Mapping[str, str], week: int
) -> tuple[dt.date, list[PublicSession]]:
    """Week ``week`` (1-based) of the plan: its Monday and its sessions; a French error for a
    week the plan does not have."""
    mondays = plan_weeks(plan)
    if not 1 <= week <= len(mondays):
        raise InvalidPlanError(
            f"Semaine {week} absente du plan (il couvre les semaines 1 à {len(mondays)}, "
            f"à partir du {day_fr(plan.start, year=True)}).",
            hint=f"Donnez --week entre 1 et {len(mondays)}.",
        )
    monday = mondays[week - 1]
    sessions = public_sessions(plan, communes, first=monday, last=monday + dt.timedelta(days=6))
    return monday, sessions


def by_day(sessions: Iterable[PublicSession]) -> list[tuple[dt.date, list[PublicSession]]]:
    out: dict[dt.date, list[PublicSession]] = {}
    for session in sessions:
        out.setdefault(session.date, []).append(session)
    return list(out.items())


def stops_of(sessions: Sequence[PublicSession]) -> list[PublicSession]:
    """One session per public stop (its first one), in the order of the list."""
    seen: dict[str, PublicSession] = {}
    for session in sessions:
        if not session.private:
            seen.setdefault(session.stop_id, session)
    return list(seen.values())


def numbering(sessions: Sequence[PublicSession]) -> dict[str, int]:
    """The number of each public stop (1, 2...), in order of first appearance: the same on the
    list and the map's markers."""
    return {s.stop_id: n for n, s in enumerate(stops_of(sessions), start=1)}


def hosts_of(plan: Plan, communes: Mapping[str, str]) -> dict[str, list[PublicSession]]:
    """The plan's sessions grouped by the name of the partner hosting them (sessions with no
    host and private ones are left out), hosts sorted by name, sessions by date."""
    every = public_sessions(plan, communes, first=dt.date.min, last=dt.date.max)
    out: dict[str, list[PublicSession]] = {}
    for session in every:
        if session.host:
            out.setdefault(session.host, []).append(session)
    return dict(sorted(out.items(), key=lambda kv: kv[0].casefold()))
