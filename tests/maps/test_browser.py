"""Every map in headless chromium, offline: no JavaScript error, no request leaving file://,
markers, layer toggles, popups, and a screenshot in tests/artifacts/ for inspection."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from geo_data.demo import load_demo_territory
from maps.writers import write_comparison, write_coverage, write_itinerary, write_next_stop
from tests.maps.conftest import ARTIFACTS, make_plan

pytestmark = pytest.mark.browser


def _engine_plan(territory) -> dict[str, Any] | None:
    """A real plan from the itinerary engine (two weeks), or None when it is not importable."""
    try:
        from planner.itinerary.solver import solve
        from planner.workflows.planning import territory_problem
    except ImportError:
        return None
    problem = territory_problem(territory, start=dt.date(2025, 9, 1), weeks=2)
    return solve(problem, time_limit=2.0, seed=0).to_json()


def _region(territories):
    import geopandas as gpd
    import pandas as pd

    from maps.comparison import territories_from_communes

    communes = gpd.GeoDataFrame(
        pd.concat([t.communes[["name", "geometry"]].assign(ml=t.id) for t in territories]),
        crs=territories[0].communes.crs,
    )
    shapes = territories_from_communes(
        communes, key="ml", names={t.id: t.name for t in territories}
    )
    table = pd.DataFrame(
        {"part_20min": [61.5, 83.0], "reperes": [154, "< 11"], "communes_servies": [40, 22]},
        index=[t.id for t in territories],
    )
    return shapes, table


@pytest.fixture(scope="module")
def pages(tmp_path_factory, marches) -> dict[str, tuple[Path, dict[str, Any] | None]]:
    """Each demo page written once: name -> (html path, plan drawn or None)."""
    root = tmp_path_factory.mktemp("pages")
    creusot = load_demo_territory("creusot-montceau")
    out: dict[str, tuple[Path, dict[str, Any] | None]] = {}
    plans = {
        "itinerary": make_plan(marches, weeks=2),
        "itinerary_osm": make_plan(creusot, weeks=1, method="osm", geometry=True),
    }
    engine = _engine_plan(marches)
    if engine is not None:
        plans["itinerary_engine"] = engine
    for name, plan in plans.items():
        path = root / name / "plan.json"
        path.parent.mkdir()
        path.write_text(json.dumps(plan))
        out[name] = (write_itinerary(path), plan)
    out["coverage"] = (
        write_coverage(marches, root / "coverage.html", plan=plans["itinerary"]),
        None,
    )
    from maps.activity import activity_map
    from maps.assets import write_html
    from planner.workflows.comparison import synthetic_territory_activity

    act = synthetic_territory_activity(marches, end=dt.date(2025, 6, 30), seed=1)
    out["activity"] = (
        write_html(activity_map(marches, act, synthetic=True), root / "activity.html"),
        None,
    )
    shapes, table = _region([marches, creusot])
    out["comparison"] = (
        write_comparison(
            shapes,
            table,
            root / "comparison.html",
            indicator="part_20min",
            labels={"part_20min": "Part à 20 min (%)"},
        ),
        None,
    )
    out["next_stop"] = (
        write_next_stop(
            plans["itinerary"],
            root / "next.html",
            now=dt.datetime(2025, 9, 2, 8, 0),
            territory=marches,
        ),
        None,
    )
    return out


def _record(name: str, path: Path, load_s: float, shot: Path) -> None:
    report = ARTIFACTS / "maps_report.json"
    data = json.loads(report.read_text()) if report.is_file() else {}
    data[name] = {"bytes": path.stat().st_size, "load_s": round(load_s, 3), "screenshot": shot.name}
    report.write_text(json.dumps(data, indent=1, ensure_ascii=False))


PAGES = [
    "itinerary",
    "itinerary_osm",
    "itinerary_engine",
    "coverage",
    "activity",
    "comparison",
    "next_stop",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_cleanly(chromium, pages, name):
    if name not in pages:
        pytest.skip("moteur d'itinéraire (planner.itinerary) non importable")
    path, plan = pages[name]
    phone = (390, 844) if name == "next_stop" else None
    report = chromium.open(path, viewport=phone)
    try:
        report.check_clean()
        page = report.page
        assert page.locator(".leaflet-overlay-pane path").count() > 0  # outlines drawn
        if plan is not None:
            assert page.locator(".milo-stop").count() == len(plan["visits"])
        if name != "next_stop":
            assert page.locator("#milo-legend").is_visible()
            assert "Sources" in page.locator("#milo-legend").inner_text()
        shot = chromium.screenshot(report, f"{name}.png")
        _record(name, path, report.load_s, shot)
        report.check_clean()
    finally:
        report.page.close()


def _overlay(page, text: str):
    return page.locator(".leaflet-control-layers-overlays label", has_text=text).locator("input")


def test_week_layers_toggle_and_popup_opens(chromium, pages):
    path, plan = pages["itinerary"]
    report = chromium.open(path)
    page = report.page
    try:
        total = len(plan["visits"])
        week2 = sum(v["date"] >= "2025-09-08" for v in plan["visits"])
        _overlay(page, "Semaine 2").click()
        assert page.locator(".milo-stop").count() == total - week2
        _overlay(page, "Semaine 2").click()
        assert page.locator(".milo-stop").count() == total
        paths = page.locator(".leaflet-overlay-pane path").count()
        _overlay(page, "Classes FRR").click()
        assert page.locator(".leaflet-overlay-pane path").count() > paths
        page.locator(".milo-stop-icon").first.dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        assert "Arrêt n° 1" in popup.inner_text() and "Créneau" in popup.inner_text()
        chromium.screenshot(report, "itinerary_popup_frr.png")
        report.check_clean()
    finally:
        page.close()


def test_coverage_layers_toggle(chromium, pages):
    path, _ = pages["coverage"]
    report = chromium.open(path)
    page = report.page
    try:
        _overlay(page, "Partenaires par type").click()
        assert page.locator(".marker-cluster").count() > 0
        _overlay(page, "Temps d'accès").click()
        _overlay(page, "Besoin").click()
        chromium.screenshot(report, "coverage_access_partners.png")
        page.locator(".leaflet-overlay-pane path").nth(5).click(force=True)
        report.check_clean()
    finally:
        page.close()


def test_comparison_popup_shows_suppressed_cells(chromium, pages):
    path, _ = pages["comparison"]
    report = chromium.open(path)
    page = report.page
    try:
        for i in range(page.locator(".leaflet-overlay-pane path").count()):
            page.locator(".leaflet-overlay-pane path").nth(i).click(force=True)
            text = page.locator(".leaflet-popup-content").inner_text()
            if "< 11" in text:
                break
        else:
            pytest.fail("aucune fenêtre ne montre « < 11 »")
        chromium.screenshot(report, "comparison_popup.png")
        report.check_clean()
    finally:
        page.close()
