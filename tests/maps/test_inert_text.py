"""User text on every map is inert: the injection corpus in every text field of a territory
and a plan (commune, partner, host, stop, base and territory names, why, notes) is shown as
written, creates no element, opens no dialog and raises no JavaScript error in chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import folium
import pytest

from maps.activity import activity_map
from maps.assets import render_offline, write_html
from maps.comparison import comparison_map
from maps.coverage import coverage_map
from maps.itinerary import itinerary_map
from maps.next_stop import next_stop_map
from maps.safe_text import SafePopup, SafeTooltip, unsafe_elements
from maps.writers import write_comparison, write_coverage, write_itinerary, write_next_stop
from planner.territory import Territory
from planner.workflows.comparison import synthetic_territory_activity
from planner.workflows.map_inputs import coverage_inputs
from tests.maps.conftest import make_plan, page_markup
from tests.maps.injection import CORPUS, EVALUATED, INJECTED_SELECTOR, poisoned
from tests.maps.test_browser import _region

NOW = dt.datetime(2025, 9, 2, 8, 0)


@pytest.fixture(scope="module")
def bad_territory(marches: Territory) -> Territory:
    communes = marches.communes.copy()
    communes["name"] = [poisoned(i) + f" {i}" for i in range(len(communes))]
    partners = marches.partners.copy()
    partners["name"] = [poisoned(i + 3) for i in range(len(partners))]
    bases = tuple(dataclasses.replace(b, name=poisoned(i)) for i, b in enumerate(marches.bases))
    return dataclasses.replace(
        marches, name=CORPUS[2], communes=communes, partners=partners, bases=bases
    )


@pytest.fixture(scope="module")
def bad_plan(bad_territory: Territory) -> dict[str, Any]:
    plan = make_plan(bad_territory, weeks=1)
    for i, visit in enumerate(plan["visits"]):
        visit["to_check"] = poisoned(i + 5)
    first = plan["visits"][0]
    plan["stops"] = [
        {
            "stop_id": first["stop_id"],
            "stop_name": first["stop_name"],
            "visits": 1,
            "frequency": CORPUS[3],
            "regular": True,
            "why": list(CORPUS),
        }
    ]
    return plan


def _coverage(territory: Territory, plan: dict[str, Any]) -> folium.Map:
    inputs = coverage_inputs(territory, plan)
    return coverage_map(
        territory, need=inputs.need, access_min=inputs.access_min, stops=inputs.stops
    )


def _maps(territory: Territory, plan: dict[str, Any]) -> dict[str, folium.Map]:
    act = synthetic_territory_activity(territory, end=dt.date(2025, 6, 30), seed=1)
    shapes, table = _region([territory, dataclasses.replace(territory, id="autre")])
    shapes["name"] = [CORPUS[7], CORPUS[2]]
    return {
        "itinerary": itinerary_map(plan, territory),
        "coverage": _coverage(territory, plan),
        "activity": activity_map(territory, act, synthetic=True),
        "comparison": comparison_map(shapes, table, indicator="part_20min"),
        "next_stop": next_stop_map(plan, now=NOW, territory=territory),
    }


def test_no_map_splices_text_into_a_template_literal(bad_territory, bad_plan):
    for name, m in _maps(bad_territory, bad_plan).items():
        assert unsafe_elements(m) == [], name


def test_text_is_never_evaluated_as_a_template(bad_territory, bad_plan):
    """branca parses each script it renders as a second Jinja template: a name holding
    ``{{ ... }}`` was evaluated on the server (here ``42``; any Python through ``cycler``)."""
    for name, m in _maps(bad_territory, bad_plan).items():
        page = page_markup(render_offline(m))
        assert EVALUATED not in page, name
        assert "{{ 6*7 }}-evalue" in page or "\\u007b{ 6*7 }}-evalue" in page, name


def test_safe_tooltip_and_popup_pass_text_as_json_strings():
    m = folium.Map(tiles=None)
    marker = folium.Marker([47.0, 4.0], tooltip=SafeTooltip(CORPUS[2]))
    marker.add_child(SafePopup("<b>x</b>")).add_to(m)
    html = m.get_root().render()
    assert "</script><svg" not in html  # the page's script goes on
    # in a JSON string (double quotes), `${...}` is text, not a template substitution
    assert '.bindTooltip("\\u003cdiv\\u003e\\u0026lt;/script\\u0026gt;' in html


@pytest.fixture(scope="module")
def bad_pages(tmp_path_factory, bad_territory, bad_plan) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inert")
    plan_path = root / "plan.json"
    import json

    plan_path.write_text(json.dumps(bad_plan))
    shapes, table = _region([bad_territory, dataclasses.replace(bad_territory, id="autre")])
    shapes["name"] = [CORPUS[7], CORPUS[2]]
    act = synthetic_territory_activity(bad_territory, end=dt.date(2025, 6, 30), seed=1)
    return {
        "itinerary": write_itinerary(plan_path, root / "itinerary.html", territory=bad_territory),
        "coverage": write_coverage(bad_territory, root / "coverage.html", plan=bad_plan),
        "activity": write_html(activity_map(bad_territory, act), root / "activity.html"),
        "comparison": write_comparison(
            shapes, table, root / "comparison.html", indicator="part_20min"
        ),
        "next_stop": write_next_stop(
            bad_plan, root / "next.html", now=NOW, territory=bad_territory
        ),
    }


#: Opens every popup and tooltip of every Leaflet map of the page (markers, outlines, routes).
_OPEN_ALL = """() => {
  let opened = 0;
  const open = f => { try { f(); opened++; } catch (e) { /* a group without a position */ } };
  for (const key of Object.keys(window)) {
    const m = window[key];
    if (!(m instanceof L.Map)) continue;
    const layers = [];
    m.eachLayer(l => layers.push(l));
    for (const l of layers) {
      if (l.getPopup && l.getPopup()) open(() => l.openPopup());
      if (l.getTooltip && l.getTooltip()) open(() => l.openTooltip());
      for (const p of Object.values(l._eventParents || {})) {
        if (p.getTooltip && p.getTooltip()) open(() => p.openTooltip(l));
        if (p.getPopup && p.getPopup()) open(() => p.openPopup(l));
      }
    }
  }
  return opened;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ["itinerary", "coverage", "activity", "comparison", "next_stop"])
def test_injection_corpus_is_inert_in_chromium(chromium, bad_pages, name):
    dialogs: list[str] = []
    report = chromium.open_with(bad_pages[name], on_dialog=dialogs.append)
    page = report.page
    try:
        assert page.evaluate(_OPEN_ALL) > 0
        page.wait_for_timeout(200)
        assert dialogs == [], f"boîtes de dialogue ouvertes : {dialogs}"
        injected = page.locator(INJECTED_SELECTOR).count()
        assert injected == 0, f"{injected} élément(s) injecté(s)"
        report.check_clean()
        assert page.locator(".leaflet-container").is_visible()
        shown = page.evaluate("() => document.body.innerText")
        assert any(text in shown for text in CORPUS), "aucun texte du corpus affiché tel quel"
    finally:
        page.close()
