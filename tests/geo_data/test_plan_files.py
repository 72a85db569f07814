"""Plan files at the edge: plan a demo territory, write its files, validate plan.json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import gpxpy
import icalendar
import pytest

from geo_data.demo import load_demo_territory
from geo_data.plan_files import EXPLANATION_FILES, PLAN_FILES, read_plan, write_plan_files
from planner.errors import DataSourceError, InvalidPlanError
from planner.itinerary.plan import Plan
from planner.workflows.planning import check_plan_document, plan_territory


def test_plan_write_and_validate_demo(tmp_path) -> None:
    terr = load_demo_territory("creusot-montceau")
    plan = plan_territory(
        terr,
        start=dt.date(2026, 3, 2),
        weeks=2,
        time_limit=2,
        seed=0,
        spec="creusot-montceau",
        today=dt.date(2026, 3, 10),
    )
    assert any("passée" in n for n in plan.notes)
    paths = write_plan_files(plan, tmp_path / "out")
    assert [p.name for p in paths] == list(PLAN_FILES)
    doc = json.loads(paths[0].read_text(encoding="utf-8"))
    assert doc["territory"] == "creusot-montceau" and doc["travel_time_method"] == "estimate"
    assert doc["source"]["spec"] == "creusot-montceau"
    assert read_plan(paths[0]) == doc
    report = check_plan_document(read_plan(paths[0]), terr)
    assert report.ok, report.describe_fr()
    # periodic stops keep their weekday and slot in the demo
    by_stop: dict[str, set] = {}
    for v in doc["visits"]:
        by_stop.setdefault(v["stop_id"], set()).add(
            (v["van"], v["slot"], dt.date.fromisoformat(v["date"]).weekday())
        )
    assert any(len(v) == 1 for v in by_stop.values())
    assert all(len(v) == 1 for v in by_stop.values())


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DataSourceError, match="Plan illisible : .* \\(fichier introuvable\\)"):
        read_plan(tmp_path / "absent.json")


def test_bad_json(tmp_path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{visits: ", encoding="utf-8")
    with pytest.raises(InvalidPlanError, match="JSON invalide ligne 1"):
        read_plan(bad)
    bad.write_bytes(b'{"territory": "\xff"}')
    with pytest.raises(InvalidPlanError, match="texte UTF-8 attendu \\(octet 15 illisible\\)"):
        read_plan(bad)


def test_a_document_off_the_schema_names_its_file(tmp_path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps({"territory": "x", "visits": []}), encoding="utf-8")
    with pytest.raises(InvalidPlanError, match="Plan .*plan.json : clé\\(s\\) absente\\(s\\)"):
        read_plan(bad)


def test_explanation_tables_are_written_with_french_headers(tmp_path) -> None:
    terr = load_demo_territory("creusot-montceau")
    plan = plan_territory(terr, start=dt.date(2026, 3, 2), weeks=1, time_limit=1, solver="greedy")
    paths = {p.name: p for p in write_plan_files(plan, tmp_path)}
    assert set(EXPLANATION_FILES) == {"arrets.csv", "communes.csv", "non-planifies.csv"}
    tables = {
        name: list(
            csv.reader(io.StringIO(paths[name].read_text(encoding="utf-8-sig")), delimiter=";")
        )
        for name in EXPLANATION_FILES
    }
    assert tables["non-planifies.csv"][0][:3] == ["Arrêt", "Code INSEE", "Commune"]
    assert "Raison" in tables["non-planifies.csv"][0]
    assert tables["arrets.csv"][0][-1] == "Pourquoi"
    assert "Pourquoi non atteinte" in tables["communes.csv"][0]
    assert len(tables["communes.csv"]) == 1 + len(terr.communes)
    assert len(tables["arrets.csv"]) == 1 + len({v.stop_id for v in plan.visits})
    assert len(tables["non-planifies.csv"]) == 1 + len(plan.unplanned) and plan.unplanned
    doc = read_plan(paths["plan.json"])
    assert len(doc["communes"]) == len(terr.communes) and doc["stops"] and doc["unplanned"]


def test_an_older_plan_file_without_explanations_still_loads(tmp_path) -> None:
    terr = load_demo_territory("creusot-montceau")
    plan = plan_territory(terr, start=dt.date(2026, 3, 2), weeks=1, time_limit=1, solver="greedy")
    doc = plan.to_json()
    for key in ("stops", "communes", "unplanned"):
        del doc[key]
    old = tmp_path / "plan.json"
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    loaded = Plan.from_json(read_plan(old))
    assert [v.stop_id for v in loaded.visits] == [v.stop_id for v in plan.visits]
    assert (loaded.stops, loaded.communes, loaded.unplanned) == ((), (), ())
    assert check_plan_document(read_plan(old), terr).ok
    # written again, the older plan has header-only tables
    paths = write_plan_files(loaded, tmp_path / "again")
    assert paths[-1].read_text(encoding="utf-8").count("\n") == 1


def test_every_plan_file_opens_in_an_independent_parser(tmp_path) -> None:
    terr = load_demo_territory("marches-de-bourgogne")
    plan = plan_territory(terr, start=dt.date(2026, 3, 2), weeks=1, time_limit=1, solver="greedy")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paths = {p.name: p for p in write_plan_files(plan, tmp_path)}

    def refuse(name: str):
        raise AssertionError(f"plan.json holds {name}")

    json.loads(paths["plan.json"].read_text(encoding="utf-8"), parse_constant=refuse)
    for name in ("plan.csv", *EXPLANATION_FILES):
        assert paths[name].read_bytes().startswith(b"\xef\xbb\xbf"), name
    text = paths["plan.csv"].read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == len(plan.visits) and rows[0]["Arrêt"] == plan.visits[0].stop_id
    events = list(icalendar.Calendar.from_ical(paths["plan.ics"].read_bytes()).walk("VEVENT"))
    assert len(events) == len(plan.visits)
    assert all(e.decoded("dtstamp") >= before for e in events)  # stamped when written
    gpx = gpxpy.parse(paths["plan.gpx"].read_text(encoding="utf-8"))
    assert gpx.version == "1.1" and len(gpx.routes) == len(plan.days)
    assert all(w.time is not None for w in gpx.waypoints)
