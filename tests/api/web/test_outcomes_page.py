"""The « Suites des parcours » section of the manager's Activité page: the form stores a row,
a refused row shows its French problems next to the fields and keeps what was typed, the CSRF
token is required, a CSV upload reports line by line, and only the territory's manager sees
and writes the section."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from api.service.clock import get_now
from api.service.db import outcomes_repo
from tests.api.service.conftest import CM
from tests.api.web.conftest import csrf_of, post_form

NOW = dt.datetime(2024, 4, 15, 10, 0, tzinfo=dt.UTC)
PAGE = f"/territoires/{CM}/activite"
SAVE = f"/territoires/{CM}/suites-parcours"
IMPORT = SAVE + "/import"
FORM = {"mois": "2024-03", "demarche": "maraude", "mobilises": "10", "pacea": "3", "emploi": "2"}


@pytest.fixture(autouse=True)
def _clock(app_client):
    app_client.app.dependency_overrides[get_now] = lambda: NOW
    yield
    app_client.app.dependency_overrides.pop(get_now, None)


def stored(client) -> dict[tuple[str, str], object]:
    with client.app.state.milo.db.session() as s:
        rows = outcomes_repo.list_outcomes(s, CM)
        return {(f"{r.month:%Y-%m}", r.approach): r for r in rows}


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_manager_s_page_has_the_section_with_labelled_fieldsets(as_person):
    r = as_person("manager").get(PAGE)
    assert r.status_code == 200
    html = r.text
    assert '<h2 id="suites-titre">Suites des parcours (par mois)</h2>' in html
    for legend in ("Entrées en dispositif", "Situations", "Durée du parcours"):
        assert f"<legend>{legend}</legend>" in html
    assert '<label for="suites-cej_ft">CEJ France Travail (ex Pôle emploi)</label>' in html
    assert '<label for="suites-duree_plus_24_mois">Plus de 24 mois</label>' in html
    assert 'type="month" id="suites-mois" name="mois" required max="2024-04"' in html
    assert "Aucune suite de parcours enregistrée" in html
    assert 'enctype="multipart/form-data"' in html and 'name="fichier"' in html


def test_the_conseiller_does_not_see_nor_write_the_section(as_person):
    conseiller = as_person("conseiller")
    assert "suites-titre" not in conseiller.get(PAGE).text
    r = post_form(conseiller, SAVE, FORM)
    assert r.status_code == 403 and "Le rôle conseiller ne peut pas" in text_of(r.text)
    r = post_form(as_person("manager_mb"), SAVE, FORM)
    assert r.status_code == 403
    assert stored(conseiller) == {}


def test_the_form_stores_a_row_and_lists_it(as_person):
    manager = as_person("manager")
    r = post_form(manager, SAVE, FORM | {"duree_moins_3_mois": "4", "duree_3_6_mois": "6"})
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    assert "Suites de mars 2024 · Maraude enregistrées." in page
    assert "mars 2024 Maraude 10 3 2 moins de 3 mois : 4, de 3 à 6 mois : 6" in page
    row = stored(manager)["2024-03", "maraude"]
    assert (row.mobilises, row.pacea, row.emploi, row.cej_ml, row.duree_6_12_mois) == (
        10,
        3,
        2,
        0,
        None,
    )
    assert row.recorded_user is not None and row.recorded_by is None
    r = post_form(manager, SAVE, FORM | {"mobilises": "12"})  # the same month again: corrected
    assert "corrigées (révision 2)" in text_of(r.text)
    assert "non renseignées" in text_of(r.text)
    corrected = manager.get(f"{SAVE}/2024-03/maraude")  # « Corriger » fills the form
    assert 'id="suites-mobilises" name="mobilises"' in corrected.text
    assert (
        'name="mobilises" min="0" max="10000" step="1" inputmode="numeric" required value="12"'
        in (corrected.text)
    )
    r = post_form(manager, f"{SAVE}/2024-03/maraude/effacer")
    assert r.status_code == 200 and "Suites de mars 2024 · Maraude supprimées." in text_of(r.text)
    assert stored(manager) == {}


def test_a_refused_row_shows_its_problems_and_keeps_the_typed_values(as_person):
    manager = as_person("manager")
    typed = FORM | {"mobilises": "3", "pacea": "2", "cej_ml": "2", "duree_moins_3_mois": "1"}
    r = post_form(manager, SAVE, typed)
    assert r.status_code == 422
    html, page = r.text, text_of(r.text)
    assert "Suites refusées, rien n'a été enregistré" in page
    assert "4 entrées en dispositif pour 3 mobilisés : au plus une par jeune mobilisé." in page
    assert "Durées de parcours : 1 jeunes répartis par durée pour 3 mobilisés" in page
    assert 'aria-describedby="suites-aide-dispositifs suites-erreur-dispositifs"' in html
    assert 'id="suites-erreur-dispositifs"' in html and 'id="suites-erreur-durees"' in html
    assert 'aria-describedby="suites-aide-situations"' in html  # no error there
    for name, value in typed.items():
        if name not in ("mois", "demarche"):
            assert f'name="{name}" min="0" max="10000" step="1" inputmode="numeric"' in html
            assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    assert '<option value="maraude" selected>' in html and 'value="2024-03"' in html
    assert stored(manager) == {}


@pytest.mark.parametrize(
    ("changes", "expected", "described"),
    [
        (
            {"mois": "2023-13"},
            "Mois « 2023-13 » inexistant : le mois va de 01 à 12, reçu 13.",
            "ligne",
        ),
        ({"mois": "2024-06"}, "Mois juin 2024 à venir", "ligne"),
        ({"mobilises": ""}, "Jeunes mobilisés : nombre attendu (0 si aucun).", "mobilises"),
        ({"pacea": "2,5"}, "PACEA : nombre entier de 0 à 10000 attendu, reçu « 2,5 ».", "pacea"),
        ({"demarche": "porte-a-porte"}, "Démarche « porte-a-porte » inconnue", "ligne"),
    ],
)
def test_each_field_says_what_is_wrong_next_to_it(as_person, changes, expected, described):
    manager = as_person("manager")
    r = post_form(manager, SAVE, FORM | changes)
    assert r.status_code == 422
    assert expected in text_of(r.text)
    assert f'aria-describedby="suites-erreur-{described}"' in r.text
    assert f'id="suites-erreur-{described}"' in r.text
    assert stored(manager) == {}


def test_a_post_without_the_csrf_token_is_refused(as_person):
    manager = as_person("manager")
    r = manager.post(SAVE, data=FORM)
    assert r.status_code == 403 and "CSRF" in r.text
    post_form(manager, SAVE, FORM)
    assert manager.post(f"{SAVE}/2024-03/maraude/effacer").status_code == 403
    data = b"month;approach;mobilises\n2024-01;maraude;1\n"
    r = manager.post(IMPORT, files={"fichier": ("s.csv", data, "text/csv")})
    assert r.status_code == 403
    assert list(stored(manager)) == [("2024-03", "maraude")]


def upload(client, data: bytes, name: str = "suites.csv"):
    page = client.get(PAGE)
    fields = {"csrf": csrf_of(page.text)}
    return client.post(IMPORT, data=fields, files={"fichier": (name, data, "text/csv")})


def test_a_csv_upload_reports_each_refused_line(as_person):
    manager = as_person("manager")
    data = "\n".join(
        (
            "month;approach;mobilises;pacea;emploi",
            "2024-01;maraude;10;3;2",
            "2024-13;maraude;1;;",
            "2024-02;lieu_tiers;2;5;",
            "2024-02;evenements;4;;1",
        )
    ).encode()
    r = upload(manager, data)
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    assert "Import de « suites.csv » : 2 lignes ajoutées, 0 mise à jour, 2 refusées." in page
    assert "Ligne 3 2024-13 maraude Mois « 2024-13 » inexistant" in page
    assert "Ligne 4 2024-02 lieu_tiers 5 entrées en dispositif pour 2 mobilisés" in page
    assert set(stored(manager)) == {("2024-01", "maraude"), ("2024-02", "evenements")}
    assert "janvier 2024 Maraude 10 3 2 non renseignées" in page


def test_a_csv_with_an_unknown_column_is_refused_whole(as_person):
    manager = as_person("manager")
    r = upload(manager, b"month;approach;mobilises;prenom\n2024-01;maraude;1;Julie\n")
    assert r.status_code == 422
    page = text_of(r.text)
    assert (
        "Fichier « suites.csv » refusé : Suites de parcours (suites.csv) refusées : "
        "colonne(s) inconnue(s) : prenom" in page
    )
    assert stored(manager) == {}
