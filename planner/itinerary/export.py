"""Plan exports as text or bytes (pure functions; files are written by ``geo_data.plan_files``).

* CSV: one row per visit (``;``-separated, UTF-8), the columns of the plan schema
  (:data:`~planner.itinerary.plan_schema.CSV_COLUMNS`, in ``plan.json`` order).
* CSV of the explanation tables (:data:`~planner.itinerary.plan_schema.EXPLANATIONS`: the
  stops and why, the communes and where they are reached, « non planifiés et pourquoi »):
  ``;``-separated, French column headers (the fields' ``label``), ``oui``/``non`` for yes/no,
  a list of sentences joined by `` ; ``.
* iCalendar: one event per visit (Europe/Paris times), via the ``icalendar`` library.
* GPX: one waypoint per planned stop and one track per van day (base -> stops -> base, straight
  segments between points: no road geometry is implied), via ``gpxpy``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import gpxpy.gpx
import icalendar

from planner.errors import NotFoundError
from planner.itinerary.plan import Plan
from planner.itinerary.plan_schema import CSV_COLUMNS, EXPLANATIONS, hhmm

PARIS = ZoneInfo("Europe/Paris")


def plan_to_csv(plan: Plan) -> str:
    """CSV text of the visits, in date, van and slot order."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for visit in plan.visits:
        row = visit.to_json()
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_COLUMNS})
    return buf.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " ; ".join(value)
    return value


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
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow([f.label or f.name for f in fields])
    for item in getattr(plan, key):
        row = item.to_json()
        writer.writerow([_cell(row[f.name]) for f in fields])
    return buf.getvalue()


def _at(date: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=PARIS) + dt.timedelta(seconds=seconds)


def plan_to_ics(plan: Plan) -> bytes:
    """iCalendar bytes: one VEVENT per visit, with the stop, host and arrival time."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//milo-nomade//itinéraire//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Tournées {plan.territory}")
    stamp = dt.datetime.combine(plan.start, dt.time(0, 0), tzinfo=dt.UTC)
    for visit in plan.visits:
        event = icalendar.Event()
        event.add(
            "uid",
            f"{plan.territory}-{visit.date.isoformat()}-{visit.van}-{visit.slot}"
            f"-{visit.stop_id}@milo-nomade",
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", _at(visit.date, visit.start_s))
        event.add("dtend", _at(visit.date, visit.end_s))
        event.add("summary", f"Milo Mobile ({visit.van}) : {visit.stop_name}")
        where = visit.host or f"Place publique, {visit.stop_name}"
        event.add("location", where)
        event.add("geo", (visit.lat, visit.lon))
        check = f" Sur place : {visit.to_check}." if visit.to_check else ""
        event.add(
            "description",
            f"Arrivée {hhmm(visit.arrival_s)}, installation comprise dans le créneau "
            f"{visit.slot}. Commune INSEE {visit.commune}.{check}",
        )
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def plan_to_gpx(plan: Plan) -> str:
    """GPX text (each van's base position comes from ``plan.van_bases``)."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "milo-nomade"
    seen: set[str] = set()
    for visit in plan.visits:
        if visit.stop_id in seen:
            continue
        seen.add(visit.stop_id)
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=visit.lat,
                longitude=visit.lon,
                name=visit.stop_name,
                description=visit.host or None,
            )
        )
    by_day: dict[tuple[str, dt.date], list] = {}
    for visit in plan.visits:
        by_day.setdefault((visit.van, visit.date), []).append(visit)
    for day in plan.days:
        track = gpxpy.gpx.GPXTrack(name=f"{day.van} {day.date.isoformat()}")
        segment = gpxpy.gpx.GPXTrackSegment()
        lon, lat = plan.van_bases[day.van]
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(lat, lon, time=_at(day.date, day.leave_base_s))
        )
        for visit in by_day.get((day.van, day.date), []):
            segment.points.append(
                gpxpy.gpx.GPXTrackPoint(visit.lat, visit.lon, time=_at(visit.date, visit.start_s))
            )
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(lat, lon, time=_at(day.date, day.return_base_s))
        )
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx.to_xml()
