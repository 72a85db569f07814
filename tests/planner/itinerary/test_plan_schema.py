"""The one plan schema: records written and read from it, the document check, the derived lists."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from planner.errors import InvalidPlanError
from planner.itinerary.plan import Dropped, Plan, Skipped, SolverInfo, VanDay, Visit
from planner.itinerary.plan_schema import (
    CSV_COLUMNS,
    DROPPED,
    SKIPPED,
    SOLVER,
    VAN_DAY,
    VISIT,
    PlanField,
    check_plan_json,
    hhmm,
)

MONDAY = dt.date(2025, 9, 1)


def _visit(day: int, slot: str, stop: str, start_s: int, **extra) -> Visit:
    return Visit(
        date=MONDAY + dt.timedelta(days=day), van="v1", slot=slot, stop_id=stop,
        stop_name=f"Arrêt {stop}", commune=stop, lon=4.1234567, lat=46.7654321,
        arrival_s=start_s - 600, start_s=start_s, end_s=start_s + 10800, **extra,
    )  # fmt: skip


def _plan() -> Plan:
    visits = (
        _visit(
            0,
            "matin",
            "71001",
            32400,
            host="Mairie",
            need=12.34567,
            to_check="stationnement à vérifier",
        ),
        _visit(0, "apres-midi", "71002", 50400, frr_class="frr_plus", qpv=True),
        _visit(1, "matin", "71001", 32400),
    )
    days = (
        VanDay("v1", MONDAY, 30600, 63000, 5400, 80000, ("71001", "71002")),
        VanDay("v1", MONDAY + dt.timedelta(days=1), 30600, 45000, 3600, 40000, ("71001",)),
    )
    return Plan(
        territory="essai", travel_time_method="estimate", start=MONDAY, weeks=1,
        visits=visits, days=days, dropped=(Dropped("71003", "Arrêt 71003", "trop loin"),),
        kpis={"need_served": 1.0}, solver=SolverInfo("greedy", 0, 0.12345, 1.0, 10, 12, 16.66666),
        skipped=(Skipped("71001", MONDAY + dt.timedelta(days=7), "jour férié"),),
        van_bases={"v1": (4.0, 46.0)},
    )  # fmt: skip


@pytest.fixture()
def document() -> dict:
    return _plan().to_json()


def test_records_follow_their_dataclasses() -> None:
    pairs = ((Visit, VISIT), (VanDay, VAN_DAY), (Dropped, DROPPED), (Skipped, SKIPPED))
    for cls, record in (*pairs, (SolverInfo, SOLVER)):
        assert cls.schema is record
        assert record.attributes == tuple(f.name for f in dataclasses.fields(cls))
        names = [f.name for f in record.fields]
        assert len(names) == len(set(names))
        assert all(f.clock_of in record.attributes for f in record.fields if f.derived)


def test_json_layout_and_round_trip(document) -> None:
    visit = document["visits"][0]
    assert list(visit) == [
        "date", "van", "slot", "stop_id", "stop_name", "commune", "lon", "lat", "arrival",
        "start", "end", "arrival_s", "start_s", "end_s", "host", "need", "frr_class", "qpv",
        "to_check", "uid", "sequence", "kind", "approach", "resource", "private", "locked",
        "moved_from", "moved_from_van", "moved_from_slot",
    ]  # fmt: skip
    assert visit["locked"] is False and visit["moved_from"] is None
    assert visit["to_check"] == "stationnement à vérifier"
    assert document["visits"][1]["to_check"] == ""
    assert visit["date"] == "2025-09-01" and visit["arrival"] == "08:50"
    assert visit["lon"] == 4.123457 and visit["need"] == 12.346 and visit["host"] == "Mairie"
    assert document["visits"][1]["host"] is None
    assert list(document["days"][0]) == [
        "van", "date", "leave_base", "return_base", "leave_base_s", "return_base_s", "drive_s",
        "drive_m", "stops",
    ]  # fmt: skip
    assert document["days"][0]["stops"] == ["71001", "71002"]
    assert document["solver"]["time_s"] == 0.123 and document["solver"]["gap_pct"] == 16.6667
    again = Plan.from_json(document)
    assert again.to_json() == document
    assert again.days == _plan().days and again.skipped == _plan().skipped


def test_reading_fills_defaults_and_names_missing_keys(document) -> None:
    optional = ("host", "need", "qpv", "to_check")
    visit = {k: v for k, v in document["visits"][1].items() if k not in optional}
    rounded = dataclasses.replace(_plan().visits[1], lon=4.123457, lat=46.765432, qpv=False)
    assert Visit.from_json(visit) == rounded
    assert Dropped.from_json({"stop_id": "1", "reason": "r"}) == Dropped("1", "", "r", False)
    visit.pop("start_s")
    with pytest.raises(InvalidPlanError, match="Plan fourni : visite sans start_s"):
        Visit.from_json(visit)
    with pytest.raises(InvalidPlanError, match="journée : date illisible \\(AAAA-MM-JJ\\)"):
        VanDay.from_json(dict(document["days"][0], date="01/09/2025"))
    with pytest.raises(InvalidPlanError, match="clé absente : solver"):
        Plan.from_json({k: v for k, v in document.items() if k != "solver"})


def test_derived_lists() -> None:
    assert CSV_COLUMNS == (
        "date", "van", "slot", "stop_id", "stop_name", "commune", "lon", "lat", "arrival",
        "start", "end", "host", "need", "frr_class", "qpv", "to_check", "kind", "approach",
        "resource", "private",
    )  # fmt: skip
    assert VISIT.required_keys == (
        "date", "van", "slot", "stop_id", "stop_name", "commune", "lon", "lat", "arrival",
        "start", "end",
    )  # fmt: skip
    assert VAN_DAY.required_keys == (
        "van",
        "date",
        "leave_base",
        "return_base",
        "drive_s",
        "drive_m",
    )
    assert [f.name for f in VISIT.stored] == [
        "date", "van", "slot", "stop_id", "stop_name", "commune", "lon", "lat", "arrival_s",
        "start_s", "end_s", "host", "to_check", "kind", "approach", "resource", "private",
    ]  # fmt: skip
    assert VISIT.geojson_keys == (
        "date", "van", "slot", "stop_id", "stop_name", "commune", "arrival", "start", "end",
        "host", "need", "to_check", "kind", "approach", "resource",
    )  # fmt: skip
    assert hhmm(34259) == "09:30"


def test_a_field_refuses_inconsistent_flags() -> None:
    with pytest.raises(TypeError, match="not in"):
        PlanField("x", dict, "?")
    with pytest.raises(TypeError, match="needs db_length"):
        PlanField("x", str, "?", db=True)
    with pytest.raises(TypeError, match="HH:MM field"):
        PlanField("x", int, "?", clock_of="x_s")
    with pytest.raises(TypeError, match="digits only round a float"):
        PlanField("x", int, "?", digits=2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("visits"), "clé\\(s\\) absente\\(s\\) : visits"),
        (lambda p: p.update(travel_time_method="vol"), "travel_time_method doit valoir"),
        (lambda p: p.update(visits={}), "« visits » doit être une liste"),
        (lambda p: p["visits"][0].pop("lon"), "visits\\[0\\] sans lon"),
        (lambda p: p["days"][1].update(date="01/09/2025"), "days\\[1\\] : date attendue"),
        (lambda p: p["visits"][2].update(lat=147.0), "visits\\[2\\] : lon/lat hors des bornes"),
        (lambda p: p["visits"].__setitem__(0, "x"), "visits\\[0\\] doit être un objet"),
    ],
)
def test_malformed_plans(document, change, message):
    plan = copy.deepcopy(document)
    change(plan)
    with pytest.raises(InvalidPlanError, match=message):
        check_plan_json(plan)


def test_not_an_object():
    with pytest.raises(InvalidPlanError, match="un objet JSON est attendu"):
        check_plan_json([1, 2])


def test_a_plan_for_the_maps_needs_no_seconds(document) -> None:
    for visit in document["visits"]:
        for key in ("arrival_s", "start_s", "end_s", "host", "need", "frr_class", "qpv"):
            visit.pop(key)
    check_plan_json(document)
