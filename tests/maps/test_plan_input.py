"""plan.json reading for the maps: each malformed plan gets a clear French error."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from maps.plan_input import check_plan, ordered_stops, plan_start, read_plan, territory_of
from planner.errors import DataSourceError, InvalidSpecError


def test_read_plan_round_trip(tmp_path, small_plan):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(small_plan))
    assert read_plan(path)["visits"] == small_plan["visits"]


def test_missing_file(tmp_path):
    with pytest.raises(DataSourceError, match="Plan illisible : .* \\(fichier introuvable\\)"):
        read_plan(tmp_path / "absent.json")


def test_bad_json(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("{visits: ")
    with pytest.raises(InvalidSpecError, match="JSON invalide ligne 1"):
        read_plan(path)


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
def test_malformed_plans(small_plan, change, message):
    plan = copy.deepcopy(small_plan)
    change(plan)
    with pytest.raises(InvalidSpecError, match=message):
        check_plan(plan)


def test_not_an_object():
    with pytest.raises(InvalidSpecError, match="un objet JSON est attendu"):
        check_plan([1, 2])


def test_stops_are_numbered_in_time_order_with_weeks(small_plan):
    stops = ordered_stops(small_plan)
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
