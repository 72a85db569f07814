"""In Chromium at 390x844 (and 1366x768): the public page and a stop page, without login: no
JS error, no failed request, no request to another host, axe-core clean; the page weight
(bytes on the wire, gzip included) is written to ``tests/artifacts/web/public-weight.json``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.api.web.browser import (  # noqa: F401  (fixtures)
    AXE_REPORT,
    DESKTOP,
    PHONE,
    SHOTS,
    browser,
    chromium,
    webapp,
    write_axe_report,
)

pytestmark = pytest.mark.browser
CM = "creusot-montceau"


@pytest.fixture(scope="module")
def plan(webapp) -> str:  # noqa: F811
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    return webapp.published_plan(CM, start=monday.isoformat(), weeks=2)


@pytest.mark.parametrize("size", ["telephone", "bureau"])
def test_the_public_page_is_light_clean_and_accessible(browser, plan, size):  # noqa: F811
    visit = browser.visit(PHONE if size == "telephone" else DESKTOP)
    page = visit.page
    wire: list[int] = []
    page.on(
        "requestfinished",
        lambda r: wire.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]),
    )
    visit.goto(f"/public/{CM}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Où trouver")
    page.locator("#carte-publique .field-map-stop").first.wait_for()
    markers = page.locator("#carte-publique .field-map-stop").count()
    listed = page.locator("ul.public-sessions .public-number").count()
    assert 0 < markers <= listed
    assert page.locator("#carte-publique img.leaflet-tile").count() == 0
    visit.check(f"public-{size}", report=AXE_REPORT)
    if size == "telephone":
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "public-weight.json").write_text(
            json.dumps({"requests": len(wire), "bytes": sum(wire)}), encoding="utf-8"
        )
    page.locator("ul.public-sessions a").first.click()
    page.wait_for_url("**/arrets/**")
    assert page.get_by_role("heading", level=2, name="Prochaines dates").count() == 1
    visit.check(f"public-arret-{size}", report=AXE_REPORT)
    page.context.close()
    write_axe_report()


@pytest.mark.parametrize("size", ["telephone", "bureau"])
def test_the_manager_opens_the_week_s_kit(browser, plan, size):  # noqa: F811
    visit = browser.logged_in("manager", PHONE if size == "telephone" else DESKTOP)
    page = visit.page
    visit.goto(f"/tournees/{plan}")
    page.get_by_role("link", name="Kit de communication de la semaine 1").click()
    page.wait_for_url("**/kit?semaine=1")
    images = page.locator(".kit-images img")
    assert images.count() == 2
    for k in range(2):
        images.nth(k).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(k).element_handle()
        )
    assert (
        "Cette semaine, la Mission Locale"
        in page.get_by_label("Texte à coller avec les images").input_value()
    )
    assert page.locator("#affiches + p + ul a").count() > 0
    visit.check(f"kit-{size}", report=AXE_REPORT)
    page.context.close()
    write_axe_report()
