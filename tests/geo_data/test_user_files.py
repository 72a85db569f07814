"""User files: partners and activity, each validation rule with a tiny broken file."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo_data import validation as v
from geo_data.user_files import parse_activity, parse_partners, parse_young, read_table
from planner.errors import DataSourceError, InvalidTerritoryError, PersonalDataError
from planner.hours import WeeklyHours

TODAY = dt.date(2026, 11, 27)


def partners(data_dir, name):
    return parse_partners(read_table(data_dir / "geo_data" / name), source=name)


def activity(data_dir, name):
    return parse_activity(read_table(data_dir / "geo_data" / name), source=name, today=TODAY)


def test_partners_ok(data_dir):
    frame = partners(data_dir, "partners_ok.csv")
    assert list(frame.index) == ["cs-montbard", "epi-chatillon"]
    assert frame.loc["cs-montbard", "power"] and not frame.loc["epi-chatillon", "power"]
    hours = frame.loc["cs-montbard", "hours"]
    assert isinstance(hours, WeeklyHours)
    assert hours.is_open(0, 9 * 60, 12 * 60) and not hours.is_open(1, 9 * 60, 12 * 60)
    assert frame.crs.to_epsg() == 4326


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        (
            "partners_duplicate_id.csv",
            InvalidTerritoryError,
            r"ligne 2, identifiant « p1 » en double \(lignes 2, 3\)\. 1 autre\(s\) ligne\(s\) "
            r"refusée\(s\) : 3\.",
        ),
        ("partners_missing_id.csv", InvalidTerritoryError, "sans identifiant"),
        ("partners_bad_type.csv", InvalidTerritoryError, r"valeurs inconnues \['boulangerie'\]"),
        ("partners_bad_hours.csv", InvalidTerritoryError, "Horaires illisibles .*'le matin'"),
        ("partners_mobile.csv", PersonalDataError, r"\['portable'\]"),
        ("partners_invalid_geometry.geojson", InvalidTerritoryError, "géométrie invalide"),
    ],
)
def test_partners_broken(data_dir, name, error, match):
    with pytest.raises(error, match=match):
        partners(data_dir, name)


def test_partners_telephone_is_the_place_s_public_number(data_dir):
    frame = partners(data_dir, "partners_phone.csv")
    assert frame["phone"].tolist() == ["03 80 00 00 00", "03 80 92 12 34", None]


def test_a_phone_like_column_other_than_telephone_is_still_personal_data(data_dir):
    with pytest.raises(PersonalDataError) as info:
        partners(data_dir, "partners_mobile.csv")
    assert "refusées : ['portable'] (attendu les colonnes d'un lieu" in info.value.message
    assert "une seule colonne nommée exactement « telephone »" in info.value.hint


def test_partner_without_geometry_is_refused(data_dir):
    with pytest.raises(InvalidTerritoryError, match="lon/lat|géométrie absente"):
        partners(data_dir, "partners_empty_geometry.geojson")


def test_points_outside_territory(data_dir):
    frame = partners(data_dir, "partners_outside.csv")
    with pytest.raises(InvalidTerritoryError, match="hors du territoire.*longitude, latitude"):
        v.require_inside(frame, box(4.0, 47.3, 4.8, 48.0), what="Partenaires")


def test_swapped_lon_lat_is_outside(data_dir):
    frame = partners(data_dir, "partners_swapped.csv")
    with pytest.raises(InvalidTerritoryError, match="ordre longitude, latitude"):
        v.require_inside(frame, box(4.0, 47.3, 4.8, 48.0), what="Partenaires")


def test_missing_crs_is_refused():
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=gpd.points_from_xy([800000], [6700000]))
    with pytest.raises(InvalidTerritoryError, match="CRS\\) absent"):
        v.require_crs(frame, what="Zones")


def test_declared_crs_is_reprojected(data_dir):
    frame = read_table(data_dir / "geo_data" / "zones_no_crs.geojson")
    assert frame.crs.to_epsg() == 2154


def test_activity_ok(data_dir):
    frame = activity(data_dir, "activity_ok.csv")
    assert frame["reperes"].tolist() == [5, 0]
    assert frame["period_end"].tolist() == frame["period_start"].tolist()
    assert str(frame["reperes"].dtype) == "int64"


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("activity_negative.csv", InvalidTerritoryError, "reperes, valeurs non entières ou néga"),
        ("activity_personal.csv", PersonalDataError, r"\['nom', 'date_naissance'\]"),
        ("activity_email.csv", PersonalDataError, "courriel"),
        ("activity_phone.csv", PersonalDataError, r"\['telephone'\]"),
        ("activity_future.csv", InvalidTerritoryError, "dans le futur"),
        ("activity_free_text.csv", InvalidTerritoryError, r"non prévues \['commentaire'\]"),
        ("activity_bad_date.csv", InvalidTerritoryError, "dates illisibles"),
        ("activity_more_mobilised.csv", InvalidTerritoryError, "plus de mobilisés que de repérés"),
    ],
)
def test_activity_broken(data_dir, name, error, match):
    with pytest.raises(error, match=match):
        activity(data_dir, name)


def test_young_file(data_dir):
    young = parse_young(read_table(data_dir / "geo_data" / "young.csv"), source="young.csv")
    assert young.to_dict() == {"21425": 700.0}


def test_missing_file_and_bad_format(tmp_path):
    with pytest.raises(DataSourceError, match="introuvable"):
        read_table(tmp_path / "absent.csv")
    (tmp_path / "x.xlsx").write_text("x")
    with pytest.raises(DataSourceError, match="non pris en charge"):
        read_table(tmp_path / "x.xlsx")


@pytest.mark.parametrize("name", ["partners_amenities.csv", "partners_amenities.geojson"])
def test_partner_amenities_are_a_tri_state(data_dir, name):
    frame = partners(data_dir, name)
    states = {pid: (row["power"], row["parking"]) for pid, row in frame.iterrows()}
    if name.endswith(".csv"):
        assert states == {
            "p-oui": (True, False),
            "p-vrai": (True, False),
            "p-chiffres": (True, False),
            "p-anglais": (True, False),
            "p-vide": (None, None),
            "p-a-verifier": (None, None),
            "p-inconnu": (None, None),
        }
        assert not frame.loc["p-vide", "can_host_van"]  # an empty oui/non flag stays « non »
    else:
        assert states == {"g-oui": (True, False), "g-null": (None, None)}
    v.require_amenity_states(frame, what="Partenaires")


def test_absent_amenity_columns_are_to_check(data_dir):
    raw = read_table(data_dir / "geo_data" / "partners_ok.csv").drop(columns=["power", "parking"])
    frame = parse_partners(raw, source="partners_ok.csv")
    assert frame["power"].tolist() == [None, None] and frame["parking"].tolist() == [None, None]


@pytest.mark.parametrize(
    ("name", "match"),
    [
        (
            "partners_bad_amenity.csv",
            r"^Partenaires \(partners_bad_amenity\.csv\) : ligne 3, colonne parking, valeur "
            r"« peut-être » illisible \(attendu oui/non, vrai/faux, 1/0, ou vide / « à vérifier » "
            r"/ « inconnu » quand on ne sait pas\)\. 1 autre\(s\) ligne\(s\) refusée\(s\) : 4\.",
        ),
        (
            "partners_bad_amenity.geojson",
            r"^Partenaires \(partners_bad_amenity\.geojson\) : objet n° 2, colonne power, valeur "
            r"« sans doute » illisible",
        ),
        (
            "partners_bad_can_host.csv",
            r"^Partenaires \(partners_bad_can_host\.csv\) : ligne 2, colonne can_host_van, valeur "
            r"« à vérifier » illisible \(attendu oui/non, vrai/faux, 1/0\)\.",
        ),
    ],
)
def test_bad_flag_names_file_line_column_value_and_expected(data_dir, name, match):
    with pytest.raises(InvalidTerritoryError, match=match) as info:
        partners(data_dir, name)
    assert info.value.hint.startswith("Écrivez oui ou non.")


def test_validation_refuses_a_guessed_amenity(data_dir):
    frame = partners(data_dir, "partners_ok.csv")
    frame["parking"] = ["peut-être", None]
    with pytest.raises(
        InvalidTerritoryError,
        match=r"colonne parking, 1 valeur\(s\) qui ne sont ni oui, ni non, ni « à vérifier » "
        r"\(cs-montbard : 'peut-être'\)",
    ):
        v.require_amenity_states(frame, what="Partenaires")
    with pytest.raises(InvalidTerritoryError, match=r"colonnes d'équipement absentes \['power'\]"):
        v.require_amenity_states(frame.drop(columns="power"), what="Partenaires")
