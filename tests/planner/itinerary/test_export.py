"""Exports real tools accept: CSV for French Excel, RFC 5545 calendars that follow a re-plan,
GPX 1.1 with dated waypoints and one route per van day. Each is read back with an independent
parser (``csv`` with the BOM, ``icalendar``, ``gpxpy``)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import shutil
import subprocess

import gpxpy
import icalendar
import pytest

from planner.csv_fr import BOM
from planner.itinerary.export import explanation_to_csv, plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve
from tests.approach_plan import every_kind_plan

from .conftest import load_factory

_f = load_factory()
INJECTIONS = ('=HYPERLINK("http://x";"clic")', "+33 1 23", "-2+3", "@SOMME(A1)", "\tx", "\rx")


def _plan() -> Plan:
    return solve(_f.tiny_problem(), time_limit=1)


def _rows(text: str) -> list[dict[str, str]]:
    """The rows as French Excel reads the file: UTF-8 with BOM, ``;``."""
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _ics_events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_csv_is_for_french_excel_bom_semicolon_french_headers_decimal_comma() -> None:
    plan = _plan()
    first = dataclasses.replace(plan.visits[0], lon=4.421503, need=37.25)
    plan = dataclasses.replace(plan, visits=(first, *plan.visits[1:]))
    text = plan_to_csv(plan)
    assert text.startswith(BOM) and "\r\n" in text
    rows = _rows(text)
    assert len(rows) == len(plan.visits)
    first, visit = rows[0], plan.visits[0]
    assert first["Début"] == "09:00" and first["Arrêt"] == visit.stop_id
    assert first["QPV"] in {"oui", "non"} and first["QPV"] == ("oui" if visit.qpv else "non")
    assert "," in first["Longitude"] and "." not in first["Longitude"]
    assert first["Longitude"] == "4,421503" and first["Valeur de la visite"] == "37,25"
    assert not {"start", "stop_id", "qpv", "True", "False"} & (set(first) | set(first.values()))


def test_json_round_trip() -> None:
    plan = _plan()
    again = Plan.from_json(plan.to_json())
    assert again.visits == plan.visits and again.days == plan.days
    assert again.dropped == plan.dropped and again.to_json() == plan.to_json()
    doc = plan.to_json()
    assert {"territory", "travel_time_method", "weeks", "visits", "days", "kpis"} <= doc.keys()
    assert {"leave_base", "return_base", "drive_s", "drive_m"} <= doc["days"][0].keys()
    assert {"bound", "gap_pct", "seed", "time_s", "name"} <= doc["solver"].keys()


def test_csv_cells_that_look_like_formulas_are_text() -> None:
    plan = _plan()
    hostile = [
        dataclasses.replace(v, stop_name=INJECTIONS[i % 6], host=INJECTIONS[(i + 1) % 6])
        for i, v in enumerate(plan.visits)
    ]
    plan = dataclasses.replace(plan, visits=tuple(hostile))
    for row, visit in zip(_rows(plan_to_csv(plan)), plan.visits, strict=True):
        assert row["Nom de l'arrêt"] == "'" + visit.stop_name
        assert row["Partenaire d'accueil"] == "'" + visit.host
    unplanned = _rows(explanation_to_csv(plan, "stops"))
    assert all(not cell.startswith(("=", "+", "@")) for r in unplanned for cell in r.values())


def test_ics_and_csv_say_what_is_to_check_on_site() -> None:
    plan = _plan()
    first = dataclasses.replace(plan.visits[0], to_check="stationnement à vérifier")
    plan = dataclasses.replace(plan, visits=(first, *plan.visits[1:]))
    event = _ics_events(plan_to_ics(plan))[0]
    assert str(event.get("description")).endswith("Sur place : stationnement à vérifier.")
    rows = _rows(plan_to_csv(plan))
    assert rows[0]["À vérifier sur place"] == "stationnement à vérifier"
    assert rows[1]["À vérifier sur place"] == ""


def test_ics_stamps_the_generation_instant_one_confirmed_event_per_visit() -> None:
    plan = _plan()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    events = _ics_events(plan_to_ics(plan))
    assert len(events) == len(plan.visits)
    first = events[0]
    assert first.decoded("dtstart").hour == 9
    assert str(first.decoded("dtstart").tzinfo) == "Europe/Paris"
    assert "à vérifier" not in str(first.get("description"))
    stamp = first.decoded("dtstamp")
    assert before <= stamp <= dt.datetime.now(dt.UTC)
    assert {str(e.get("status")) for e in events} == {"CONFIRMED"}
    assert {int(e.get("sequence")) for e in events} == {0}
    assert len({str(e.get("uid")) for e in events}) == len(events)
    fixed = dt.datetime(2030, 5, 1, 8, tzinfo=dt.UTC)
    assert _ics_events(plan_to_ics(plan, now=fixed))[0].decoded("dtstamp") == fixed


@pytest.fixture(scope="module")
def replanned():
    pb = _f.random_problem(40, n_vans=2, weeks=2, periodic=4, seed=11)
    plan = solve(pb, time_limit=1, seed=0, iterations=300)
    day = plan.visits[0].date
    victim = next(
        v for v in plan.visits if v.date != day and pb.candidate(v.stop_id).frequency is None
    )
    changes = [
        Change("close_date", dates=frozenset({day})),
        Change("cancel_stop", stop_id=victim.stop_id),
    ]
    return plan, replan(pb, plan, changes).plan


def test_ics_after_a_replan_keeps_uids_raises_sequence_and_cancels(replanned) -> None:
    old, new = replanned
    kinds = {c.change for c in new.changes}
    assert {"moved", "removed"} <= kinds
    before = {str(e.get("uid")): e for e in _ics_events(plan_to_ics(old))}
    after = {str(e.get("uid")): e for e in _ics_events(plan_to_ics(new))}
    assert set(before) <= set(after)  # every old event is updated or cancelled, none orphaned
    for change in new.changes:
        uid = (
            next(
                u
                for u in before
                if u.endswith(f"-{change.slot}-{change.stop_id}@milo-nomade")
                and f"-{change.date.isoformat()}-{change.van}-" in u
            )
            if change.change != "added"
            else None
        )
        if uid is None:
            continue
        event = after[uid]
        assert int(event.get("sequence")) > int(before[uid].get("sequence"))
        if change.change == "removed":
            assert str(event.get("status")) == "CANCELLED"
        if change.change == "moved":
            assert str(event.get("status")) == "CONFIRMED"
            assert event.decoded("dtstart").date().isoformat() == change.new_date
    kept = [u for u in before if int(after[u].get("sequence")) == 0]
    assert kept and all(str(after[u].get("status")) == "CONFIRMED" for u in kept)


def test_ics_sequence_grows_over_a_chain_of_replans() -> None:
    """Two re-plans in a row: the UIDs of the first plan survive both, a SEQUENCE never goes
    down, the visits changed twice reach SEQUENCE 2, and plan.json keeps the identities."""
    pb = _f.random_problem(40, n_vans=2, weeks=2, periodic=4, seed=11)
    first = solve(pb, time_limit=1, seed=0, iterations=300)
    day = first.visits[0].date
    victim = next(
        v for v in first.visits if v.date != day and pb.candidate(v.stop_id).frequency is None
    )
    one = replan(
        pb,
        first,
        [
            Change("close_date", dates=frozenset({day})),
            Change("cancel_stop", stop_id=victim.stop_id),
        ],
    )
    moved = next(c for c in one.plan.changes if c.change == "moved")
    second = Plan.from_json(one.plan.to_json())  # what the service stores and reads back
    assert second.visits == one.plan.visits
    again = frozenset({dt.date.fromisoformat(moved.new_date)})
    two = replan(one.problem, second, [Change("close_date", dates=again)]).plan
    seen: dict[str, int] = {}
    for plan in (first, one.plan, two):
        events = {str(e.get("uid")): int(e.get("sequence")) for e in _ics_events(plan_to_ics(plan))}
        assert all(events.get(uid, seq) >= seq for uid, seq in seen.items())
        seen.update(events)
    final = {str(e.get("uid")): e for e in _ics_events(plan_to_ics(two))}
    assert set(final) <= set(seen)  # no UID invented for what was already planned
    assert moved.uid.startswith(f"{first.territory}-{day.isoformat()}-")
    assert int(final[moved.uid].get("sequence")) == 2  # moved twice (or moved then cancelled)


def test_gpx_11_routes_per_van_day_and_dated_waypoints() -> None:
    plan = _plan()
    text = plan_to_gpx(plan)
    assert 'version="1.1"' in text and "http://www.topografix.com/GPX/1/1" in text
    gpx = gpxpy.parse(text)
    assert gpx.version == "1.1" and not gpx.tracks
    assert len(gpx.waypoints) == len(plan.visits)
    for point, visit in zip(gpx.waypoints, plan.visits, strict=True):
        assert point.time is not None and point.time.date() == visit.date
    assert len(gpx.routes) == len(plan.days)
    assert len(gpx.routes[0].points) == len(plan.days[0].stops) + 2
    assert all(p.time is not None for r in gpx.routes for p in r.points)


def _gpsbabel(*args: str, data: str) -> str:
    """Run GPSBabel (Debian package, installed by .ci/install-browser.sh) reading GPX on stdin;
    it must read the file without a warning."""
    exe = shutil.which("gpsbabel")
    if exe is None:
        pytest.fail("gpsbabel absent: run `bash .ci/install-browser.sh` (Debian package gpsbabel)")
    done = subprocess.run(
        [exe, *args, "-i", "gpx", "-f", "-", "-o", "gpx", "-F", "-"],
        input=data,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stderr == "", done.stderr
    return done.stdout


def test_gpx_opens_in_gpsbabel_with_every_route_and_waypoint() -> None:
    """An independent GPX reader (GPSBabel, C++) takes the file as it is: every dated waypoint
    and every van-day route (the official GPX 1.1 XSD is on no registry this project reaches)."""
    plan = _plan()
    text = plan_to_gpx(plan)
    waypoints = gpxpy.parse(_gpsbabel("-w", data=text))
    assert len(waypoints.waypoints) == len(plan.visits)
    assert [w.time.date() for w in waypoints.waypoints] == [v.date for v in plan.visits]
    routes = gpxpy.parse(_gpsbabel("-r", data=text))
    assert len(routes.routes) == len(plan.days)
    assert [len(r.points) for r in routes.routes] == [len(d.stops) + 2 for d in plan.days]


def test_gpx_stays_valid_xml_with_control_characters() -> None:
    plan = _plan()
    first = dataclasses.replace(plan.visits[0], stop_name="Mairie\x00\x1b", host="Café\x07")
    plan = dataclasses.replace(plan, visits=(first, *plan.visits[1:]))
    gpx = gpxpy.parse(plan_to_gpx(plan))
    assert gpx.waypoints[0].name == "Mairie" and gpx.waypoints[0].description == "Café"


# -- every approach: the kind of place, the approach and who holds the session ----------------


def test_ics_summary_starts_with_the_place_categories_say_approach_and_kind() -> None:
    plan = every_kind_plan()
    events = {str(e.get("summary")).split(" : ")[0]: e for e in _ics_events(plan_to_ics(plan))}
    assert set(events) == {v.stop_name for v in plan.visits}
    maraude = events["Maraude quartier du Bois du Verne"]
    assert str(maraude.get("summary")) == (
        "Maraude quartier du Bois du Verne : Maraude (Équipe equipe-1)"
    )
    partner = events["Centre social Le Lien"]
    assert partner.get("categories").cats == [
        "Repérage par les acteurs de proximité",
        "Séance chez un partenaire",
    ]
    assert str(partner.get("description")).startswith(
        "Équipe equipe-1. Démarche : Repérage par les acteurs de proximité."
    )
    van = events["Place de l'église"]
    assert van.get("categories").cats == ["Véhicule itinérant", "Arrêt du véhicule"]
    assert str(van.get("description")).startswith("Véhicule van-1. Démarche : Véhicule itinérant.")
    event = events["Forum de l'emploi"]
    assert event.get("categories").cats == ["Événements / lieux de rencontre", "Événement"]


def test_gpx_waypoint_type_is_the_kind_and_route_type_the_resource() -> None:
    plan = every_kind_plan()
    text = plan_to_gpx(plan)
    gpx = gpxpy.parse(text)
    assert {w.name: w.type for w in gpx.waypoints} == {
        "Place de l'église": "Arrêt du véhicule",
        "Centre social Le Lien": "Séance chez un partenaire",
        "Maraude quartier du Bois du Verne": "Maraude",
        "Forum de l'emploi": "Événement",
    }
    assert {r.name.split()[0]: r.type for r in gpx.routes} == {
        "van-1": "Véhicule",
        "equipe-1": "Équipe",
    }
    again = gpxpy.parse(_gpsbabel("-w", data=text))  # an independent reader keeps the type
    assert sorted(w.type for w in again.waypoints) == sorted(w.type for w in gpx.waypoints)


def test_csv_has_kind_approach_resource_and_private_columns_in_french() -> None:
    plan = every_kind_plan()
    rows = {r["Arrêt"]: r for r in _rows(plan_to_csv(plan))}
    assert rows["m3"]["Véhicule / équipe"] == "equipe-1"
    assert (rows["m3"]["Type de séance"], rows["m3"]["Démarche"]) == ("maraude", "maraude")
    assert (rows["m3"]["Ressource"], rows["m3"]["Lieu privé"]) == ("equipe", "oui")
    assert (rows["s1"]["Ressource"], rows["s1"]["Lieu privé"]) == ("vehicule", "non")
    assert rows["p2"]["Démarche"] == "acteurs_proximite"


def test_json_round_trip_keeps_kind_approach_resource_private() -> None:
    plan = every_kind_plan()
    again = Plan.from_json(plan.to_json())
    assert [(v.kind, v.approach, v.resource, v.private) for v in again.visits] == [
        (v.kind, v.approach, v.resource, v.private) for v in plan.visits
    ]
