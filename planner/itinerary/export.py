"""Plan exports as text or bytes (pure functions; files are written by ``geo_data.plan_files``).

* CSV (:mod:`planner.csv_fr`: UTF-8 with BOM, ``;``, decimal comma, ``oui``/``non``, formulas
  made inert): one row per visit, the columns of the plan schema
  (:data:`~planner.itinerary.plan_schema.CSV_COLUMNS`, in ``plan.json`` order) under their
  French ``label``; and the explanation tables
  (:data:`~planner.itinerary.plan_schema.EXPLANATIONS`: the stops and why, the communes and
  where they are reached, « non planifiés et pourquoi »).
* iCalendar (RFC 5545, via ``icalendar``): one event per visit (Europe/Paris times), DTSTAMP at
  generation, a UID per visit that a re-plan keeps (a moved visit keeps the UID of its old
  place, see :func:`visit_uid`), SEQUENCE 1 for what the re-plan changed (0 otherwise), and
  the visits a re-plan removed or cancelled as ``STATUS:CANCELLED`` events.
* GPX 1.1 (via ``gpxpy``): one dated waypoint per visit and one route (``rte``) per van day
  (base -> stops -> base, straight legs between points: no road geometry is implied).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import gpxpy.gpx
import icalendar

from planner.csv_fr import csv_text
from planner.errors import NotFoundError
from planner.itinerary.plan import Plan, PlanChange, Visit
from planner.itinerary.plan_schema import EXPLANATIONS, VISIT, hhmm

PARIS = ZoneInfo("Europe/Paris")
#: characters XML 1.0 cannot hold (a NUL or an ESC would make the GPX unreadable)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plan_to_csv(plan: Plan) -> str:
    """CSV text of the visits, in date, van and slot order."""
    fields = VISIT.csv_fields
    rows = ([visit.to_json()[f.name] for f in fields] for visit in plan.visits)
    return csv_text([f.label or f.name for f in fields], rows)


def explanation_to_csv(plan: Plan, key: str) -> str:
    """CSV text of one explanation table of ``plan`` (``key``: ``stops``, ``communes`` or
    ``unplanned``), French headers; a plan without the table gives the header alone."""
    records = {name: record for name, record, _ in EXPLANATIONS}
    if key not in records:
        raise NotFoundError(
            f"Table d'explication {key!r} inconnue.",
            hint=f"Tables : {', '.join(records)}.",
        )
    fields = records[key].csv_fields
    rows = ([item.to_json()[f.name] for f in fields] for item in getattr(plan, key))
    return csv_text([f.label or f.name for f in fields], rows)


def _at(date: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=PARIS) + dt.timedelta(seconds=seconds)


Key = tuple[dt.date, str, str, str]


def visit_uid(territory: str, date: dt.date, van: str, slot: str, stop_id: str) -> str:
    """The iCalendar UID of the visit first planned at ``(date, van, slot, stop_id)``."""
    return f"{territory}-{date.isoformat()}-{van}-{slot}-{stop_id}@milo-nomade"


def _change_key(c: PlanChange) -> Key:
    return (c.date, c.van, c.slot, c.stop_id)


def _visit_event(visit: Visit, uid: str, sequence: int) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED")
    event.add("dtstart", _at(visit.date, visit.start_s))
    event.add("dtend", _at(visit.date, visit.end_s))
    event.add("summary", f"Milo Mobile ({visit.van}) : {visit.stop_name}")
    event.add("location", visit.host or f"Place publique, {visit.stop_name}")
    event.add("geo", (visit.lat, visit.lon))
    check = f" Sur place : {visit.to_check}." if visit.to_check else ""
    event.add(
        "description",
        f"Arrivée {hhmm(visit.arrival_s)}, installation comprise dans le créneau "
        f"{visit.slot}. Commune INSEE {visit.commune}.{check}",
    )
    return event


def _cancelled_event(plan: Plan, c: PlanChange) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", visit_uid(plan.territory, c.date, c.van, c.slot, c.stop_id))
    event.add("sequence", 1)
    event.add("status", "CANCELLED")
    event.add("dtstart", c.date)
    event.add("dtend", c.date + dt.timedelta(days=1))
    event.add("summary", f"Annulé : Milo Mobile ({c.van}) : {c.stop_name}")
    event.add("description", f"{c.label.capitalize()} ({c.slot}) : {c.reason}.")
    return event


def plan_to_ics(plan: Plan, *, now: dt.datetime | None = None) -> bytes:
    """iCalendar bytes: one VEVENT per visit, with the stop, host and arrival time.

    ``now`` (default: the current instant) is every event's DTSTAMP. A re-planned plan
    (``plan.changes``) keeps each moved visit's UID, gives SEQUENCE 1 to the visits it moved,
    retimed or added, and writes the visits it removed or cancelled as ``STATUS:CANCELLED``;
    the SEQUENCE counts one re-plan step (``plan.json`` keeps the changes against its parent
    only).
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    moved: dict[Key, PlanChange] = {
        (dt.date.fromisoformat(c.new_date), c.new_van, c.new_slot, c.stop_id): c
        for c in plan.changes
        if c.change == "moved" and c.new_date
    }
    touched = {_change_key(c) for c in plan.changes if c.change in ("retimed", "added")}
    cal = icalendar.Calendar()
    cal.add("prodid", "-//milo-nomade//itinéraire//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Tournées {plan.territory}")
    for visit in plan.visits:
        key = (visit.date, visit.van, visit.slot, visit.stop_id)
        origin = moved.get(key)
        first = _change_key(origin) if origin is not None else key
        event = _visit_event(
            visit,
            visit_uid(plan.territory, *first),
            1 if origin is not None or key in touched else 0,
        )
        event.add("dtstamp", stamp)
        cal.add_component(event)
    for change in plan.changes:
        if change.change == "removed":
            event = _cancelled_event(plan, change)
            event.add("dtstamp", stamp)
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def plan_to_gpx(plan: Plan) -> str:
    """GPX 1.1 text: a dated waypoint per visit, a route per van day (each van's base position
    comes from ``plan.van_bases``)."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "milo-nomade"
    gpx.name = _xml(f"Tournées {plan.territory}")
    for visit in plan.visits:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=visit.lat,
                longitude=visit.lon,
                time=_at(visit.date, visit.start_s),
                name=_xml(visit.stop_name),
                comment=_xml(f"{visit.van}, {visit.slot} {hhmm(visit.start_s)}"),
                description=_xml(visit.host) or None,
            )
        )
    by_day: dict[tuple[str, dt.date], list[Visit]] = {}
    for visit in plan.visits:
        by_day.setdefault((visit.van, visit.date), []).append(visit)
    for day in plan.days:
        route = gpxpy.gpx.GPXRoute(name=_xml(f"{day.van} {day.date.isoformat()}"))
        lon, lat = plan.van_bases[day.van]
        route.points.append(
            gpxpy.gpx.GPXRoutePoint(
                lat, lon, time=_at(day.date, day.leave_base_s), name="Départ de la base"
            )
        )
        for visit in by_day.get((day.van, day.date), []):
            route.points.append(
                gpxpy.gpx.GPXRoutePoint(
                    visit.lat,
                    visit.lon,
                    time=_at(visit.date, visit.start_s),
                    name=_xml(visit.stop_name),
                )
            )
        route.points.append(
            gpxpy.gpx.GPXRoutePoint(
                lat, lon, time=_at(day.date, day.return_base_s), name="Retour à la base"
            )
        )
        gpx.routes.append(route)
    return gpx.to_xml(version="1.1")
