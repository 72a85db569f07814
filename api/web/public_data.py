"""What the public page shows of a territory's published plan (pure functions of the plan).

Only what a young person needs to come: the day, the time, the place, the host's name, how to
get there, and the kind of session in French. Nothing internal: no need score, no activity, no
driving, no van or team id, no draft (the callers read the published plan only). A session
whose exact place the manager keeps private (:attr:`planner.itinerary.plan.Visit.private`, a
maraude) is announced as « dans le quartier » of its commune, without a point, a map marker, a
route link nor a page of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from api.web.field_data import route_links
from planner.itinerary.event_ids import identity
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.plan_fields import hhmm
from planner.session_labels import kind_label

PARIS = ZoneInfo("Europe/Paris")
#: how far ahead the public page announces sessions
PUBLIC_DAYS = 14
PRIVATE_PLACE = "dans le quartier (lieu précis donné sur place)"


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
        return f"{hhmm(self.visit.start_s)}–{hhmm(self.visit.end_s)}"

    @property
    def place(self) -> str:
        if self.private:
            return f"{self.commune_name}, {PRIVATE_PLACE}"
        return self.visit.stop_name

    @property
    def host(self) -> str:
        return "" if self.private else self.visit.host

    @property
    def kind(self) -> str:
        return kind_label(self.visit.kind)

    @property
    def links(self) -> dict[str, str]:
        """Route links (Android, iPhone, Google Maps, Waze, coordinates); none when private."""
        if self.private:
            return {}
        return route_links(self.visit.lat, self.visit.lon, self.visit.stop_name)

    def point(self, n: int, url: str) -> dict[str, object] | None:
        """The map's marker (JSON for ``static/public-map.js``), None when private."""
        if self.private:
            return None
        return {
            "n": n,
            "lat": self.visit.lat,
            "lon": self.visit.lon,
            "label": f"{self.place} · {self.date.strftime('%d/%m')} {self.when}",
            "url": url,
        }


def coming(
    plan: Plan | None, communes: Mapping[str, str], now: dt.datetime, days: int = PUBLIC_DAYS
) -> list[PublicSession]:
    """The published plan's sessions not ended at ``now`` in the next ``days`` days (today
    included), by date and time."""
    if plan is None:
        return []
    here = now.astimezone(PARIS)
    first, seconds = here.date(), here.hour * 3600 + here.minute * 60
    last = first + dt.timedelta(days=days - 1)
    chosen = [
        v
        for v in plan.visits
        if first <= v.date <= last and not (v.date == first and v.end_s <= seconds)
    ]
    chosen.sort(key=lambda v: (v.date, v.start_s, v.stop_name))
    return [PublicSession(v, communes.get(v.commune, v.commune)) for v in chosen]


def by_day(sessions: Iterable[PublicSession]) -> list[tuple[dt.date, list[PublicSession]]]:
    out: dict[dt.date, list[PublicSession]] = {}
    for session in sessions:
        out.setdefault(session.date, []).append(session)
    return list(out.items())


def stops_of(sessions: Sequence[PublicSession]) -> list[PublicSession]:
    """One session per public stop (its next one), in the order of the list."""
    seen: dict[str, PublicSession] = {}
    for session in sessions:
        if not session.private:
            seen.setdefault(session.stop_id, session)
    return list(seen.values())


def public_ics(
    plan: Plan | None, sessions: Sequence[PublicSession], *, name: str, page_url: str
) -> bytes:
    """The public calendar of ``sessions`` (RFC 5545): the same UID and SEQUENCE as the
    plan's own export, so that a moved or cancelled session updates in place; SUMMARY the
    place, LOCATION the host (or the place), DESCRIPTION the kind and the public page; no
    internal field (van, approach code, need, reasons of a cancellation)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//milo-nomade//public//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Mission Locale {name} près de chez vous")
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    territory = plan.territory if plan is not None else ""
    for session in sessions:
        v = session.visit
        uid, sequence = identity(territory, v)
        event = icalendar.Event()
        # the plan's UID names the van: the public one is its digest (stable, opaque)
        digest = hashlib.sha256(uid.encode()).hexdigest()[:24]
        event.add("uid", f"public-{digest}@milo-nomade")
        event.add("sequence", sequence)
        event.add("dtstamp", stamp)
        start = dt.datetime.combine(v.date, dt.time(0), tzinfo=PARIS)
        event.add("dtstart", start + dt.timedelta(seconds=v.start_s))
        event.add("dtend", start + dt.timedelta(seconds=v.end_s))
        event.add("summary", f"Mission Locale : {session.place}")
        event.add("location", session.host or session.place)
        if not session.private:
            event.add("geo", (v.lat, v.lon))
        event.add("description", f"{session.kind}. Sans rendez-vous. {page_url}")
        cal.add_component(event)
    return cal.to_ical()
