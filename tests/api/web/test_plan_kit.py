"""The communication kit from the workbench (``api.web.routes.plan_kit``): the week's images,
text, posters and partner sheets of the published plan; the QR code of a poster leads to the
stop's public page, which answers; a draft has no kit; managers of the territory only."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from PIL import Image

from tests.api.web.conftest import make_plan
from tests.maps.kit.pdf_tools import decode_qr, pdf_text


@pytest.fixture
def kit_page(as_person, published_plan):
    manager = as_person("manager")
    url = f"/tournees/{published_plan['id']}/kit?semaine=1"
    return manager, manager.get(url), published_plan


def test_the_kit_page_shows_the_post_and_lists_posters(kit_page):
    manager, page, plan = kit_page
    assert page.status_code == 200, page.text
    text = page.text
    assert "<h1>Kit de communication · semaine 1</h1>" in text
    assert "📍 Cette semaine, la Mission Locale Creusot-Montceau" in text
    visits = plan["plan"]["visits"]
    stops = {v["stop_id"] for v in visits if not v.get("private")}
    assert text.count(f'href="/tournees/{plan["id"]}/kit/semaine-1/affiches/') == len(stops)
    img = manager.get(f"/tournees/{plan['id']}/kit/semaine-1/semaine-1-carre.png")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(img.content)) as png:
        assert png.size == (1080, 1080)


def test_the_zip_holds_the_kit_and_the_qr_leads_to_a_page_that_answers(kit_page, tmp_path):
    manager, _, plan = kit_page
    r = manager.get(f"/tournees/{plan['id']}/kit/semaine-1.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = z.namelist()
        posters = [n for n in names if n.startswith("affiches/")]
        assert {"semaine-1-carre.png", "semaine-1-story.png", "semaine-1-texte.txt"} <= set(names)
        assert "LISEZMOI.txt" in names and posters
        pdf = tmp_path / "affiche.pdf"
        pdf.write_bytes(z.read(posters[0]))
    url = decode_qr(pdf)
    assert url.startswith("https://testserver/public/creusot-montceau/arrets/")
    stop = manager.get(url.removeprefix("https://testserver"))
    assert stop.status_code == 200
    name = [v for v in plan["plan"]["visits"] if url.endswith("/" + v["stop_id"])][0]
    assert name["stop_name"] in pdf_text(pdf)


def test_a_draft_has_no_kit_and_others_are_refused(as_person, app_client, api_manager):
    draft = make_plan(app_client, api_manager)
    manager = as_person("manager")
    r = manager.get(f"/tournees/{draft['id']}/kit?semaine=1")
    assert r.status_code == 409 and "se prépare depuis le plan publié" in r.text
    page = manager.get(f"/tournees/{draft['id']}").text
    assert "publiez ce plan pour les mettre à jour" in page


def test_only_the_territory_s_manager_gets_the_kit(as_person, published_plan):
    url = f"/tournees/{published_plan['id']}/kit?semaine=1"
    assert as_person("conseiller").get(url).status_code == 403
    assert as_person("manager_mb").get(url).status_code == 403


def test_a_week_out_of_the_plan_and_an_unknown_file(kit_page):
    manager, _, plan = kit_page
    r = manager.get(f"/tournees/{plan['id']}/kit?semaine=3")
    assert r.status_code == 422 and "Semaine 3 absente du plan" in r.text
    r = manager.get(f"/tournees/{plan['id']}/kit/semaine-1/absent.pdf")
    assert r.status_code == 404 and "absent du kit" in r.text


def test_pdf_tools_are_installed():
    assert subprocess.run(["pdftotext", "-v"], capture_output=True).returncode == 0
