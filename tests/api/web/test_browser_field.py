"""In Chromium at 390x844 (and 1366x768): the conseiller's phone app. A conseiller logs in,
sees « Aujourd'hui » with the next session of the published plan, the network goes off, the
week still shows (service worker cache), a session report entered offline waits « en
attente », goes « envoyé » when the network returns, and is stored exactly once. axe-core on
each phone page, no JS error, no failed request, no other host."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from api.service.db.models import VisitRow
from api.service.jobs.compute import job_inputs
from api.service.territory_store import TerritoryCache
from tests.api.web.browser import (  # noqa: F401  (fixtures)
    AXE_REPORT,
    DESKTOP,
    PHONE,
    browser,
    chromium,
    webapp,
    write_axe_report,
)
from tests.api.web.test_field_report import stored_counts

pytestmark = pytest.mark.browser
CM = "creusot-montceau"


def last_monday() -> dt.date:
    today = dt.date.today()
    return today - dt.timedelta(days=today.weekday() + 7)


@pytest.fixture(scope="module")
def plan(webapp) -> str:  # noqa: F811
    """A published two-week plan of CM from the Monday of last week: its first sessions are
    held (they take a report), the next ones are today or coming."""
    return webapp.published_plan(CM, start=last_monday().isoformat(), weeks=2)


def held_visit(webapp, plan_id: str) -> VisitRow:  # noqa: F811
    db = webapp.store()
    try:
        with db.session() as s:
            q = select(VisitRow).where(VisitRow.__table__.c.plan_id == plan_id)
            visits = sorted(s.scalars(q), key=lambda v: (v.date, v.start_s, v.van))
            s.expunge_all()
            return visits[0]
    finally:
        db.dispose()


def stored(webapp, visit_id: int) -> tuple[int, int]:  # noqa: F811
    db = webapp.store()
    try:
        return stored_counts(db, visit_id)
    finally:
        db.dispose()


def expected_at(webapp, visit: VisitRow) -> tuple[float, float]:  # noqa: F811
    """(repérés, contacts) per session the next plan job expects at the visit's place and
    month, computed by the job's own inputs (:func:`job_inputs`) on the app's store."""
    db = webapp.store()
    try:
        inputs = job_inputs(
            TerritoryCache(db), CM, start=dt.date.today(), weeks=1, options={}, s=None
        )
        return inputs.expected.per_session(str(visit.commune), visit.date.month)
    finally:
        db.dispose()


def test_the_phone_app_works_offline_and_sends_the_report_once(browser, webapp, plan):  # noqa: F811
    visit = held_visit(webapp, plan)
    before = expected_at(webapp, visit)
    conseiller = browser.logged_in("conseiller", PHONE)
    page = conseiller.page
    assert page.url.endswith("/terrain")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Aujourd'hui")
    next_stop = page.locator(".field-next")
    assert next_stop.count() == 1
    assert (
        next_stop.get_by_role("link", name="Waze")
        .get_attribute("href")
        .startswith("https://waze.com/ul?ll=")
    )
    conseiller.check("terrain-aujourdhui-telephone", report=AXE_REPORT)
    # the service worker takes the page over, then the pages are opened once online
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    conseiller.goto("/terrain/semaine")
    assert page.get_by_role("heading", level=1).inner_text().startswith("La semaine")
    conseiller.check("terrain-semaine-telephone", report=AXE_REPORT)
    conseiller.goto(f"/terrain/seances/{visit.id}/bilan")
    conseiller.check("terrain-bilan-telephone", report=AXE_REPORT)
    conseiller.goto("/terrain")
    # the outlines come from /terrain/donnees.json after the page's load: once drawn, the
    # service worker has kept the data
    page.locator("#carte-jour path.field-map-commune").first.wait_for()

    page.context.set_offline(True)
    conseiller.goto("/terrain")
    # the day map opens offline: numbered stops and the commune outlines, no tile
    page.locator("#carte-jour .field-map-stop").first.wait_for()
    page.locator("#carte-jour path.field-map-commune").first.wait_for()
    assert page.locator("#carte-jour img.leaflet-tile").count() == 0
    conseiller.failed.clear()
    conseiller.check("terrain-aujourdhui-hors-ligne-telephone", report=AXE_REPORT)
    conseiller.goto("/terrain/semaine")
    assert page.get_by_role("heading", level=1).inner_text().startswith("La semaine")
    assert "Mis à jour le" in page.locator(".field-updated").inner_text()
    page.locator("#etat-reseau").get_by_text("Hors ligne").wait_for()
    conseiller.failed.clear()  # what the offline phone could not fetch (favicon...)
    conseiller.check("terrain-semaine-hors-ligne-telephone", report=AXE_REPORT)

    conseiller.goto(f"/terrain/seances/{visit.id}/bilan")
    form = page.locator("form[data-report-form]")
    form.get_by_role("button", name="Contacts : un de plus").click()
    form.get_by_role("button", name="Contacts : un de plus").click()
    form.get_by_role("button", name="Contacts : un de plus").click()
    assert form.get_by_label("Contacts", exact=True).input_value() == "3"
    # a busy session, well above what the place gave so far
    form.get_by_label("Contacts", exact=True).fill("40")
    form.get_by_label("Repérés", exact=True).fill("30")
    form.get_by_label("Mobilisés", exact=True).fill("8")
    form.get_by_role("button", name="Envoyer le bilan").click()
    page.locator("#file-bilans li.pending").get_by_text("Bilan en attente").wait_for()
    assert stored(webapp, visit.id) == (0, 0)
    conseiller.failed.clear()
    conseiller.check("terrain-bilan-en-attente-telephone", report=AXE_REPORT)

    page.context.set_offline(False)
    page.locator("#file-bilans li.sent").get_by_text("Bilan envoyé").wait_for(timeout=20000)
    assert "révision 1" in page.locator("#file-bilans li.sent").inner_text()
    assert page.evaluate("() => localStorage.getItem('milo-bilans')") == "[]"
    assert stored(webapp, visit.id) == (1, 1)
    # the loop closes: the next plan learns from the report at that place
    after = expected_at(webapp, visit)
    assert after != before and after[0] > before[0], (before, after)
    # the page reloaded online sends nothing again
    conseiller.goto(f"/terrain/seances/{visit.id}/bilan")
    page.wait_for_timeout(500)
    assert stored(webapp, visit.id) == (1, 1)
    assert "Bilan déjà enregistré (révision 1" in page.locator("main").inner_text()
    conseiller.failed.clear()
    conseiller.check("terrain-bilan-envoye-telephone", report=AXE_REPORT)
    page.context.close()
    write_axe_report()


def test_the_phone_pages_at_desktop_size(browser, webapp, plan):  # noqa: F811
    visit = held_visit(webapp, plan)
    conseiller = browser.logged_in("conseiller", DESKTOP)
    conseiller.check("terrain-aujourdhui-bureau", report=AXE_REPORT)
    conseiller.goto("/terrain/semaine")
    conseiller.check("terrain-semaine-bureau", report=AXE_REPORT)
    conseiller.goto(f"/terrain/seances/{visit.id}/bilan")
    conseiller.check("terrain-bilan-bureau", report=AXE_REPORT)
    conseiller.page.context.close()
    write_axe_report()
