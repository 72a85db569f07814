"""A partner's public phone: the one rule of every source, its form, and its ``tel:`` link."""

from __future__ import annotations

import pytest

from geo_data.phone import normalise_phone, official_phone, phone_href
from planner.errors import InvalidTerritoryError

WHERE = "Partenaires (p.csv) : ligne 2, colonne telephone"


@pytest.mark.parametrize(
    "typed",
    [
        "03 80 61 01 94",
        "0380610194",
        "03.80.61.01.94",
        "03-80-61-01-94",
        " 03 80 61 01 94 ",
        "03\u00a080\u00a061\u00a001\u00a094",  # non-breaking spaces of a spreadsheet
        "+33380610194",
        "+33 3 80 61 01 94",
        "+33.3.80.61.01.94",
    ],
)
def test_every_accepted_form_is_kept_as_five_pairs(typed):
    assert normalise_phone(typed, where=WHERE) == "03 80 61 01 94"


@pytest.mark.parametrize("empty", [None, "", "   ", float("nan")])
def test_an_empty_phone_is_none(empty):
    assert normalise_phone(empty, where=WHERE) is None


@pytest.mark.parametrize(
    "typed",
    [
        "03 80 61 01 9",  # 9 digits
        "03 80 61 01 945",  # 11 digits
        "3 80 61 01 94 0",  # 10 digits without the leading 0
        "00 80 61 01 94",  # 0 then 0: no French number
        "+33 03 80 61 01 94",  # +33 with the national 0 kept
        "+32 2 555 12 34",  # another country
        "+33 3 80 61 01",  # +33 and 7 digits
        "03 80 61 01 94 poste 12",  # text
        "(03) 80 61 01 94",  # parentheses
        "03/80/61/01/94",  # slashes
        "mairie",
        380610194,  # a spreadsheet's number: the leading 0 is lost
    ],
)
def test_each_bad_form_is_refused_saying_what_came_what_was_expected_and_how_to_fix(typed):
    with pytest.raises(InvalidTerritoryError) as caught:
        normalise_phone(typed, where=WHERE)
    message = caught.value.message
    assert message.startswith(f"{WHERE}, valeur « {str(typed).strip()} » illisible")
    assert "10 chiffres commençant par 0" in message and "+33 suivi de 9 chiffres" in message
    assert "standard public" in caught.value.hint and "jamais un numéro personnel" in (
        caught.value.hint
    )


def test_a_long_bad_value_is_shown_cut():
    with pytest.raises(InvalidTerritoryError) as caught:
        normalise_phone("x" * 200, where=WHERE)
    assert "« " + "x" * 40 + "… »" in caught.value.message


def test_an_official_directory_s_bad_phone_is_left_out_not_an_error():
    assert official_phone("0385479678") == "03 85 47 96 78"
    assert official_phone("non communiqué") is None
    assert official_phone(None) is None


def test_the_call_link_is_e164_without_spaces():
    assert phone_href("03 80 61 01 94") == "tel:+33380610194"
    assert phone_href("09 70 00 00 00") == "tel:+33970000000"
    assert phone_href(None) is None
    assert phone_href("") is None
    assert phone_href("12") is None
