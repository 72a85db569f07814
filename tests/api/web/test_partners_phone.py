"""The reception's public phone on the manager's partner pages: the form's optional field with
the API's rule, its French message on a bad number, the list's call link, the import page."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests.api.service.conftest import CM
from tests.api.web.conftest import post_form
from tests.api.web.test_partners import FORM, LIST, NEW, create, stored

LABEL = "Téléphone de l'accueil (standard public, jamais un numéro personnel)"


def test_the_form_has_the_optional_phone_field(as_person):
    html = as_person("manager").get(NEW).text
    assert f'<label for="p-phone">{LABEL}</label>' in html
    field = html.split('id="p-phone"', 1)[1].split(">", 1)[0]
    assert 'name="phone" type="tel"' in field and "required" not in field


def test_a_phone_typed_in_any_accepted_form_is_stored_and_listed_as_a_call_link(as_person):
    client = as_person("manager")
    key = create(client, phone="+33 3.85.55.01.02")
    assert stored(client, key).phone == "03 85 55 01 02"
    row = client.get(LIST).text.split(f'id="p-{key}"', 1)[1].split("</tr>", 1)[0]
    assert (
        '<a href="tel:+33385550102" aria-label="Appeler Centre social du Tennis au '
        '03 85 55 01 02">03 85 55 01 02</a>'
    ) in row
    edit = client.get(f"{LIST}/{key}").text  # the partner's page shows it to edit
    assert 'value="03 85 55 01 02"' in edit.split('id="p-phone"', 1)[1].split(">", 1)[0]


def test_without_phone_the_list_says_not_given(as_person):
    client = as_person("manager")
    key = create(client)
    assert stored(client, key).phone is None
    row = client.get(LIST).text.split(f'id="p-{key}"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="phone">non renseigné</td>' in row


def test_the_demo_town_hall_lists_its_switchboard(as_person):
    row = as_person("manager").get(LIST).text.split('id="p-mairie-71153"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert (
        '<a href="tel:+33385775959" aria-label="Appeler Mairie du Creusot au 03 85 77 59 59">'
        in row
    )


@pytest.mark.parametrize("typed", ["06 12", "06 12 34 56 78 90", "+32 2 555 12 34", "mairie"])
def test_a_bad_phone_marks_its_field_keeps_every_value_and_stores_nothing(as_person, typed):
    client = as_person("manager")
    before = len(stored(client))
    r = post_form(client, NEW, FORM | {"phone": typed})
    assert r.status_code == 422
    assert 'id="err-phone"' in r.text and 'aria-invalid="true"' in r.text
    message = (
        f"valeur « {typed} » illisible (attendu un numéro français à 10 chiffres commençant par 0"
    )
    assert str(escape(f"Téléphone de l'accueil : {message}")) in r.text  # the page's summary
    error = r.text.split('id="err-phone"', 1)[1].split("</small>", 1)[0]
    assert str(escape(message)) in error
    assert f'value="{escape(typed)}"' in r.text and f'value="{FORM["name"]}"' in r.text
    assert len(stored(client)) == before


def test_the_import_page_names_the_telephone_column(as_person):
    html = as_person("manager").get(f"/territoires/{CM}/partenaires/import").text
    assert "<code>telephone</code> : téléphone de l&#39;accueil du lieu" in html
