"""In Chromium, at desktop and phone sizes: the manager plans a week from the form, follows
the job's progress to the draft (HTMX polling, then ``HX-Redirect``), reads its week, map,
KPIs and print sheet, cancels one date (a re-plan whose draft lists the change) and publishes
it; the plans' history. axe-core, no JS error, no request to another host."""

from __future__ import annotations

import re

import pytest

from tests.api.service.conftest import CM
from tests.api.web import browser as harness
from tests.api.web.browser import browser, chromium, webapp  # noqa: F401  (fixtures)

AXE_REPORT, SIZES = harness.AXE_REPORT, harness.SIZES

pytestmark = pytest.mark.browser
DRAFT = re.compile(r".*/tournees/[0-9a-f]{32}$")


def plan_from_form(visit, start: str = "2025-05-05") -> str:
    visit.goto(f"/territoires/{CM}/planifier")
    page = visit.page
    page.get_by_label("Premier jour (de préférence un lundi)").fill(start)
    page.get_by_label("Nombre de semaines (1 à 8)").fill("1")
    page.get_by_label("Limite de calcul, en secondes").fill("1")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/progression")
    page.wait_for_url(DRAFT, timeout=60000)
    return page.url.rsplit("/", 1)[1]


@pytest.mark.parametrize("size", list(SIZES))
def test_plan_follow_cancel_a_date_and_publish(browser, size):  # noqa: F811
    visit = browser.logged_in("manager", SIZES[size], then=f"/territoires/{CM}/planifier")
    visit.check(f"planifier-{size}", report=AXE_REPORT)
    # a refused form keeps what was typed and says why, in French
    visit.page.get_by_label("Nombre de semaines (1 à 8)").fill("0")
    visit.page.get_by_role("button", name="Lancer le calcul").click()
    alert = visit.page.get_by_role("alert")
    assert "Nombre de semaines" in alert.inner_text()
    assert visit.page.get_by_label("Nombre de semaines (1 à 8)").input_value() == "0"
    visit.errors.clear()  # the 422 answer of the form
    visit.check(f"planifier-erreur-{size}", report=AXE_REPORT)

    plan_id = plan_from_form(visit)
    page = visit.page
    assert "brouillon" in page.get_by_role("heading", level=1).inner_text()
    frame = page.frame_locator("iframe.map-frame")
    assert harness.stop_markers(frame) > 0
    visit.check(f"plan-{size}", report=AXE_REPORT)

    page.get_by_label("Jour affiché").select_option("2025-05-06")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r".*jour=2025-05-06"))
    page.wait_for_load_state("load")
    day_visits = page.locator("[data-visit-id]").count()
    assert 0 < harness.stop_markers(frame) < day_visits
    visit.check(f"plan-jour-{size}", report=AXE_REPORT)

    visit.goto(f"/tournees/{plan_id}/feuille?semaine=1")
    visit.check(f"feuille-{size}", report=AXE_REPORT)

    visit.goto(f"/tournees/{plan_id}")
    first = page.locator("[data-visit-id]").first
    name = first.locator("strong").inner_text()
    first.locator("summary").click()
    # a move is checked on the spot (HTMX), with the French reason when refused
    first.get_by_label("Date", exact=True).fill("2025-05-08")
    verdict = first.get_by_role("status")
    verdict.get_by_text("Déplacement impossible").wait_for()
    assert "jour férié" in verdict.inner_text()
    visit.check(f"plan-deplacer-{size}", report=AXE_REPORT)
    first.get_by_label("Motif").select_option("meteo")
    first.get_by_role("button", name="Annuler cette date").click()
    page.wait_for_url("**/progression")
    page.wait_for_url(DRAFT, timeout=60000)
    assert page.url.rsplit("/", 1)[1] != plan_id
    changes = page.locator("#changements").locator("xpath=..")
    assert "visite annulée" in changes.inner_text() and name in changes.inner_text()
    assert "météo" in changes.inner_text()
    visit.check(f"plan-replan-{size}", report=AXE_REPORT)

    page.get_by_role("button", name=re.compile("^Publier la version")).click()
    page.wait_for_load_state("load")
    assert "publié" in page.get_by_role("heading", level=1).inner_text()
    visit.goto(f"/territoires/{CM}/plans")
    visit.check(f"plans-{size}", report=AXE_REPORT)
    harness.write_axe_report()
