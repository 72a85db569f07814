"""Partners files checked row by row: each rule on one row of a tiny file, the line a user
sees, the file-level refusals, and the same messages as the strict reader (parse_partners)."""

from __future__ import annotations

import json

import pytest

from geo_data.csv_text import parse_csv_text
from geo_data.partner_import import (
    PartnerImport,
    RefusedRow,
    check_partner_file,
    check_partner_rows,
)
from geo_data.user_files import parse_partners
from planner.errors import DataSourceError, InvalidTerritoryError, PersonalDataError
from planner.hours import WeeklyHours
from planner.territory import PARTNER_COLUMNS

HEADER = "id;name;type;lon;lat;commune;can_host_van;power;lundi"
GOOD = "cs;Centre social;centre_social;4.43;46.80;71153;oui;oui;09:00-12:00 / 14:00-17:00"
OTHER = "mairie;Mairie;mairie;4.44;46.81;;non;;"


def csv_file(*rows: str, header: str = HEADER, bom: bool = True) -> bytes:
    """A partners CSV as a spreadsheet saves it (``;``, UTF-8 with a byte-order mark)."""
    return (("\ufeff" if bom else "") + "\n".join((header, *rows)) + "\n").encode()


def refused_by_line(result: PartnerImport) -> dict[int, RefusedRow]:
    return {r.line: r for r in result.refused}


def test_a_good_file_is_accepted_in_the_parse_partners_schema():
    result = check_partner_file(csv_file(GOOD, OTHER), "partenaires.csv")
    assert result.refused == ()
    frame = result.accepted
    assert list(frame.index) == ["cs", "mairie"] and frame.index.name == "id"
    assert set(PARTNER_COLUMNS) <= set(frame.columns) | {"geometry"}
    assert frame.crs.to_epsg() == 4326
    assert frame.loc["cs", "commune"] == "71153" and frame.loc["mairie", "commune"] == ""
    assert frame.loc["cs", "power"] is True and frame.loc["mairie", "power"] is None
    assert not frame.loc["mairie", "can_host_van"]
    assert frame.loc["cs", "hours"].is_open(0, 9 * 60, 12 * 60)
    assert not frame.loc["mairie", "hours"].is_open(0, 9 * 60, 10 * 60)  # lundi empty: closed
    assert set(frame["source"]) == {"partenaires.csv"}
    assert dict(result.lines) == {"cs": 2, "mairie": 3}
    strict = parse_partners(parse_csv_text(csv_file(GOOD, OTHER).decode("utf-8-sig"), name="x"))
    assert list(strict.columns) == list(frame.columns)


def test_comma_separator_without_bom_and_no_hours_columns():
    raw = b"id,name,type,lon,lat\np1,Lieu,commerce,4.43,46.8\n"
    result = check_partner_file(raw, "p.csv")
    assert result.refused == () and list(result.accepted.index) == ["p1"]
    assert result.accepted.loc["p1", "hours"] == WeeklyHours.open_always()


def test_one_bad_type_row_is_refused_with_the_strict_readers_message():
    raw = csv_file(GOOD, "p2;Boulangerie;boulangerie;4.43;46.80;;;;", OTHER)
    result = check_partner_file(raw, "partenaires.csv")
    assert list(result.accepted.index) == ["cs", "mairie"]
    (row,) = result.refused
    assert (row.line, row.id) == (3, "p2")
    assert row.message == (
        "Partenaires (partenaires.csv) : ligne 3, colonne type : valeurs inconnues ['boulangerie']."
    )
    assert row.hint.startswith("Types possibles : mairie,")
    frame = parse_csv_text(raw.decode("utf-8-sig"), name="partenaires.csv")
    with pytest.raises(InvalidTerritoryError, match=r"ligne 3, colonne type") as info:
        parse_partners(frame, source="partenaires.csv")
    assert info.value.message == row.message and info.value.hint == row.hint


@pytest.mark.parametrize(
    ("lon", "match"),
    [
        (
            "4,43",
            r"^Partenaires \(p\.csv\) : ligne 2, lon/lat absents ou illisibles \(reçu "
            r"lon « 4,43 », lat « 46.80 »\)\. Donnez lon et lat en degrés décimaux, avec un point",
        ),
        ("", r"ligne 2, lon/lat absents ou illisibles \(reçu lon vide, lat « 46.80 »\)"),
        (
            "433",
            r"ligne 2, coordonnées hors limites \(reçu lon 433, lat 46.8 ; attendu lon "
            r"entre -180 et 180",
        ),
    ],
)
def test_a_point_with_a_bad_lon_is_refused(lon, match):
    result = check_partner_file(csv_file(f"p1;Lieu;commerce;{lon};46.80;;;;", OTHER), "p.csv")
    assert list(result.accepted.index) == ["mairie"]
    (row,) = result.refused
    assert row.line == 2 and row.id == "p1"
    with pytest.raises(InvalidTerritoryError, match=match):
        result.accepted_or_raise()


def test_a_duplicate_id_refuses_each_of_its_rows():
    raw = csv_file(GOOD, OTHER, "cs;Centre social bis;centre_social;4.45;46.82;;;;")
    result = check_partner_file(raw, "p.csv")
    assert list(result.accepted.index) == ["mairie"]
    rows = refused_by_line(result)
    assert sorted(rows) == [2, 4]
    assert rows[2].message == (
        "Partenaires (p.csv) : ligne 2, identifiant « cs » en double (lignes 2, 4)."
    )
    assert rows[4].id == "cs" and "ligne 4, identifiant « cs » en double" in rows[4].message
    assert rows[2].hint.startswith("Chaque identifiant doit être unique")


def test_an_id_on_a_refused_row_still_counts_as_a_duplicate():
    raw = csv_file(GOOD, "cs;Autre;boulangerie;4.43;46.80;;;;")
    rows = refused_by_line(check_partner_file(raw, "p.csv"))
    assert "en double (lignes 2, 3)" in rows[2].message
    assert "valeurs inconnues ['boulangerie']" in rows[3].message


def test_unreadable_hours_on_one_row():
    raw = csv_file(GOOD, "p2;Lieu;commerce;4.43;46.80;;;;le matin", OTHER)
    result = check_partner_file(raw, "p.csv")
    assert list(result.accepted.index) == ["cs", "mairie"]
    (row,) = result.refused
    assert row.line == 3
    assert row.message.startswith("Horaires illisibles pour le partenaire p2, ligne 3 : 'le matin'")


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (";Lieu;commerce;4.43;46.80;;;;", r"ligne 2, partenaire sans identifiant \(colonne id\)"),
        ("p1;Lieu;;4.43;46.80;;;;", r"ligne 2, colonne type vide \(attendu l'un des types"),
        (
            "p1;Lieu;commerce;4.43;46.80;;peut-être;;",
            r"ligne 2, colonne can_host_van, valeur "
            r"« peut-être » illisible \(attendu oui/non, vrai/faux, 1/0\)\.",
        ),
        (
            "p1;Lieu;commerce;4.43;46.80;;;bof;",
            r"ligne 2, colonne power, valeur « bof » "
            r"illisible \(attendu oui/non, vrai/faux, 1/0, ou vide",
        ),
        ("p1;;commerce;4.43;46.80;;;;", r"ligne 2, le nom du partenaire p1 est vide"),
        (
            "p1;Lieu\u202e;commerce;4.43;46.80;;;;",
            r"ligne 2, le nom du partenaire p1 contient "
            r"un caractère de direction",
        ),
        (
            "p1;Lieu;commerce;4.43;46.80;7115X;;;",
            r"ligne 2, colonne commune, valeur « 7115X » "
            r"illisible \(attendu un code INSEE",
        ),
        (
            "p1;Lieu;commerce;4.43;46.80;;;;9-12",
            r"Horaires illisibles pour le partenaire p1, "
            r"ligne 2 : '9-12'",
        ),
    ],
)
def test_each_row_rule_refuses_only_its_row(row, match):
    result = check_partner_file(csv_file(row, OTHER), "p.csv")
    assert list(result.accepted.index) == ["mairie"]
    assert [r.line for r in result.refused] == [2]
    assert result.refused[0].hint
    with pytest.raises(InvalidTerritoryError, match=match):
        result.accepted_or_raise()


def test_lines_are_those_the_user_sees():
    raw = csv_file(
        'p1;"Centre\nsocial";centre_social;4.43;46.80;;;;',  # lines 2-3
        "",  # line 4: blank, skipped
        "p2;Lieu;boulangerie;4.43;46.80;;;;",  # line 5
        ";;;;;;;;",  # line 6: empty cells, skipped
        "p3;Lieu;commerce;x;46.80;;;;",  # line 7
    )
    result = check_partner_file(raw, "p.csv")
    assert [r.line for r in result.refused] == [5, 7]
    assert result.accepted.loc["p1", "name"] == "Centre social"
    assert dict(result.lines) == {"p1": 2}


def test_the_strict_reader_names_the_other_refused_lines():
    raw = csv_file("p1;A;x;4.43;46.80;;;;", "p2;B;y;4.43;46.80;;;;", OTHER)
    frame = parse_csv_text(raw.decode("utf-8-sig"), name="p.csv")
    with pytest.raises(
        InvalidTerritoryError,
        match=r"ligne 2, .*\['x'\]\. 1 autre\(s\) ligne\(s\) refusée\(s\) : 3\. Types possibles",
    ):
        parse_partners(frame, source="p.csv")


@pytest.mark.parametrize(
    ("header", "error", "match"),
    [
        (
            "id;name;lon;lat",
            InvalidTerritoryError,
            r"^Partenaires \(p\.csv\) : colonnes obligatoires manquantes \['type'\] \(reçu "
            r"\['id', 'name', 'lon', 'lat'\]\)\. Ajoutez ces colonnes",
        ),
        (
            "id;name;type",
            InvalidTerritoryError,
            r"colonnes obligatoires manquantes \['lon', 'lat'\]",
        ),
        ("id;name;type;lon;lat;tel", PersonalDataError, r"\['tel'\]"),
        ("id;name;type;lon;lat;Téléphone", PersonalDataError, r"\['Téléphone'\]"),
        ("id;name;type;lon;lat;telephone;mobile", PersonalDataError, r"\['mobile'\]"),
    ],
)
def test_a_file_level_problem_refuses_the_whole_file(header, error, match):
    rows = ["p1;Lieu;commerce;4.43;46.80;06"] * 2
    with pytest.raises(error, match=match) as info:
        check_partner_file(csv_file(*rows, header=header), "p.csv")
    assert info.value.hint


@pytest.mark.parametrize(
    ("data", "filename", "match"),
    [
        (
            b"id;name\n",
            "p.xlsx",
            r"Format du fichier « p\.xlsx » non pris en charge \(attendu "
            r"\.csv, \.geojson, \.json\)",
        ),
        (
            HEADER.encode("cp1252") + "\né;É".encode("cp1252"),
            "p.csv",
            r"texte UTF-8 attendu, "
            r"reçu l'octet 0xE9",
        ),
        (b"", "p.csv", r"Fichier p\.csv vide"),
        (b"id,name\n1,2,3,4\n5,6,7,8,9\n", "p.csv", r"Fichier p\.csv illisible comme CSV"),
        (b'{"type": "FeatureCollection", "features": [', "p.geojson", r"GeoJSON illisible"),
        (csv_file(), "p.csv", r"aucun partenaire dans le fichier"),
    ],
)
def test_an_unreadable_file_is_one_french_error(data, filename, match):
    with pytest.raises((DataSourceError, InvalidTerritoryError), match=match) as info:
        check_partner_file(data, filename)
    assert info.value.hint


def test_the_file_name_loses_its_folders():
    result = check_partner_file(csv_file(GOOD), "C:\\Users\\ml\\partenaires.csv")
    assert set(result.accepted["source"]) == {"partenaires.csv"}


def feature(props: dict, point: list[float] | None) -> dict:
    geometry = None if point is None else {"type": "Point", "coordinates": point}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_geojson_rows_are_numbered_by_feature():
    base = {"name": "Lieu", "type": "commerce", "lundi": "09:00-12:00"}
    zone = {
        "type": "Polygon",
        "coordinates": [[[4.4, 46.8], [4.5, 46.8], [4.5, 46.9], [4.4, 46.8]]],
    }
    features = [
        feature(base | {"id": "g1", "power": True, "parking": None}, [4.43, 46.80]),
        feature(base | {"id": "g2", "type": "boulangerie"}, [4.43, 46.80]),
        feature(base | {"id": "g3"}, None),
        feature(base | {"id": "g4", "lundi": None}, [4.44, 46.81]),
        {"type": "Feature", "properties": base | {"id": "g5"}, "geometry": zone},
    ]
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = check_partner_file(raw, "partenaires.geojson")
    assert list(result.accepted.index) == ["g1", "g4"]
    assert dict(result.lines) == {"g1": 1, "g4": 4}
    assert result.accepted.loc["g1", "power"] is True
    assert result.accepted.loc["g1", "parking"] is None
    rows = refused_by_line(result)
    assert sorted(rows) == [2, 3, 5]
    assert rows[2].message == (
        "Partenaires (partenaires.geojson) : objet n° 2, colonne type : valeurs inconnues "
        "['boulangerie']."
    )
    assert "objet n° 3, partenaire g3 : géométrie absente ou vide" in rows[3].message
    assert "objet n° 5, géométrie de type Polygon (attendu un point" in rows[5].message


def test_refused_row_lines_start_at_one():
    with pytest.raises(InvalidTerritoryError, match="numéro de ligne 0"):
        RefusedRow(0, None, "message", "hint")


def test_check_partner_rows_defaults_to_positions():
    frame = parse_csv_text("id,name,type,lon,lat\np1,A,x,4.4,46.8\n", name="p.csv")
    result = check_partner_rows(frame, source="p.csv")
    assert [r.line for r in result.refused] == [2]


PHONE_HEADER = "id;name;type;lon;lat;telephone"


def test_the_telephone_column_is_read_as_the_place_s_public_number():
    rows = [
        "a;Mairie A;mairie;4.43;46.80;03 80 61 01 94",
        "b;Mairie B;mairie;4.43;46.80;+33.3.85.77.59.59",
        "c;Mairie C;mairie;4.43;46.80;",
    ]
    result = check_partner_file(csv_file(*rows, header=PHONE_HEADER), "p.csv")
    assert result.refused == ()
    assert result.accepted["phone"].tolist() == ["03 80 61 01 94", "03 85 77 59 59", None]


def test_a_bad_phone_refuses_its_row_saying_what_was_expected_and_how_to_fix_it():
    rows = [
        "a;Mairie A;mairie;4.43;46.80;03 80 61 01 9",
        "b;Mairie B;mairie;4.43;46.80;03 85 77 59 59",
    ]
    result = check_partner_file(csv_file(*rows, header=PHONE_HEADER), "p.csv")
    assert list(result.accepted.index) == ["b"]
    (row,) = result.refused
    assert (row.line, row.id) == (2, "a")
    assert row.message == (
        "Partenaires (p.csv) : ligne 2, colonne telephone, valeur « 03 80 61 01 9 » illisible "
        "(attendu un numéro français à 10 chiffres commençant par 0 (par exemple 03 80 61 01 94 "
        "; espaces, points ou tirets permis) ou +33 suivi de 9 chiffres (+33 3 80 61 01 94))."
    )
    assert "jamais un numéro personnel" in row.hint and "laissez la case vide" in row.hint
