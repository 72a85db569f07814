"""Every page of every role's navigation, in Chromium at desktop and phone sizes, on a store with
a published plan: no JavaScript error, no failed request, no request to another host, axe-core
without serious or critical violation; a screenshot of each (``tests/artifacts/web/``)."""

from __future__ import annotations

import re

import pytest

from tests.api.web.browser import (  # noqa: F401  (fixtures)
    AXE_REPORT,
    SIZES,
    browser,
    chromium,
    webapp,
    write_axe_report,
)

pytestmark = pytest.mark.browser
NAV = "nav[aria-label='Navigation principale'] .main-nav a[href^='/']"


def shot_name(path: str) -> str:
    path = re.sub(r"[0-9a-f]{32}", "plan", path)  # one screenshot a page, not one a run
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil"


@pytest.fixture(scope="module")
def published(webapp):  # noqa: F811
    return webapp.published_plan()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("who", ["manager", "conseiller", "arml", "admin"])
def test_every_page_of_the_navigation_is_clean_and_accessible(browser, published, who, size):  # noqa: F811
    visit = browser.logged_in(who, SIZES[size])
    links = visit.page.eval_on_selector_all(NAV, "els => els.map(e => e.getAttribute('href'))")
    assert links, "aucun lien de navigation"
    pages = [*links, f"/tournees/{published}"] if who == "manager" else links
    for path in dict.fromkeys(pages):
        answer = visit.goto(path)
        assert answer.status == 200, (path, answer.status)
        assert visit.page.locator("h1").count() == 1, path
        visit.check(f"{who}-{shot_name(path)}-{size}", report=AXE_REPORT)
    write_axe_report()
