"""What the public sees of a plan (``planner.publication``): a private place kept off, the
weeks of a plan, the numbering shared by the list and the map, the sessions per host."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.errors import InvalidPlanError
from planner.itinerary.plan import Plan, SolverInfo, Visit
from planner.publication import (
    PRIVATE_PLACE,
    PublicSession,
    day_fr,
    hosts_of,
    numbering,
    plan_weeks,
    public_sessions,
    time_fr,
    week_sessions,
)

BASE = Visit(
    date=dt.date(2027, 1, 4),
    van="van-1",
    slot="matin",
    stop_id="71153",
    stop_name="Place de la Mairie, Le Creusot",
    commune="71153",
    lon=4.43,
    lat=46.8,
    arrival_s=32000,
    start_s=32400,
    end_s=43200,
    host="Mairie du Creusot",
    need=12.5,
)


def private_session() -> PublicSession:
    visit = replace(
        BASE,
        van="equipe-1",
        stop_id="maraude-qpv-1",
        stop_name="Square des Acacias",
        kind="maraude",
        private=True,
        host="Centre social",
    )
    return PublicSession(visit, "Le Creusot")


def plan_of(visits: list[Visit], *, weeks: int = 2) -> Plan:
    solver = SolverInfo(name="test", seed=0, time_s=0, time_limit_s=0, objective=0, bound=0,
                        gap_pct=0)  # fmt: skip
    return Plan(territory="t", travel_time_method="estimate", start=dt.date(2027, 1, 4),
                weeks=weeks, visits=tuple(visits), days=(), dropped=(), kpis={},
                solver=solver)  # fmt: skip


def test_a_private_place_is_announced_as_the_neighbourhood():
    session = private_session()
    assert session.place == f"Le Creusot, {PRIVATE_PLACE}"
    assert session.short_place == "Le Creusot, dans le quartier"
    assert "Acacias" not in session.place and session.host == ""


def test_french_dates_and_times():
    assert day_fr(dt.date(2027, 1, 4)) == "lundi 4 janvier"
    assert day_fr(dt.date(2027, 8, 15), year=True) == "dimanche 15 août 2027"
    assert day_fr(dt.date(2026, 12, 1)) == "mardi 1er décembre"
    assert time_fr(32400) == "9h" and time_fr(50400 + 1800) == "14h30"
    assert PublicSession(BASE, "Le Creusot").hours == "9h–12h"


def test_weeks_numbering_and_hosts():
    other = replace(BASE, stop_id="71306", stop_name="Halle, Montceau", host="", start_s=50400,
                    end_s=61200, arrival_s=50000)  # fmt: skip
    again = replace(BASE, date=dt.date(2027, 1, 11))
    plan = plan_of([again, other, BASE, replace(private_session().visit, date=BASE.date)])
    assert plan_weeks(plan) == [dt.date(2027, 1, 4), dt.date(2027, 1, 11)]
    monday, week1 = week_sessions(plan, {}, 1)
    assert monday == dt.date(2027, 1, 4)
    assert [s.visit.stop_id for s in week1] == ["71153", "maraude-qpv-1", "71306"]
    assert numbering(week1) == {"71153": 1, "71306": 2}  # no number for a private place
    _, week2 = week_sessions(plan, {}, 2)
    assert [s.date for s in week2] == [dt.date(2027, 1, 11)]
    hosts = hosts_of(plan, {})
    assert list(hosts) == ["Mairie du Creusot"]  # the private place's host is not shown
    assert [s.date for s in hosts["Mairie du Creusot"]] == [BASE.date, again.date]
    with pytest.raises(InvalidPlanError, match=r"Semaine 3 absente du plan .*semaines 1 à 2"):
        week_sessions(plan, {}, 3)


def test_sessions_ended_today_are_left_out():
    plan = plan_of([BASE, replace(BASE, stop_id="x", start_s=50400, end_s=61200)])
    today = public_sessions(plan, {}, first=BASE.date, last=BASE.date, after_s=43200)
    assert [s.stop_id for s in today] == ["x"]
