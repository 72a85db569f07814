"""The public page's own pieces: route links and map markers of a public session, and the
public calendar feed. What is public at all is :mod:`planner.publication`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import icalendar

from api.web.field_data import route_links
from planner.itinerary.event_ids import identity
from planner.itinerary.plan import Plan
from planner.publication import PARIS, PublicSession


def links(session: PublicSession) -> dict[str, str]:
    """Route links (Android, iPhone, Google Maps, Waze, coordinates); none when private."""
    if session.private:
        return {}
    v = session.visit
    return route_links(v.lat, v.lon, v.stop_name)


def point(session: PublicSession, n: int, url: str) -> dict[str, object] | None:
    """The map's marker (JSON for ``static/public-map.js``), None when private."""
    if session.private:
        return None
    v = session.visit
    return {
        "n": n,
        "lat": v.lat,
        "lon": v.lon,
        "label": f"{session.place} · {session.date.strftime('%d/%m')} {session.when}",
        "url": url,
    }


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
