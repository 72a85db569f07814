"""Exports: CSV rows, one iCalendar event per visit, GPX waypoints and day tracks."""

from __future__ import annotations

import csv
import dataclasses
import io

import gpxpy
import icalendar

from planner.itinerary.export import plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


def _plan() -> Plan:
    return solve(_f.tiny_problem(), time_limit=1)


def test_csv_and_json_round_trip() -> None:
    plan = _plan()
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(plan)), delimiter=";"))
    assert len(rows) == len(plan.visits)
    assert rows[0]["start"] == "09:00" and rows[0]["stop_id"] == plan.visits[0].stop_id
    again = Plan.from_json(plan.to_json())
    assert again.visits == plan.visits and again.days == plan.days
    assert again.dropped == plan.dropped and again.to_json() == plan.to_json()
    doc = plan.to_json()
    assert {
        "territory",
        "travel_time_method",
        "weeks",
        "visits",
        "days",
        "dropped",
        "kpis",
        "solver",
    } <= doc.keys()
    assert {"leave_base", "return_base", "drive_s", "drive_m"} <= doc["days"][0].keys()
    assert {"bound", "gap_pct", "seed", "time_s", "name"} <= doc["solver"].keys()


def test_ics_one_event_per_visit() -> None:
    plan = _plan()
    cal = icalendar.Calendar.from_ical(plan_to_ics(plan))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(plan.visits)
    first = events[0]
    assert first.decoded("dtstart").hour == 9
    assert str(first.decoded("dtstart").tzinfo) == "Europe/Paris"
    assert "à vérifier" not in str(first.get("description"))


def test_ics_and_csv_say_what_is_to_check_on_site() -> None:
    plan = _plan()
    first = dataclasses.replace(plan.visits[0], to_check="stationnement à vérifier")
    plan = dataclasses.replace(plan, visits=(first, *plan.visits[1:]))
    event = next(iter(icalendar.Calendar.from_ical(plan_to_ics(plan)).walk("VEVENT")))
    assert str(event.get("description")).endswith("Sur place : stationnement à vérifier.")
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(plan)), delimiter=";"))
    assert rows[0]["to_check"] == "stationnement à vérifier" and rows[1]["to_check"] == ""


def test_gpx_stops_and_routes() -> None:
    plan = _plan()
    gpx = gpxpy.parse(plan_to_gpx(plan))
    assert len(gpx.waypoints) == len({v.stop_id for v in plan.visits})
    assert len(gpx.tracks) == len(plan.days)
    assert len(gpx.tracks[0].segments[0].points) == len(plan.days[0].stops) + 2
