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
