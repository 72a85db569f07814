"""In Chromium, at desktop and phone sizes: the territory page (its framed need map, the need
table sorted by a header link), the partner list filtered with HTMX and its map, the form's
point placed from the commune, a partner added then deleted after the confirmation. axe-core,
no JS error, no failed request, no other host."""

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
LIST = f"/territoires/{CM}/partenaires"


@pytest.mark.parametrize("size", list(SIZES))
def test_territory_page_with_its_need_map_and_sorted_table(browser, size):  # noqa: F811
    visit = browser.logged_in("manager", SIZES[size])
    assert visit.page.url.endswith(f"/territoires/{CM}")
    frame = visit.page.frame_locator("iframe.map-frame")
    frame.locator(".leaflet-container").wait_for()
    assert frame.locator("path.leaflet-interactive").count() > 30  # the communes, shaded
    visit.check(f"territoire-{size}", report=AXE_REPORT)
    visit.page.get_by_role("link", name="Commune", exact=True).click()
    visit.page.wait_for_load_state("load")
    assert "tri=commune" in visit.page.url
    first = visit.page.locator(".need-table tbody th").first.inner_text()
    assert first.startswith("Blanzy")
    header = visit.page.locator('.need-table th[aria-sort="ascending"]')
    assert header.inner_text().startswith("Commune")
    visit.clean()
    write_axe_report()


@pytest.mark.parametrize("size", list(SIZES))
def test_partner_list_filter_form_point_and_delete(browser, size):  # noqa: F811
    visit = browser.logged_in("manager", SIZES[size], then=LIST)
    page = visit.page
    page.locator("#partners-map .leaflet-interactive").first.wait_for()
    markers = "#partners-map path.leaflet-interactive[fill='#0b62a4']"
    assert page.locator(markers).count() == 39
    visit.check(f"partenaires-{size}", report=AXE_REPORT)
    # HTMX: choosing a type refreshes the list and the map without reloading the page
    page.evaluate("() => { window.__kept = true; }")
    page.get_by_label("Type de partenaire").select_option("france_services")
    page.wait_for_function(
        "() => document.querySelectorAll('#partenaires-liste tbody tr').length === 5"
    )
    assert page.evaluate("() => window.__kept === true") and "type=france_services" in page.url
    page.wait_for_function(f'() => document.querySelectorAll("{markers}").length === 5')
    visit.check(f"partenaires-filtre-{size}", report=AXE_REPORT)

    page.goto(browser.origin + f"{LIST}/nouveau")
    page.locator("#partner-point-map .leaflet-interactive").first.wait_for()
    visit.check(f"partenaire-nouveau-{size}", report=AXE_REPORT)
    name = f"Centre social du Tennis ({size})"
    page.get_by_label("Nom du lieu").fill(name)
    page.get_by_label("Type").select_option("centre_social")
    page.get_by_label("Commune").select_option("71153")
    # the marker comes to the commune's town hall, and the inputs follow
    assert page.locator("#partner-point-map .leaflet-marker-icon").count() == 1
    assert page.get_by_label("Longitude").input_value() == "4.427871"
    assert page.get_by_label("Latitude").input_value() == "46.805649"
    page.get_by_label("Lundi").fill("09:00-12:00 / 14:00-17:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("load")
    assert "fait=ajoute" in page.url
    status = page.get_by_role("status").inner_text()
    assert f"Partenaire « {name} » ajouté." in status
    row = page.locator("tr.highlight")
    assert name in row.inner_text()
    visit.check(f"partenaires-ajout-{size}", report=AXE_REPORT)

    row.get_by_role("button", name="Supprimer").click()
    page.wait_for_load_state("load")
    assert visit.dialogs and name in visit.dialogs[-1]
    assert (
        "fait=supprime" in page.url and name not in page.locator("#partenaires-liste").inner_text()
    )
    visit.clean()
    write_axe_report()


def test_bad_hours_in_the_browser_keep_the_typed_values(browser):  # noqa: F811
    visit = browser.logged_in("manager", SIZES["telephone"], then=f"{LIST}/nouveau")
    page = visit.page
    page.get_by_label("Nom du lieu").fill("Épicerie sociale")
    page.get_by_label("Type").select_option("epicerie_sociale")
    page.get_by_label("Commune").select_option("71306")
    page.get_by_label("Mardi").fill("9h à midi")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("load")
    assert "Horaires illisibles" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Mardi").input_value() == "9h à midi"
    assert page.get_by_label("Nom du lieu").input_value() == "Épicerie sociale"
    assert page.get_by_label("Type").input_value() == "epicerie_sociale"
    assert page.get_by_label("Mardi").get_attribute("aria-invalid") == "true"
    visit.errors.clear()  # the 422 answer of the form is logged by the console
    visit.check("partenaire-erreur-telephone", report=AXE_REPORT)
    write_axe_report()


@pytest.mark.parametrize("size", list(SIZES))
def test_import_a_file_shows_the_counts_and_the_refused_line(browser, tmp_path, size):  # noqa: F811
    visit = browser.logged_in("manager", SIZES[size], then=f"{LIST}/import")
    visit.check(f"partenaires-import-{size}", report=AXE_REPORT)
    path = tmp_path / "partenaires.csv"
    path.write_text(
        "id;name;type;lon;lat\n"
        f"imp-{size};Médiathèque de Blanzy;mediatheque;4.3878;46.7003\n"
        "imp-bad;Boulangerie;boulangerie;4.43;46.80\n",
        encoding="utf-8",
    )
    visit.page.get_by_label("Fichier de partenaires").set_input_files(str(path))
    visit.page.get_by_role("button", name="Importer").click()
    visit.page.wait_for_load_state("load")
    assert "1 partenaire ajouté, 0 mis à jour, 1 ligne refusée." in (
        visit.page.get_by_role("status").inner_text()
    )
    refused = visit.page.locator("table tbody tr").first.inner_text()
    assert refused.startswith("3") and "imp-bad" in refused and "boulangerie" in refused
    visit.check(f"partenaires-import-resultat-{size}", report=AXE_REPORT)
    write_axe_report()
