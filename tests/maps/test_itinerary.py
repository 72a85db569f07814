"""Itinerary map content (HTML level; the browser tests check the rendered page)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from html import escape as html_escape

import pytest
from jinja2.utils import htmlsafe_json_dumps

from maps.assets import external_urls, render_offline
from maps.itinerary import ESTIMATED, ROAD, itinerary_map
from planner.errors import InvalidPlanError, InvalidSpecError
from tests.maps.conftest import make_plan, page_markup


def contains(html: str, text: str) -> bool:
    """``text`` in the page, as HTML or as JSON-escaped script text (Jinja ``tojson``)."""
    forms = (text, html_escape(text), json.dumps(text)[1:-1], str(htmlsafe_json_dumps(text))[1:-1])
    return any(form in html for form in forms)


@pytest.fixture(scope="module")
def plan_html(marches):
    plan = make_plan(marches, weeks=2)
    return plan, render_offline(itinerary_map(plan, marches))


def test_one_numbered_marker_per_visit(plan_html):
    plan, html = plan_html
    assert html.count('class=\\"milo-stop\\"') + html.count('class="milo-stop"') == len(
        plan["visits"]
    )
    assert external_urls(html) == []


def test_layers_per_week_zones_and_sources(plan_html):
    _, html = plan_html
    for text in (
        "Semaine 1 (du 01/09/2025)",
        "Semaine 2 (du 08/09/2025)",
        "Classes FRR (France Ruralités Revitalisation)",
        "Quartiers prioritaires (QPV 2024)",
        "Communes (contours)",
        "© contributeurs OpenStreetMap",
        "IGN ADMIN EXPRESS",
        "DGCL",
        "ANCT",
        "Etalab",
    ):
        assert contains(html, text), text


def test_estimate_routes_are_dashed_and_labelled(plan_html):
    _, html = plan_html
    assert contains(html, ESTIMATED)
    assert '"dashArray": "8 6"' in html
    assert not contains(html, ROAD)


def test_road_geometry_is_drawn_solid(marches):
    plan = make_plan(marches, weeks=1, method="osm", geometry=True)
    html = render_offline(itinerary_map(plan, marches))
    assert contains(html, ROAD)
    assert '"dashArray": "8 6"' not in html
    first = plan["days"][0]["geometry"][1]
    assert f"{first[1]}, {first[0]}" in html  # lat, lon of an interior road vertex


def test_popup_holds_the_visit_essentials(plan_html, marches):
    plan, html = plan_html
    v = plan["visits"][0]
    for text in (
        "lundi 01/09/2025",
        "Matin",
        v["start"],
        v["host"],
        "Horaires de l&#x27;hôte",
        "FRR+",
        "Valeur de la visite",
    ):
        assert contains(html, text), text


def test_without_territory_still_draws_stops(marches):
    plan = make_plan(marches, weeks=1)
    plan["territory"] = "inconnu"
    html = render_offline(itinerary_map(plan, None))
    assert "Communes (contours)" not in html
    assert html.count("milo-stop-icon") == len(plan["visits"])


def test_colours_by_day_for_one_van(marches):
    plan = make_plan(marches, weeks=1)
    van = plan["visits"][0]["van"]
    plan["visits"] = [v for v in plan["visits"] if v["van"] == van]
    plan["days"] = [d for d in plan["days"] if d["van"] == van]
    html = render_offline(itinerary_map(plan, marches))
    assert contains(html, "Couleurs : jours") and contains(html, "Vendredi")


def test_bad_colour_choice(small_plan):
    with pytest.raises(InvalidSpecError, match="Couleurs par 'rouge' inconnu"):
        itinerary_map(small_plan, None, color_by="rouge")


def test_empty_plan_without_territory_is_refused(small_plan):
    plan = copy.deepcopy(small_plan)
    plan.update(visits=[], days=[], van_bases={})
    with pytest.raises(InvalidSpecError, match="Plan sans visite ni base"):
        itinerary_map(plan, None)


def test_popup_says_what_is_to_check_on_site(marches):
    plan = make_plan(marches, weeks=1)
    plan["visits"][0]["to_check"] = "stationnement à vérifier"
    html = page_markup(render_offline(itinerary_map(plan, marches)))
    assert contains(html, "Sur place") and contains(html, "stationnement à vérifier")
    # only the visit that has something to check shows the row
    assert html.count("<th>Sur place</th><td>stationnement à vérifier</td>") == 1
    assert html.count("<th>Sur place</th>") == 1


def test_popup_shows_why_the_stop_is_planned_escaped(marches):
    plan = make_plan(marches, weeks=1)
    first = plan["visits"][0]
    plan["stops"] = [
        {
            "stop_id": first["stop_id"], "stop_name": first["stop_name"], "visits": 1,
            "frequency": "toutes les deux semaines", "regular": True,
            "why": ["besoin 42,1 sur 100 (rang 3 sur 252 communes)", "<script>alert(1)</script>"],
        }
    ]  # fmt: skip
    html = render_offline(itinerary_map(plan, marches))
    assert contains(html, "Pourquoi")
    assert contains(html, "toutes les deux semaines")
    assert contains(html, html_escape("besoin 42,1 sur 100 (rang 3 sur 252 communes) ; "))
    assert "<script>alert(1)</script>" not in html
    assert contains(html, html_escape("<script>alert(1)</script>"))
    # a plan written before the stops table draws without the rows
    assert "Pourquoi" not in render_offline(itinerary_map(make_plan(marches, weeks=1), marches))


def test_a_stops_row_missing_its_keys_is_refused(marches):
    plan = make_plan(marches, weeks=1)
    plan["stops"] = [{"stop_id": plan["visits"][0]["stop_id"]}]
    with pytest.raises(InvalidPlanError, match=r"stops\[0\] sans stop_name"):
        itinerary_map(plan, marches)


def test_a_days_map_numbers_that_days_stops_only(marches, small_plan):
    day = dt.date(2025, 9, 9)  # Tuesday of week 2
    html = render_offline(itinerary_map(small_plan, marches, between=(day, day)))
    of_day = [v for v in small_plan["visits"] if v["date"] == day.isoformat()]
    assert 0 < len(of_day) < len(small_plan["visits"])
    assert html.count("milo-stop-icon") == len(of_day)
    assert contains(html, "mardi 09/09/2025") and contains(html, "Semaine 2 (du 08/09/2025)")
    assert not contains(html, "Semaine 1 (du 01/09/2025)")
    for n in range(1, len(of_day) + 1):
        assert f">{n}<" in html.replace("\\u003e", ">").replace("\\u003c", "<")


def test_a_weeks_map_and_an_empty_day(marches, small_plan):
    monday = dt.date(2025, 9, 1)
    week = render_offline(
        itinerary_map(small_plan, marches, between=(monday, monday + dt.timedelta(days=6)))
    )
    assert week.count("milo-stop-icon") == len(small_plan["visits"]) // 2
    assert contains(week, "du 01/09/2025 au 07/09/2025")
    sunday = dt.date(2025, 9, 7)  # no visit: the territory is drawn, no stop
    assert "milo-stop-icon" not in render_offline(
        itinerary_map(small_plan, marches, between=(sunday, sunday))
    ).replace(".milo-stop-icon", "")
    with pytest.raises(InvalidSpecError, match="la fin précède le début"):
        itinerary_map(small_plan, marches, between=(sunday, monday))
