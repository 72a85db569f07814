"""Plan exports as text or bytes (pure functions; files are written by ``geo_data.plan_files``).

* CSV (:mod:`planner.csv_fr`: UTF-8 with BOM, ``;``, decimal comma, ``oui``/``non``, formulas
  made inert): one row per visit, the columns of the plan schema
  (:data:`~planner.itinerary.plan_schema.CSV_COLUMNS`, in ``plan.json`` order) under their
  French ``label``; and the explanation tables
  (:data:`~planner.itinerary.plan_schema.EXPLANATIONS`: the stops and why, the communes and
  where they are reached, « non planifiés et pourquoi »).
* iCalendar (RFC 5545, via ``icalendar``): one event per visit (Europe/Paris times): SUMMARY
  the place and the kind of session, CATEGORIES the approach and the kind (French labels,
  :mod:`planner.session_labels`), DESCRIPTION who holds it (« Équipe X », « Véhicule X ») and the
  approach first; DTSTAMP at
  generation, a UID per visit that re-plans keep and a SEQUENCE that grows with each re-plan
  that changes the visit (:mod:`.event_ids`), and the visits a re-plan removed or cancelled as
  ``STATUS:CANCELLED`` events.
* GPX 1.1 (via ``gpxpy``): one dated waypoint per visit (``type``: the kind of session, in
  French) and one route (``rte``) per van or team day (``type``: « Véhicule » or « Équipe »;
  base -> stops -> base, straight legs between points: no road geometry is implied).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import gpxpy.gpx
import icalendar

from planner.csv_fr import csv_text
from planner.errors import NotFoundError
from planner.fleet import RESOURCE_LABELS
from planner.itinerary.event_ids import change_identity, identity
from planner.itinerary.plan import Plan, PlanChange, Visit
from planner.itinerary.plan_schema import EXPLANATIONS, VISIT, hhmm
from planner.session_labels import approach_label, kind_label, resource_label

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


def _visit_event(visit: Visit, uid: str, sequence: int) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED")
    event.add("dtstart", _at(visit.date, visit.start_s))
    event.add("dtend", _at(visit.date, visit.end_s))
    who = resource_label(visit.resource, visit.van)
    event.add("summary", f"{visit.stop_name} : {kind_label(visit.kind)} ({who})")
    event.add("categories", [approach_label(visit.approach), kind_label(visit.kind)])
    event.add("location", visit.host or f"Place publique, {visit.stop_name}")
    event.add("geo", (visit.lat, visit.lon))
    check = f" Sur place : {visit.to_check}." if visit.to_check else ""
    event.add(
        "description",
        f"{who}. Démarche : {approach_label(visit.approach)}. Arrivée {hhmm(visit.arrival_s)}, "
        f"installation comprise dans le créneau {visit.slot}. Commune INSEE "
        f"{visit.commune}.{check}",
    )
    return event


def _cancelled_event(plan: Plan, c: PlanChange) -> icalendar.Event:
    uid, sequence = change_identity(plan.territory, c)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED")
    event.add("dtstart", c.date)
    event.add("dtend", c.date + dt.timedelta(days=1))
    event.add("summary", f"Annulé : {c.stop_name} ({c.van})")
    event.add("description", f"{c.label.capitalize()} ({c.slot}) : {c.reason}.")
    return event


def plan_to_ics(plan: Plan, *, now: dt.datetime | None = None) -> bytes:
    """iCalendar bytes: one VEVENT per visit, with the stop, host and arrival time.

    ``now`` (default: the current instant) is every event's DTSTAMP. UIDs and SEQUENCEs are
    the visits' calendar identities (:mod:`.event_ids`: kept across re-plans, SEQUENCE growing
    with each re-plan that changes a visit); the visits a re-plan removed or cancelled are
    written as ``STATUS:CANCELLED`` events.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//milo-nomade//itinéraire//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Tournées {plan.territory}")
    for visit in plan.visits:
        event = _visit_event(visit, *identity(plan.territory, visit))
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
                comment=_xml(
                    f"{resource_label(visit.resource, visit.van)}, {visit.slot} "
                    f"{hhmm(visit.start_s)}, {approach_label(visit.approach)}"
                ),
                description=_xml(visit.host) or None,
                type=_xml(kind_label(visit.kind)),
            )
        )
    by_day: dict[tuple[str, dt.date], list[Visit]] = {}
    resources: dict[str, str] = {}
    for visit in plan.visits:
        by_day.setdefault((visit.van, visit.date), []).append(visit)
        resources.setdefault(visit.van, visit.resource)
    for day in plan.days:
        route = gpxpy.gpx.GPXRoute(name=_xml(f"{day.van} {day.date.isoformat()}"))
        route.type = RESOURCE_LABELS.get(resources.get(day.van, "vehicule"), "Véhicule")
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
