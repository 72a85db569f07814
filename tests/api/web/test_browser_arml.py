"""In Chromium at 1366x768: the ARML logs in, sees the comparison table and sorts it, maps an
indicator, opens the outcomes and the month chart, downloads the CSV and the regional report
(PDF); axe-core clean; no manager page is reachable."""

from __future__ import annotations

import httpx
import pytest

from tests.api.web.browser import (  # noqa: F401  (fixtures)
    AXE_REPORT,
    DESKTOP,
    browser,
    chromium,
    manager_headers,
    webapp,
    write_axe_report,
)

pytestmark = pytest.mark.browser
CM = "creusot-montceau"


@pytest.fixture(scope="module")
def recorded(webapp) -> str:  # noqa: F811
    """A published plan of 2025 with the counts of its first eight sessions."""
    plan_id = webapp.published_plan(CM)
    headers = manager_headers(webapp.db_url, CM)
    plan = httpx.get(f"{webapp.url}/plans/{plan_id}", headers=headers, timeout=30).json()
    for visit in plan["plan"]["visits"][:8]:
        r = httpx.post(
            f"{webapp.url}/plans/{plan_id}/visits/{visit['id']}/activity",
            json={"contacts": 14, "reperes": 7, "mobilises": 3},
            headers=headers,
            timeout=30,
        )
        assert r.status_code in (200, 201), r.text
    return plan_id


def test_the_arml_journey(browser, recorded, tmp_path):  # noqa: F811
    visit = browser.logged_in("arml", DESKTOP)
    page = visit.page
    assert page.url.endswith("/region")
    page.get_by_role("link", name="Comparaison des territoires").first.click()
    page.wait_for_url("**/region/comparaison")
    table = page.locator("table.comparison")
    assert table.locator("tbody tr").count() >= 3
    visit.check("arml-comparaison", report=AXE_REPORT)
    page.get_by_role("link", name="Jeunes de 16 à 25 ans (estimés) (milliers)").click()
    page.wait_for_url("**tri=young_total**")
    assert page.locator("th[aria-sort]").inner_text().startswith("Jeunes de 16 à 25 ans")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (CSV)").click()
    path = tmp_path / "comparaison.csv"
    download.value.save_as(path)
    assert path.read_text(encoding="utf-8-sig").startswith("Territoire;")
    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_url("**/region/carte")
    page.get_by_label("Indicateur").select_option("share_30min_fixed")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**indicateur=share_30min_fixed")
    page.locator("#carte-region .leaflet-overlay-pane path").first.wait_for()
    assert page.locator("#carte-region .region-label").count() >= 2  # the territories named
    visit.check("arml-carte", report=AXE_REPORT)
    page.get_by_role("link", name="Parcours et saisons").first.click()
    page.wait_for_url("**/region/parcours")
    assert page.get_by_role("heading", name="Du premier contact à la situation, par territoire")
    page.wait_for_function(
        "[...document.querySelectorAll('img.report-chart')].every(i => i.naturalWidth > 0)"
    )
    visit.check("arml-parcours", report=AXE_REPORT)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le bilan régional (PDF)").click()
    pdf = tmp_path / "bilan.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    for url in (f"/territoires/{CM}", f"/territoires/{CM}/planifier", f"/tournees/{recorded}",
                f"/territoires/{CM}/partenaires", "/terrain"):  # fmt: skip
        response = page.goto(f"{browser.origin}{url}")
        assert response is not None and response.status == 403, url
    page.context.close()
    write_axe_report()
