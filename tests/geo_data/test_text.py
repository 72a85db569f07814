"""Free text normalisation: what is kept, removed and refused (geo_data/text.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo_data.text import clean_text
from geo_data.user_files import parse_partners
from planner.errors import InvalidTerritoryError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Mairie de\tLe Creusot \n", "Mairie de Le Creusot"),
        ("Lieu\u2028ligne\u2029paragraphe", "Lieu ligne paragraphe"),
        ("\ufeffCentre\u00a0social", "Centre social"),
        ("Cafe\u0301 associatif L`Escale", "Café associatif L`Escale"),  # NFC
        ("🚐 Milo 👩🏽\u200d🎓", "🚐 Milo 👩🏽\u200d🎓"),  # the emoji's joiner is kept
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),  # escaped on output
    ],
)
def test_text_kept_and_spaces_normalised(raw, clean):
    assert clean_text(raw, what="le nom") == clean


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ("Mairie\x00", r"caractère de contrôle ou invalide U\+0000 en position 7"),
        ("Mairie \x1b[31m", r"U\+001B"),
        ("\x7fDEL", r"U\+007F"),
        ("Mairie\u0090", r"U\+0090"),
        ("Centre \u202eTXT.exe", r"direction du texte U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"),
        ("x\u2066y", r"direction du texte U\+2066"),
        ("x\u200fy", r"direction du texte U\+200F"),
        ("privé \ue000", r"U\+E000"),
        ("   ", r"Le nom est vide"),
        ("\u2028\t", r"Le nom est vide"),
        ("x" * 201, r"201 caractères \(au plus 200\)"),
    ],
)
def test_bad_text_refused_in_french(raw, match):
    with pytest.raises(InvalidTerritoryError, match=match) as info:
        clean_text(raw, what="le nom")
    assert info.value.hint


def test_user_file_partner_names_are_cleaned_or_refused():
    frame = pd.DataFrame(
        {
            "id": ["p1", "p2"],
            "name": [" Mairie\u2028de X ", "Centre social"],
            "type": ["mairie", "centre_social"],
            "lon": [4.43, 4.44],
            "lat": [46.80, 46.81],
        }
    )
    assert list(parse_partners(frame)["name"]) == ["Mairie de X", "Centre social"]
    bad = frame.assign(name=["Mairie", "Centre\u202esocial"])
    with pytest.raises(InvalidTerritoryError, match=r"le nom du partenaire p2 contient"):
        parse_partners(bad)
    blank = frame.assign(name=["Mairie", None])
    with pytest.raises(InvalidTerritoryError, match=r"le nom du partenaire p2 est vide"):
        parse_partners(blank)


def test_town_hall_names_as_french_writes_them():
    from geo_data.text import townhall_name

    assert townhall_name("Le Creusot") == "Mairie du Creusot"
    assert townhall_name("Les Bizots") == "Mairie des Bizots"
    assert townhall_name("Autun") == "Mairie d'Autun"
    assert townhall_name("Écuisses") == "Mairie d'Écuisses"
    assert townhall_name("La Clayette") == "Mairie de La Clayette"
    assert townhall_name("Blanzy") == "Mairie de Blanzy"
