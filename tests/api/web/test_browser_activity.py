"""In Chromium, at desktop and phone sizes: the « Activité » page of a published plan (a row
entered inline through HTMX, a refused entry, the totals refreshed, a week locked and unlocked)
and the « Journal » page.
axe-core, no JS error, no failed request, no other host."""

from __future__ import annotations

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
CM = "creusot-montceau"
PAGE = f"/territoires/{CM}/activite"


@pytest.fixture(scope="module")
def plan(webapp) -> str:  # noqa: F811
    """A published plan of CM from Monday 5 May 2025 (all its sessions in the past); its id."""
    return webapp.published_plan(CM)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_manager_enters_and_corrects_a_row_and_reads_the_journal(browser, plan, size):  # noqa: F811
    manager = browser.logged_in("manager", SIZES[size], then=PAGE)
    page = manager.page
    assert page.get_by_role("heading", level=1).inner_text().startswith("Activité")
    manager.check(f"activite-{size}", report=AXE_REPORT)
    before = int(page.locator("#totaux dd").first.inner_text())
    row = page.locator("tbody tr", has=page.get_by_role("button", name="Saisir")).first
    row_id = row.get_attribute("id")
    row.get_by_role("button", name="Saisir").click()
    form = page.locator(f"#{row_id} form")
    form.wait_for()
    assert page.evaluate("() => document.activeElement.name") == "contacts"  # autofocus
    form.get_by_label("Contacts").fill("3")
    form.get_by_label("Repérés").fill("1")
    form.get_by_label("Mobilisés").fill("5")
    form.get_by_role("button", name="Enregistrer").click()
    alert = page.locator(f"#{row_id} [role=alert]")
    alert.wait_for()
    assert "comptes incohérents" in alert.inner_text()
    assert form.get_by_label("Mobilisés").input_value() == "5"  # kept
    manager.errors.clear()  # the 422 answer of the refused form is logged by the console
    manager.check(f"activite-refus-{size}", report=AXE_REPORT)
    form.get_by_label("Mobilisés").fill("2")
    form.get_by_role("button", name="Enregistrer").click()
    page.locator(f"#{row_id} .row-notice").wait_for()
    assert page.locator(f"#{row_id} td.num").first.inner_text() == "3"
    page.wait_for_function(
        "n => document.querySelector('#totaux dd').textContent.trim() === String(n)",
        arg=before + 3,
    )
    manager.check(f"activite-saisie-{size}", report=AXE_REPORT)
    # correct it, then erase it (after the confirmation dialog)
    page.locator(f"#{row_id}").get_by_role("button", name="Corriger").click()
    form.get_by_label("Contacts").fill("4")
    form.get_by_role("button", name="Enregistrer").click()
    page.locator(f"#{row_id} .row-notice").wait_for()
    assert "révision 2" in page.locator(f"#{row_id}").inner_text()
    page.locator(f"#{row_id}").get_by_role("button", name="Corriger").click()
    form.get_by_role("button", name="Effacer la saisie").click()
    page.get_by_text("Saisie effacée.").wait_for()
    assert "à saisir" in page.locator(f"#{row_id}").inner_text()
    page.wait_for_function(  # the totals refreshed after the erase
        "n => document.querySelector('#totaux dd').textContent.trim() === String(n)",
        arg=before,
    )
    assert manager.dialogs and "Effacer les comptes" in manager.dialogs[-1]
    manager.goto(f"/territoires/{CM}/journal")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Journal")
    actions = [c.strip() for c in page.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert actions[:3] == ["activité supprimée", "activité corrigée", "activité saisie"]
    manager.check(f"journal-{size}", report=AXE_REPORT)
    manager.page.close()

    conseiller = browser.logged_in("conseiller", SIZES[size], then=PAGE)
    assert conseiller.page.url.endswith(PAGE)
    conseiller.check(f"activite-conseiller-{size}", report=AXE_REPORT)
    conseiller.goto(f"/territoires/{CM}/journal")
    assert conseiller.page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    conseiller.errors.clear()  # the 403 itself
    conseiller.page.close()
    write_axe_report()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_manager_locks_and_unlocks_a_week(browser, plan, size):  # noqa: F811
    manager = browser.logged_in("manager", SIZES[size], then=PAGE)
    page = manager.page
    open_rows = page.get_by_role("button", name="Saisir").count()
    page.get_by_role("button", name="Verrouiller la semaine").first.click()
    page.get_by_role("button", name="Déverrouiller").first.wait_for()
    locked_rows = page.locator("tbody .week-locked").count()
    assert locked_rows > 0
    assert page.get_by_role("button", name="Saisir").count() == open_rows - locked_rows
    page.locator("section.week-locks").scroll_into_view_if_needed()
    manager.check(f"activite-verrouillee-{size}", report=AXE_REPORT)

    conseiller = browser.logged_in("conseiller", SIZES[size], then=PAGE)
    assert conseiller.page.get_by_role("button", name="Déverrouiller").count() == 0
    assert "semaine verrouillée" in conseiller.page.locator("section.week-locks").inner_text()
    conseiller.page.locator("section.week-locks").scroll_into_view_if_needed()
    conseiller.check(f"activite-verrouillee-conseiller-{size}", report=AXE_REPORT)
    conseiller.page.close()

    page.get_by_role("button", name="Déverrouiller").first.click()
    page.get_by_role("button", name="Verrouiller la semaine").first.wait_for()
    assert page.get_by_role("button", name="Saisir").count() == open_rows
    manager.page.close()
    write_axe_report()
