"""The manager's whole week in one browser, at desktop and phone sizes: import a partner file
with a refused line, plan four weeks and follow the progress, read a week and a day's map, cancel
a date, move another visit (checked on the spot), see both changes in the re-planned drafts,
publish, download the ICS; a conseiller and another territory's manager are refused.
axe-core and a screenshot on each step, no JavaScript error, no request to another host."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from sqlalchemy import func, select

from api.service.db.models import VisitRow
from tests.api.service.conftest import CM
from tests.api.web import browser as harness
from tests.api.web.browser import browser, chromium, webapp  # noqa: F401  (fixtures)

AXE_REPORT, SIZES = harness.AXE_REPORT, harness.SIZES

pytestmark = pytest.mark.browser
DRAFT = re.compile(r".*/tournees/[0-9a-f]{32}$")
START = dt.date(2025, 9, 1)  # la rentrée: one of the best periods of the year
WEEKS = 4


def planned_visits(app, plan_id: str) -> int:
    """The visits the store holds for a plan (what the calendar must list)."""
    db = app.store()
    try:
        with db.session() as s:
            return s.scalar(
                select(func.count()).select_from(VisitRow).where(VisitRow.plan_id == plan_id)
            )
    finally:
        db.dispose()


def import_partners(visit, tmp_path, size: str) -> None:
    visit.goto(f"/territoires/{CM}/partenaires/import")
    path = tmp_path / f"partenaires-{size}.csv"
    path.write_text(
        "id;name;type;lon;lat\n"
        f"parcours-{size};Centre social du Tennis;centre_social;4.4195;46.8030\n"
        "parcours-mauvais;Salle des fêtes;salle;4.43;46.80\n",
        encoding="utf-8",
    )
    visit.page.get_by_label("Fichier de partenaires").set_input_files(str(path))
    visit.page.get_by_role("button", name="Importer").click()
    visit.page.wait_for_load_state("load")
    status = visit.page.get_by_role("status").inner_text()
    assert "1 partenaire ajouté, 0 mis à jour, 1 ligne refusée." in status, status
    refused = visit.page.locator("table tbody tr").first.inner_text()
    assert "parcours-mauvais" in refused and "salle" in refused
    visit.check(f"parcours-import-{size}", report=AXE_REPORT)


def plan_four_weeks(visit, size: str) -> str:
    visit.goto(f"/territoires/{CM}/planifier")
    page = visit.page
    page.get_by_label("Premier jour (de préférence un lundi)").fill(START.isoformat())
    page.get_by_label("Nombre de semaines (1 à 8)").fill(str(WEEKS))
    page.get_by_label("Limite de calcul, en secondes").fill("2")
    # a capped team leaves free half-days to move a visit into
    page.locator("#van-0-sessions").fill("6")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/progression")
    assert page.get_by_role("heading", level=1).count() == 1
    visit.check(f"parcours-progression-{size}", report=AXE_REPORT)
    page.wait_for_url(DRAFT, timeout=90000)
    return page.url.rsplit("/", 1)[1]


def replanned(visit, before: str) -> str:
    visit.page.wait_for_url("**/progression")
    visit.page.wait_for_url(DRAFT, timeout=90000)
    after = visit.page.url.rsplit("/", 1)[1]
    assert after != before
    return after


def move_somewhere(visit, size: str) -> str:
    """Move a visit of the capped team to the first half-day the on-the-spot check accepts;
    the name of the moved stop."""
    page = visit.page
    for card in page.locator("[data-visit-id]").all():
        form = card.locator("form.move-form")
        if card.locator(".badge.locked").count() or form.count() == 0:
            continue
        card.locator("summary").click()
        here = (
            form.get_by_label("Date", exact=True).input_value(),
            form.get_by_label("Créneau").input_value(),
        )
        for offset in range(5):
            for slot in ("matin", "apres-midi"):
                there = ((START + dt.timedelta(days=offset)).isoformat(), slot)
                if there == here:
                    continue
                # both fields at once, then the one change event the form listens to
                form.evaluate(
                    """(f, [day, slot]) => {
                        f.querySelector('[role=status]').textContent = '';
                        f.elements.to_date.value = day; f.elements.to_slot.value = slot;
                        f.elements.to_date.dispatchEvent(new Event('change', {bubbles: true}));
                    }""",
                    list(there),
                )
                verdict = form.get_by_role("status")
                verdict.get_by_text(
                    re.compile("Ce déplacement tient|Déplacement impossible")
                ).wait_for()
                if "Ce déplacement tient" in verdict.inner_text():
                    name = card.locator(":scope > strong").inner_text()
                    visit.check(f"parcours-deplacer-{size}", report=AXE_REPORT)
                    form.get_by_role("button", name="Déplacer et re-planifier").click()
                    return name
        card.locator("summary").click()
    raise AssertionError("aucun déplacement possible dans la première semaine")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_managers_week_from_import_to_calendar(browser, webapp, tmp_path, size):  # noqa: F811
    visit = browser.logged_in("manager", SIZES[size])
    import_partners(visit, tmp_path, size)
    first = plan_four_weeks(visit, size)
    page = visit.page
    assert "brouillon" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("table.week").count() >= 1
    assert page.locator("[data-visit-id]").count() > 0
    visit.check(f"parcours-plan-{size}", report=AXE_REPORT)

    day = (START + dt.timedelta(days=1)).isoformat()
    page.get_by_label("Jour affiché").select_option(day)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(f".*jour={day}"))
    page.wait_for_load_state("load")
    frame = page.frame_locator("iframe.map-frame")
    assert harness.stop_markers(frame) > 0
    visit.check(f"parcours-jour-{size}", report=AXE_REPORT)

    # cancel a date: the re-planned draft lists it with its reason
    visit.goto(f"/tournees/{first}")
    card = page.locator("[data-visit-id]").first
    cancelled = card.locator(":scope > strong").inner_text()
    card.locator("summary").click()
    card.get_by_label("Motif").select_option("meteo")
    card.get_by_role("button", name="Annuler cette date").click()
    second = replanned(visit, first)
    changes = page.locator("#changements").locator("xpath=..").inner_text()
    assert "visite annulée" in changes and cancelled in changes and "météo" in changes

    # move another visit to a free half-day: the next draft lists the move
    moved = move_somewhere(visit, size)
    third = replanned(visit, second)
    changes = page.locator("#changements").locator("xpath=..").inner_text()
    assert "visite déplacée" in changes and moved in changes, changes
    visit.check(f"parcours-replan-{size}", report=AXE_REPORT)

    page.get_by_role("button", name=re.compile("^Publier la version")).click()
    page.wait_for_load_state("load")
    assert "publié" in page.get_by_role("heading", level=1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Calendrier (.ics)").click()
    with open(download.value.path(), "rb") as ics:
        events = icalendar.Calendar.from_ical(ics.read()).walk("VEVENT")
    assert len(events) == planned_visits(webapp, third) > 0
    dates = {e.decoded("DTSTART").date() for e in events}
    assert min(dates) >= START and max(dates) < START + dt.timedelta(weeks=WEEKS)
    visit.check(f"parcours-publie-{size}", report=AXE_REPORT)

    # the published plan is not for everyone to change
    for who, path, why in (
        ("conseiller", f"/territoires/{CM}/planifier", "Seul un responsable du territoire"),
        ("manager_mb", f"/tournees/{third}", "votre compte est rattaché au territoire marches"),
    ):
        other = browser.logged_in(who, SIZES[size])
        answer = other.goto(path)
        assert answer.status == 403, (who, path, answer.status)
        assert "Accès refusé" in other.page.get_by_role("heading", level=1).inner_text()
        assert why in other.page.locator("main").inner_text()
        other.errors.clear()  # the 403 answer itself
        other.check(f"parcours-refus-{who}-{size}", report=AXE_REPORT)
    harness.write_axe_report()
