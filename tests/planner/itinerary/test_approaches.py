"""Every approach in one engine: tiny named cases, one per rule, each checked by the validator.

Points on a line around one base (metres, 50 km/h): a van and a team share conseillère A; the
team alone holds partner sessions and maraudes, the van alone commune stops, an event may take
either.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import numpy as np
import pytest

from planner.daylight import daylight_min
from planner.fleet import Person, Van
from planner.hours import WeeklyHours
from planner.itinerary.check import validate_plan
from planner.itinerary.grid import (
    REASON_DATES,
    REASON_DAYLIGHT,
    REASON_HOURS,
    REASON_RESOURCE,
    REASON_WINDOW,
    Grid,
)
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()
MONDAY = _f.MONDAY  # 2026-03-02, school term
A, B, C = Person("a", "Conseillère A"), Person("b", "Conseiller B"), Person("c", "Conseillère C")
VAN = Van(id="van", base="b0", crew=("a", "b"))
TEAM = Van(id="team", base="b0", kind="equipe", mode="voiture", crew=("a", "c"))


def _problem(cands, *, vans=(VAN, TEAM), people=(A, B, C), weeks=1, modes=None, start=MONDAY):
    n = 1 + max(c.location for c in cands)
    points = np.array([[i * 3000.0, 0.0] for i in range(n)])
    dur, dist = _f.matrices(points)
    return ItineraryProblem.from_matrix(
        dur,
        dist,
        candidates=cands,
        bases=[BaseLocation("b0", "Siège", 0)],
        vans=list(vans),
        start=start,
        weeks=weeks,
        territory="test",
        travel_time_method="euclidean-test",
        people=tuple(people),
        mode_durations=modes,
    )


def _stop(i, **kw) -> Candidate:
    return Candidate(id=f"s{i}", name=f"Arrêt {i}", location=i, need=30.0, **kw)


def _partner(i, **kw) -> Candidate:
    kw.setdefault("kind", "partenaire")
    kw.setdefault("approach", "acteurs_proximite")
    kw.setdefault("service_s", 7200)
    return Candidate(id=f"p{i}", name=f"Partenaire {i}", location=i, need=40.0, **kw)


def _valid(pb, plan):
    report = validate_plan(pb, plan)
    assert report.ok, report.describe_fr()


def test_van_stops_go_to_the_van_and_partner_sessions_to_the_team() -> None:
    pb = _problem([_stop(1), _partner(2)])
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    by = {v.stop_id: v for v in plan.visits}
    assert by["s1"].van == "van" and by["s1"].resource == "vehicule" and by["s1"].kind == "commune"
    assert by["p2"].van == "team" and by["p2"].resource == "equipe"
    assert by["p2"].approach == "acteurs_proximite" and by["p2"].end_s - by["p2"].start_s == 7200


def test_a_kind_without_its_resource_is_dropped_with_the_reason() -> None:
    pb = _problem([_partner(1), _stop(2, kind="maraude", approach="maraude")], vans=(VAN,))
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert not plan.visits
    assert {d.reason for d in plan.dropped} == {REASON_RESOURCE["equipe"]}


def test_a_shared_person_is_never_on_two_resources_the_same_day() -> None:
    # one weekday only: the van and the team both want it; conseillère A can be on one
    one_day = dataclasses.replace(VAN, working_days=(1,))
    team = dataclasses.replace(TEAM, working_days=(1,))
    pb = _problem([_stop(1), _partner(2)], vans=(one_day, team))
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert len({v.van for v in plan.visits}) == 1
    # with another conseiller on the team, both go out that Tuesday
    free = dataclasses.replace(team, crew=("b", "c"))
    free_van = dataclasses.replace(one_day, crew=("a",))
    pb2 = _problem([_stop(1), _partner(2)], vans=(free_van, free))
    plan2 = solve(pb2, time_limit=1)
    _valid(pb2, plan2)
    assert {v.van for v in plan2.visits} == {"van", "team"}


def test_van_on_tuesday_and_the_same_person_at_a_partner_on_thursday() -> None:
    pb = _problem(
        [
            _stop(1, pin_weekday=1, frequency=Frequency.WEEKLY, required=True),
            _partner(2, pin_weekday=3, frequency=Frequency.WEEKLY, required=True),
        ]
    )
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    days = {(v.van, v.date.weekday()) for v in plan.visits}
    assert days == {("van", 1), ("team", 3)}


def test_a_resource_works_only_the_days_of_all_its_crew() -> None:
    part_time = Person("c", "Conseillère C", working_days=(0, 1))
    pb = _problem([_partner(1, frequency=Frequency.WEEKLY)], people=(A, B, part_time))
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert plan.visits and all(v.date.weekday() in (0, 1) for v in plan.visits)
    grid = Grid(pb)
    team = [d for v, d in grid.vandays if pb.vans[v].id == "team"]
    assert sorted({pb.calendar.days[d].weekday for d in team}) == [0, 1]


def test_partner_sessions_stay_inside_opening_hours() -> None:
    hours = WeeklyHours.from_intervals([(3, 14 * 60, 16 * 60)])  # Thursday 14:00-16:00
    pb = _problem([_partner(1, hours=hours)])
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    (visit,) = plan.visits
    assert visit.date.weekday() == 3 and visit.slot == "apres-midi"
    assert (visit.start_s, visit.end_s) == (14 * 3600, 16 * 3600)
    closed = _problem([_partner(1, hours=hours, service_s=3 * 3600)])
    assert solve(closed, time_limit=1).dropped[0].reason == REASON_HOURS


def test_an_event_keeps_its_date_and_its_window_and_may_be_required() -> None:
    wednesday = MONDAY + dt.timedelta(days=2)
    event = Candidate(
        id="forum", name="Forum de l'emploi", location=3, need=5.0, kind="evenement",
        approach="evenements", dates=frozenset({wednesday}), window_min=(14 * 60 + 30, 17 * 60),
        required=True, frequency=Frequency.ONCE,
    )  # fmt: skip
    pb = _problem([event, _stop(1), _stop(2)])
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    (visit,) = [v for v in plan.visits if v.stop_id == "forum"]
    assert visit.date == wednesday and visit.start_s == 14 * 3600 + 1800
    assert visit.end_s == 17 * 3600 and visit.kind == "evenement"
    off = dataclasses.replace(event, dates=frozenset({MONDAY + dt.timedelta(days=5)}))
    assert solve(_problem([off]), time_limit=1).dropped[0].reason == REASON_DATES
    late = dataclasses.replace(event, window_min=(18 * 60, 21 * 60))
    assert solve(_problem([late]), time_limit=1).dropped[0].reason == REASON_WINDOW


def test_a_maraude_is_held_in_daylight_by_a_team() -> None:
    december = dt.date(2026, 12, 7)
    maraude = Candidate(
        id="m1", name="Maraude place du marché", location=1, need=20.0, kind="maraude",
        approach="maraude", lon=4.43, lat=46.80, daylight=True,
    )  # fmt: skip
    whole_slot = _problem([maraude], start=december)
    up, down = daylight_min(4.43, 46.80, december)
    assert down < 17 * 60  # the afternoon slot ends after sunset in December
    plan = solve(whole_slot, time_limit=1)
    _valid(whole_slot, plan)
    (visit,) = plan.visits
    assert visit.slot == "matin" and visit.van == "team" and visit.start_s >= up * 60
    night = dataclasses.replace(maraude, window_min=(16 * 60 + 30, 19 * 60))
    dark = _problem([night], start=december)
    assert solve(dark, time_limit=1).dropped[0].reason == REASON_DAYLIGHT


def test_a_partner_pin_on_the_first_thursday_repeats_on_those_dates() -> None:
    start = dt.date(2026, 3, 30)  # 6 weeks: Thursdays 2 April and 7 May are first Thursdays
    firsts = frozenset({dt.date(2026, 4, 2), dt.date(2026, 5, 7)})
    pin = _partner(
        1, dates=firsts, pin_weekday=3, pin_slot=0, frequency=Frequency.MONTHLY, required=True
    )
    pb = _problem([pin, _partner(2)], weeks=6, start=start)
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert {v.date for v in plan.visits if v.stop_id == "p1"} == firsts
    assert {v.slot for v in plan.visits if v.stop_id == "p1"} == {"matin"}
    doc = plan.to_json()
    dropped = [v for v in doc["visits"] if v["stop_id"] == "p1"][1]
    doc["visits"].remove(dropped)
    doc["days"] = [d for d in doc["days"] if d["date"] != dropped["date"] or d["van"] != "team"]
    assert "periodic-missing" in validate_plan(pb, doc).rules()


def test_a_team_on_foot_walks_at_its_own_speed() -> None:
    walk = Van(id="walk", base="b0", kind="equipe", mode="pied", crew=("c",))
    cands = [_partner(1, service_s=3600)]
    n = 2
    points = np.array([[i * 3000.0, 0.0] for i in range(n)])
    _, dist = _f.matrices(points)
    walking = np.rint(dist / 1.25).astype(np.int64)
    pb = _problem(cands, vans=(walk,), people=(C,), modes={"pied": walking})
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    (day,) = plan.days
    assert day.drive_s == 2 * int(walking[0, 1])
    with pytest.raises(Exception, match="pas de temps de trajet pour le mode 'pied'"):
        _problem(cands, vans=(walk,), people=(C,))


def test_a_team_has_no_vehicle_needs() -> None:
    no_parking = _partner(1, amenities=frozenset())
    pb = dataclasses.replace(_problem([no_parking]), van_needs=frozenset({"parking"}))
    plan = solve(pb, time_limit=1)
    _valid(pb, plan)
    assert plan.visits and plan.visits[0].to_check == ""


# -- the validator catches each rule on a broken plan ---------------------------------------


@pytest.fixture(scope="module")
def mixed():
    wednesday = MONDAY + dt.timedelta(days=2)
    cands = [
        _stop(1),
        _partner(2),
        Candidate(
            id="m3", name="Maraude", location=3, need=25.0, kind="maraude", approach="maraude",
            lon=4.43, lat=46.80, daylight=True, service_s=7200,
        ),
        Candidate(
            id="ev4", name="Fête", location=4, need=10.0, kind="evenement",
            approach="evenements", dates=frozenset({wednesday}), window_min=(9 * 60, 11 * 60),
            required=True, frequency=Frequency.ONCE,
        ),
    ]  # fmt: skip
    pb = _problem(cands)
    plan = solve(pb, time_limit=1).to_json()
    _valid(pb, plan)
    return pb, plan


def _visit(doc, stop_id):
    return next(v for v in doc["visits"] if v["stop_id"] == stop_id)


def _break(mixed, edit) -> set[str]:
    pb, plan = mixed
    doc = copy.deepcopy(plan)
    edit(doc)
    return validate_plan(pb, doc).rules()


def test_resource_kind_rule(mixed) -> None:
    assert "resource-kind" in _break(mixed, lambda d: _visit(d, "p2").update(van="van"))


def test_dates_rule(mixed) -> None:
    def move(doc):
        visit = _visit(doc, "ev4")
        visit["date"] = (dt.date.fromisoformat(visit["date"]) + dt.timedelta(days=1)).isoformat()

    assert "dates" in _break(mixed, move)


def test_window_rule(mixed) -> None:
    assert "window" in _break(mixed, lambda d: _visit(d, "ev4").update(end_s=12 * 3600))


def test_daylight_rule() -> None:
    december = dt.date(2026, 12, 7)
    maraude = Candidate(
        id="m1", name="Maraude", location=1, need=20.0, kind="maraude", approach="maraude",
        lon=4.43, lat=46.80, daylight=True, service_s=7200,
    )  # fmt: skip
    pb = _problem([maraude], start=december)
    doc = solve(pb, time_limit=1).to_json()
    visit = doc["visits"][0]
    late = {"slot": "apres-midi", "start_s": 16 * 3600, "end_s": 18 * 3600}
    visit.update(late)
    assert "daylight" in validate_plan(pb, doc).rules()


def test_person_twice_rule(mixed) -> None:
    pb, plan = mixed

    def same_day(doc):
        van_day = next(v for v in doc["visits"] if v["van"] == "van")["date"]
        _visit(doc, "p2").update(date=van_day)

    assert "person-twice" in _break(mixed, same_day)


def test_crew_day_rule() -> None:
    part_time = Person("c", "Conseillère C", working_days=(0,))
    pb = _problem([_partner(1)], people=(A, B, part_time))
    doc = solve(pb, time_limit=1).to_json()
    assert doc["visits"][0]["date"] == MONDAY.isoformat()
    doc["visits"][0]["date"] = (MONDAY + dt.timedelta(days=1)).isoformat()
    assert "crew-day" in validate_plan(pb, doc).rules()


def test_unknown_crew_is_refused_in_french() -> None:
    with pytest.raises(Exception, match=r"personne\(s\) inconnue\(s\) dans l'équipage : z"):
        _problem([_partner(1)], vans=(dataclasses.replace(TEAM, crew=("z",)),))
