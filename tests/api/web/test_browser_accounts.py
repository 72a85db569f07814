"""In Chromium, at desktop and phone sizes: the login page, a wrong password, logging in to each
role's home, the French 403 page, logging out. axe-core, no JS error, no other host."""

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


@pytest.mark.parametrize("size", list(SIZES))
def test_login_wrong_password_home_403_and_logout(browser, size):  # noqa: F811
    visit = browser.visit(SIZES[size])
    visit.goto("/")
    assert visit.page.url.endswith("/connexion")
    visit.check(f"connexion-{size}", report=AXE_REPORT)
    visit.page.get_by_label("Adresse e-mail").fill("julien.conseiller@ml-creusot.fr")
    visit.page.get_by_label("Mot de passe").fill("pas le bon")
    visit.page.get_by_role("button", name="Se connecter").click()
    alert = visit.page.get_by_role("alert")
    assert "Adresse e-mail ou mot de passe incorrect" in alert.inner_text()
    visit.errors.clear()  # the 401 answer of the form is logged by the console
    visit.check(f"connexion-erreur-{size}", report=AXE_REPORT)
    visit.page.close()

    conseiller = browser.logged_in("conseiller", SIZES[size])
    assert conseiller.page.url.endswith("/terrain")
    conseiller.check(f"terrain-{size}", report=AXE_REPORT)
    conseiller.goto("/territoires/creusot-montceau/equipe")
    assert conseiller.page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    conseiller.errors.clear()  # the 403 itself
    conseiller.check(f"acces-refuse-{size}", report=AXE_REPORT)
    conseiller.page.get_by_role("button", name="Se déconnecter").click()
    conseiller.page.wait_for_url("**/connexion")
    conseiller.goto("/terrain")
    assert "/connexion" in conseiller.page.url

    manager = browser.logged_in("manager", SIZES[size], then="/territoires/creusot-montceau/equipe")
    assert manager.page.url.endswith("/equipe")
    manager.check(f"equipe-{size}", report=AXE_REPORT)
    write_axe_report()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_conseiller_creates_changes_and_revokes_the_calendar_feed(browser, size):  # noqa: F811
    conseiller = browser.logged_in("conseiller", SIZES[size], then="/compte")
    page = conseiller.page
    page.get_by_role("button", name="Créer mon agenda").click()
    address = page.get_by_label("Adresse de votre agenda", exact=False)
    address.wait_for()
    url = address.input_value()
    assert "/agenda/" in url and url.endswith(".ics")
    link = page.get_by_role("button", name="S'abonner avec l'agenda de cet appareil")
    assert link.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    page.locator("#agenda").scroll_into_view_if_needed()
    conseiller.check(f"compte-agenda-{size}", report=AXE_REPORT)
    feed = page.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    conseiller.goto("/compte")
    page.get_by_role("button", name="Changer l'adresse").click()
    address.wait_for()
    assert address.input_value() != url
    assert page.request.get(url).status == 404
    conseiller.errors.clear()  # none expected from the page; the 404 was a direct request
    conseiller.goto("/compte")
    page.get_by_role("button", name="Révoquer").click()
    page.get_by_text("Agenda révoqué").wait_for()
    conseiller.check(f"compte-agenda-revoque-{size}", report=AXE_REPORT)
    write_axe_report()
