"""A plan.json document as the maps draw it: visits numbered in time order, weeks, territory."""

from __future__ import annotations

import datetime as dt

from maps.plan_input import (
    numbered_visits,
    period_label,
    plan_between,
    plan_start,
    territory_of,
)


def test_stops_are_numbered_in_time_order_with_weeks(small_plan):
    stops = numbered_visits(small_plan)
    assert [s.number for s in stops] == list(range(1, len(small_plan["visits"]) + 1))
    keys = [(s.visit["date"], s.visit["van"], s.visit["start"]) for s in stops]
    assert keys == sorted(keys)
    assert {s.week for s in stops} == {0, 1}
    assert plan_start(small_plan) == dt.date(2025, 9, 1)


def test_start_defaults_to_monday_of_first_visit(small_plan):
    plan = dict(small_plan, start=None)
    plan["visits"] = [v for v in plan["visits"] if v["date"] >= "2025-09-03"]
    plan["days"] = [d for d in plan["days"] if d["date"] >= "2025-09-03"]
    assert plan_start(plan) == dt.date(2025, 9, 1)


def test_territory_of_demo_slug_only(small_plan):
    assert territory_of(small_plan).id == "marches-de-bourgogne"
    assert territory_of(dict(small_plan, territory="ailleurs")) is None


def test_plan_between_keeps_the_days_visits_and_routes(small_plan):
    day = dt.date(2025, 9, 2)
    part = plan_between(small_plan, day, day)
    assert part["visits"] and {v["date"] for v in part["visits"]} == {"2025-09-02"}
    assert {d["date"] for d in part["days"]} == {"2025-09-02"}
    assert part["start"] == small_plan["start"] and len(small_plan["visits"]) > len(part["visits"])
    assert period_label(day, day) == "mardi 02/09/2025"
