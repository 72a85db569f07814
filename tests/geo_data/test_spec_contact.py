"""The spec's ``[contact]``: read and normalised, every bad value refused in French, kept
through the territory files."""

from __future__ import annotations

import dataclasses

import pytest

from geo_data.demo import load_demo_territory
from geo_data.spec import parse_spec
from geo_data.territory_io import territory_from_files, territory_to_files
from planner.errors import InvalidSpecError
from planner.territory import Contact

HEAD = """
[territory]
id = "cm"
name = "CM"
epci = ["247100290"]

[[bases]]
id = "montceau"
name = "Base"
commune = "71306"

[[vans]]
id = "van"
base = "montceau"
"""


def test_the_contact_is_read_and_the_phone_normalised() -> None:
    spec = parse_spec(
        HEAD
        + """
[contact]
phone = "+33 3.85.77.00.00"
email = "contact@ml-exemple.fr"
website = "https://www.ml-exemple.fr/nous-trouver"
address = "12 rue de la Gare, 71200 Le Creusot"
hours = "du lundi au vendredi, 9h-12h et 14h-17h"
"""
    )
    assert spec.contact == Contact(
        phone="03 85 77 00 00",
        email="contact@ml-exemple.fr",
        website="https://www.ml-exemple.fr/nous-trouver",
        address="12 rue de la Gare, 71200 Le Creusot",
        hours="du lundi au vendredi, 9h-12h et 14h-17h",
    )
    assert not parse_spec(HEAD).contact  # absent: empty, nothing invented


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ('[contact]\nfax = "1"', r"Clé\(s\) inconnue\(s\) \['fax'\] dans \[contact\]"),
        ("[contact]\nphone = 385770000", r"contact.phone : texte attendu, reçu 385770000"),
        ('[contact]\nphone = "06 12"', r"contact.phone, valeur « 06 12 » illisible"),
        ('[contact]\nemail = "ml at exemple"', r"contact.email : adresse 'ml at exemple'"),
        ('[contact]\nwebsite = "javascript:alert(1)"', r"contact.website : adresse"),
        ('[contact]\nwebsite = "www.ml.fr"', r"attendu https://www.exemple.fr"),
        ('[contact]\naddress = "' + "x" * 201 + '"', r"contact.address : une ligne de 200"),
    ],
)
def test_bad_contacts_are_refused_in_french(extra, match) -> None:
    with pytest.raises(InvalidSpecError, match=match):
        parse_spec(HEAD + extra)
    with pytest.raises(InvalidSpecError, match=r"\[contact\] : table attendue"):
        parse_spec("contact = 3\n" + HEAD)


def test_the_contact_survives_the_territory_files(tmp_path) -> None:
    t = load_demo_territory("creusot-montceau")
    assert not t.contact  # the demo has no real contact: none is invented
    contact = Contact(phone="03 85 77 00 00", email="contact@ml-exemple.fr")
    territory_to_files(dataclasses.replace(t, contact=contact), tmp_path / "copy")
    assert territory_from_files(tmp_path / "copy").contact == contact
