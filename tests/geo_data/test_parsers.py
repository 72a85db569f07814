"""Pure parsers of the official formats, on inline samples of each format."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo_data.parse_admin import match_contours, parse_communes, parse_epci, parse_frr, parse_qpv
from geo_data.parse_places import (
    parse_day_text,
    parse_france_services,
    parse_mairie_hours,
    parse_mairies,
)
from planner.errors import InvalidTerritoryError

COMMUNES = json.dumps(
    [
        {
            "code": "21001",
            "nom": "A",
            "type": "commune-actuelle",
            "region": "27",
            "departement": "21",
            "population": 100,
            "anciensCodes": ["21002"],
        },
        {
            "code": "21003",
            "nom": "B",
            "type": "commune-actuelle",
            "region": "27",
            "departement": "21",
            "population": 50,
        },
        {
            "code": "21004",
            "nom": "B-déléguée",
            "type": "commune-deleguee",
            "region": "27",
            "chefLieu": "21003",
        },
        {"code": "75056", "nom": "Paris", "type": "commune-actuelle", "region": "11"},
    ]
)


def test_communes_filtered_by_region():
    frame = parse_communes(COMMUNES, region="27")
    assert list(frame.index) == ["21001", "21003", "21004"]
    assert frame.loc["21004", "population"] == 0


def test_communes_broken():
    with pytest.raises(InvalidTerritoryError, match="JSON illisible"):
        parse_communes("[{")
    with pytest.raises(InvalidTerritoryError, match="'code' ou 'nom' absent"):
        parse_communes('[{"nom": "x"}]')


def test_contours_2018_codes_mapped_and_failures_counted():
    communes = parse_communes(COMMUNES, region="27")
    contours = gpd.GeoDataFrame(
        {"code": ["21001", "21002", "21004", "21999"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6), box(9, 9, 10, 10)],
        crs="EPSG:4326",
    )
    match = match_contours(contours, communes)
    assert match.failed == ("21999",)
    assert match.contours.loc["21001"].area == pytest.approx(2.0)  # merged with 21002
    assert "21003" in match.contours.index  # through its delegated commune 21004


def test_epci_members():
    data = json.dumps(
        [
            {
                "code": "200000001",
                "nom": "CC X",
                "type": "CC",
                "membres": [{"code": "21001"}, {"code": "21003"}],
            }
        ]
    )
    frame = parse_epci(data)
    assert frame.loc["21003", "epci"] == "200000001"


def test_frr_categories_kept():
    text = (
        "Code_insee;Departement;Commune;Classement FRR et FRR+ au 10 juillet 2025;\n"
        "21001;21;A;FRR+;\n21003;21;B;FRR bénéficiaire partiellement;\n21005;21;C;Non classée;\n"
    )
    frr = parse_frr(text)
    assert frr.to_dict() == {
        "21001": "frr_plus",
        "21003": "frr_beneficiaire_partiellement",
        "21005": "non_classee",
    }


def test_frr_broken():
    with pytest.raises(InvalidTerritoryError, match="classement\\(s\\) inconnu"):
        parse_frr("Code_insee;Classement FRR;\n21001;Super FRR;\n")
    with pytest.raises(InvalidTerritoryError, match="colonnes 'Code_insee'"):
        parse_frr("code;classe\n21001;FRR+\n")


def test_qpv_several_communes():
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "code_qp": "QN02101M",
                        "lib_qp": "Le Mail",
                        "insee_com": "21166, 21231",
                    },
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[5, 47], [5.01, 47], [5.01, 47.01], [5, 47]]],
                    },
                }
            ],
        }
    ).encode()
    frame = parse_qpv(data)
    assert frame.loc["QN02101M", "communes"] == "21166,21231"
    with pytest.raises(InvalidTerritoryError, match="colonnes manquantes"):
        parse_qpv(data.replace(b"code_qp", b"code"))


def test_hours_texts():
    assert parse_day_text("09:00 - 12:00 / 13:30 - 17:00", where="x") == [(540, 720), (810, 1020)]
    assert parse_day_text("00:00 - 00:00", where="x") == []
    with pytest.raises(InvalidTerritoryError, match="l'ouverture doit précéder"):
        parse_day_text("17:00 - 09:00", where="x")
    hours = parse_mairie_hours(
        '[["lundi","vendredi",[["09:00:00","12:00:00"]]],["samedi","",[["10:00:00","11:00:00"]]]]',
        where="x",
    )
    assert hours.is_open(4, 540, 720) and hours.is_open(5, 600, 660)
    assert parse_mairie_hours(None, where="x") is None
    with pytest.raises(InvalidTerritoryError, match="Horaires illisibles pour la mairie"):
        parse_mairie_hours('[["lundy","lundi",[]]]', where="la mairie 21001")


def test_france_services_fixed_and_itinerant():
    text = (
        "id_fs,lib_fs,insee_com,latitude,longitude,format_fs,h_lundi\n"
        "1,FS fixe,21425,47.62,4.33,Fixe,09:00 - 12:00\n"
        "2,FS bus,21425,47.62,4.33,Bus_équivalent,\n"
    )
    frame = parse_france_services(text)
    assert frame["fixed_site"].tolist() == [True, False]
    # the ANCT list says nothing of electricity or parking: « à vérifier », never « non »
    assert frame["power"].tolist() == [None, None] and frame["parking"].tolist() == [None, None]
    assert frame.loc["fs-1", "hours"].is_open(0, 540, 720)
    with pytest.raises(InvalidTerritoryError, match="coordonnées absentes"):
        parse_france_services(text.replace("47.62,4.33,Fixe", ",,Fixe"))


def test_france_services_phone_is_read_in_one_form():
    text = (
        "id_fs,lib_fs,insee_com,latitude,longitude,format_fs,telephone\n"
        "1,FS fixe,21425,47.62,4.33,Fixe,03.80.92.00.00\n"
        "2,FS bus,21425,47.62,4.33,Bus_équivalent,\n"
        "3,FS faute,21425,47.62,4.33,Fixe,appeler la mairie\n"
    )
    frame = parse_france_services(text)
    assert frame["phone"].tolist() == ["03 80 92 00 00", None, None]


@pytest.mark.shared
def test_real_town_halls_and_france_services_carry_their_public_phone(geo_dir):
    partners = geo_dir / "partners"
    halls = parse_mairies((partners / "mairies-bfc.geojson").read_bytes())
    assert halls.loc["21001", "phone"] == "03 80 61 01 94"  # Agencourt
    assert halls.loc["71225", "phone"] == "03 85 47 96 78"  # written 0385479678 in the file
    assert halls.loc["25313", "phone"] is None  # no number in the directory
    assert halls["phone"].notna().mean() > 0.99
    sites = parse_france_services(
        (partners / "france-services-20240801.csv").read_text(encoding="utf-8")
    )
    assert sites.loc["fs-1", "phone"] == "04 50 56 87 49"  # Valserhône
    assert sites.loc["fs-942", "phone"] is None  # empty in the ANCT list
    assert sites["phone"].notna().sum() == len(sites) - 4
    assert sites["phone"].dropna().str.fullmatch(r"0\d( \d\d){4}").all()
