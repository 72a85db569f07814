"""Every approach on the maps: a marker shape per kind with a legend entry each, popups and the
phone card saying the kind, the approach and « Équipe » or « Véhicule », team days dotted;
screenshots at desktop and phone sizes in /tmp/shots-out/ (looked at by hand)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from geo_data.demo import load_demo_territory
from maps.assets import external_urls, render_offline
from maps.itinerary import itinerary_map
from maps.next_stop import next_stop_page, next_visit
from maps.sessions import TEAM_DASH, TEAM_ROUTE
from planner.errors import NotFoundError
from planner.fleet import Van
from planner.session_labels import resource_label
from tests.approach_plan import every_kind_plan
from tests.maps.conftest import page_markup
from tests.maps.test_itinerary import contains

SHOTS = Path("/tmp/shots-out")
SIZES = {"bureau": (1366, 768), "telephone": (390, 844)}


@pytest.fixture(scope="module")
def creusot():
    """Creusot-Montceau with the plan's team on foot (the plan file carries its id only)."""
    t = load_demo_territory("creusot-montceau")
    team = Van(id="equipe-1", base=t.bases[0].id, kind="equipe", mode="pied")
    return dataclasses.replace(t, vans=(*t.vans, team))


@pytest.fixture(scope="module")
def plan():
    return every_kind_plan().to_json()


@pytest.fixture(scope="module")
def html(plan, creusot):
    return page_markup(render_offline(itinerary_map(plan, creusot)))


def test_resource_label_says_team_or_van_and_a_team_s_mode() -> None:
    assert resource_label("equipe", "equipe-1", "pied") == "Équipe equipe-1 (à pied)"
    assert resource_label("equipe", "equipe-1") == "Équipe equipe-1"
    assert resource_label("vehicule", "van-1", "voiture") == "Véhicule van-1"


def test_one_marker_shape_per_kind_and_a_legend_entry_each(plan, html):
    for kind in ("commune", "partenaire", "maraude", "evenement"):
        assert html.count(f"milo-stop-icon milo-kind-{kind}") == 1, kind
        assert f'class="milo-kind-sample {kind}"' in html, kind
    for label in ("Arrêt du véhicule", "Séance chez un partenaire", "Maraude", "Événement"):
        assert contains(html, f"{label} (1 visite)"), label
    assert external_urls(html) == []


def test_popups_say_kind_approach_and_who_holds_the_session(html):
    assert "<th>Équipe</th><td>Équipe equipe-1 (à pied)</td>" in html
    assert "<th>Véhicule</th><td>Véhicule van-1</td>" in html
    assert "<th>Démarche</th><td>Repérage par les acteurs de proximité</td>" in html
    assert "<th>Type de séance</th><td>Maraude</td>" in html
    assert "<th>Lieu privé</th><td>oui : lieu exact à ne pas diffuser</td>" in html
    assert "Séance n° 2 — Maraude quartier du Bois du Verne" in html
    assert contains(html, "Véhicule van-1") and contains(html, "Équipe equipe-1 (à pied)")


def test_team_days_are_dotted_and_van_days_dashed(html):
    assert f'"dashArray": "{TEAM_DASH}"' in html and '"dashArray": "8 6"' in html
    assert contains(html, TEAM_ROUTE)
    assert "milo-route milo-route-team" in html


def test_without_the_territory_a_team_is_named_without_its_mode(plan):
    html = page_markup(render_offline(itinerary_map(plan, None)))
    assert "<th>Équipe</th><td>Équipe equipe-1</td>" in html
    assert "(à pied)" not in html


def test_phone_card_of_a_team_says_the_session_and_the_team(plan, creusot):
    now = dt.datetime(2026, 3, 2, 12, 0)
    assert next_visit(plan, now=now, van="equipe-1")["stop_id"] == "m3"
    page = next_stop_page(plan, now=now, van="equipe-1", territory=creusot)
    for text in (
        "Prochaine séance : Maraude quartier du Bois du Verne",
        "<dt>Type de séance</dt><dd>Maraude</dd>",
        "<dt>Démarche</dt><dd>Maraude</dd>",
        "<dt>Équipe</dt><dd>Équipe equipe-1 (à pied)</dd>",
    ):
        assert text in page, text
    van = next_stop_page(plan, now=now, van="van-1", territory=creusot)
    assert "<dt>Véhicule</dt><dd>Véhicule van-1</dd>" in van
    assert "Prochaine séance : Forum de l&#x27;emploi" in van


def test_no_session_left_for_a_team_names_the_team(plan):
    with pytest.raises(NotFoundError, match="Aucune visite à venir pour l'équipe equipe-1"):
        next_visit(plan, now=dt.datetime(2026, 4, 1), van="equipe-1")
    with pytest.raises(NotFoundError, match="pour le véhicule ou l'équipe fantome"):
        next_visit(plan, now=dt.datetime(2026, 4, 1), van="fantome")


@pytest.mark.browser
def test_screenshots_at_desktop_and_phone_sizes(chromium, plan, creusot, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "carte": render_offline(itinerary_map(plan, creusot)),
        "prochaine-seance-equipe": next_stop_page(
            plan, now=dt.datetime(2026, 3, 2, 8, 0), van="equipe-1", territory=creusot
        ),
    }
    for name, text in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        for size_name, size in SIZES.items():
            report = chromium.open(path, viewport=size)
            report.check_clean()
            page = report.page
            assert page.locator(".milo-kind-maraude, .milo-kind-partenaire").count() >= 1
            if name == "carte":
                legend = page.locator("#milo-legend").bounding_box()
                assert legend is not None
                # the legend leaves most of the map visible, even on a phone
                assert legend["width"] * legend["height"] < 0.5 * size[0] * size[1]
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / f"{name}-{size_name}.png"))
            if name == "carte" and size_name == "telephone":  # folded: one tap unfolds it
                assert not page.locator("#milo-legend .src").first.is_visible()
                page.locator("#milo-legend summary").click()
                assert page.locator("#milo-legend .src").first.is_visible()
                page.screenshot(path=str(SHOTS / "carte-telephone-legende.png"))
            if name == "carte" and size_name == "bureau":
                page.locator(".milo-kind-maraude").dispatch_event("click")
                popup = page.locator(".leaflet-popup-content")
                popup.wait_for(state="visible")
                assert "Équipe equipe-1 (à pied)" in popup.inner_text()
                assert "espace public du quartier" in popup.inner_text()
                page.wait_for_timeout(600)  # the popup's fade-in
                page.screenshot(path=str(SHOTS / "carte-bureau-popup-maraude.png"))
            page.close()
