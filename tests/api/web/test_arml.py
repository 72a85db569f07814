"""The ARML's pages (``api.web.routes.arml``): the comparison as a sortable French table with
its CSV and Excel downloads; the outcomes and seasons from the recorded activity, suppressed;
the regional report as PDF; nothing of it for a manager or a conseiller."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.maps.kit.pdf_tools import pdf_text

HEADER = "À moins de 20 min d&#39;un lieu fixe (%)"


@pytest.fixture
def recorded(app_client, api_manager, published_plan):
    """Six sessions of the published plan with their counts (36 repérés in all)."""
    for visit in published_plan["plan"]["visits"][:6]:
        r = app_client.post(
            f"/plans/{published_plan['id']}/visits/{visit['id']}/activity",
            json={"contacts": 12, "reperes": 6, "mobilises": 3},
            headers=api_manager,
        )
        assert r.status_code in (200, 201), r.text
    r = app_client.put(
        "/territories/creusot-montceau/outcomes/2025-05/vehicule_itinerant",
        json={"mobilises": 18, "pacea": 12, "emploi": 13, "duree_moins_3_mois": 18},
        headers=api_manager,
    )
    assert r.status_code in (200, 201), r.text
    return published_plan


def test_the_comparison_is_a_sortable_french_table(as_person, published_plan):
    arml = as_person("arml")
    page = arml.get("/region/comparaison")
    assert page.status_code == 200, page.text
    assert HEADER in page.text and "Jeunes de 16 à 25 ans (estimés) (milliers)" in page.text
    assert 'aria-sort="ascending"' in page.text
    rows = page.text.split("<tbody>", 1)[1]
    assert rows.rfind("Total région") > rows.rfind("Creusot-Montceau")  # the total stays last
    down = arml.get("/region/comparaison?tri=young_total&ordre=desc").text.split("<tbody>")[1]
    assert down.index("Creusot-Montceau") < down.index("Marches de Bourgogne")
    up = arml.get("/region/comparaison?tri=young_total&ordre=asc").text.split("<tbody>")[1]
    assert up.index("Marches de Bourgogne") < up.index("Creusot-Montceau")
    assert "stops_mairie" not in page.text and "13727.29" not in page.text
    csv = arml.get("/region/comparaison.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    first = csv.content.decode("utf-8-sig").splitlines()[0]
    assert first.startswith("Territoire;Jeunes de 16 à 25 ans (estimés) (milliers);")
    xlsx = arml.get("/region/comparaison.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Comparaison"]
    assert sheet.cell(1, 1).value == "Territoire"
    assert [c.value for c in sheet["A"]][-1] == "Total région"


def test_outcomes_seasons_and_the_report_from_the_store(as_person, recorded, tmp_path):
    arml = as_person("arml")
    page = arml.get("/region/parcours")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Du premier contact à la situation, par territoire" in text
    assert "Activité par mois" in text and "Lieux partenaires par type" in text
    assert "&lt; 11" in text  # a territory with no record: its counts are hidden
    assert text.count('<img class="report-chart"') == 2
    funnel = text.split('id="t-parcours"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="row">Entrées en dispositif</th><td>12</td>' in funnel
    assert '<th scope="row">Situations à l&#39;issue</th><td>13</td>' in funnel
    csv = arml.get("/region/parcours/parcours_territoires.csv")
    assert csv.status_code == 200 and "Jeunes repérés" in csv.content.decode("utf-8-sig")
    assert arml.get("/region/parcours/inconnu.csv").status_code == 404
    pdf = arml.get("/region/bilan.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "bilan.pdf"
    path.write_bytes(pdf.content)
    assert "Aller vers les jeunes : bilan régional" in pdf_text(path)
    assert "Jeunes repérés" in pdf_text(path)


def test_no_activity_yet_is_said_in_french(as_person, published_plan):
    arml = as_person("arml")
    page = arml.get("/region/parcours")
    assert page.status_code == 200 and "Aucune activité saisie" in page.text
    pdf = arml.get("/region/bilan.pdf")
    assert pdf.status_code == 404 and "Aucune activité saisie" in pdf.text


@pytest.mark.parametrize("who", ["manager", "conseiller"])
def test_the_arml_pages_are_not_for_the_territories(as_person, who):
    client = as_person(who)
    for url in ("/region/comparaison", "/region/parcours", "/region/bilan.pdf",
                "/region/comparaison.csv"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_the_map_of_any_indicator_names_and_scales(as_person, published_plan):
    import html
    import json

    arml = as_person("arml")
    page = arml.get("/region/carte?indicateur=share_30min_with_van")
    assert page.status_code == 200, page.text
    text = page.text
    assert "À moins de 30 min avec le véhicule (%)" in text
    raw = text.split('<script type="application/json" id="carte-region-data">', 1)[1]
    data = json.loads(html.unescape(raw.split("</script>", 1)[0]))
    names = {f["properties"]["name"] for f in data["territories"]["features"]}
    assert names == {"Creusot-Montceau", "Marches de Bourgogne"}
    assert all(f["properties"]["colour"].startswith("#") for f in data["territories"]["features"])
    assert 'class="legend-swatch"' in text and " %</li>" in text
    assert '<th scope="row">Creusot-Montceau</th>' in text  # the same values, as a table
    other = arml.get("/region/carte?indicateur=inconnu")  # an unknown one: the first indicator
    assert other.status_code == 200 and 'value="young_total" selected' in other.text
    assert as_person("manager").get("/region/carte").status_code == 403
