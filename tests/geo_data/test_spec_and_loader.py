"""Territory specs and the loader, on the real official files (../shared) where they are needed."""

from __future__ import annotations

import pytest

from geo_data.loader import build_territory
from geo_data.official import load_official
from geo_data.spec import parse_spec, read_spec
from planner.errors import InvalidSpecError

SPECS = "geo_data/specs"


@pytest.fixture(scope="module")
def official(geo_dir):
    return load_official(folder=geo_dir)


def spec(data_dir, name):
    return read_spec(data_dir / SPECS / name)


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("unknown_key.toml", r"Clé\(s\) inconnue\(s\) \['colour'\] dans \[territory\]"),
        ("van_unknown_base.toml", r"vans\[0\] \(v\) : base 'dijon' inconnue"),
        ("bad_time.toml", r"vans\[0\]\.start : heure '8h' illisible"),
        ("bad_day.toml", r"jour 'monday' inconnu"),
        ("no_vans.toml", r"Aucun véhicule"),
    ],
)
def test_spec_errors_name_the_key(data_dir, name, match):
    with pytest.raises(InvalidSpecError, match=match):
        spec(data_dir, name)


def test_spec_syntax_and_structure():
    with pytest.raises(InvalidSpecError, match="illisible"):
        parse_spec("[territory\n")
    with pytest.raises(InvalidSpecError, match="ni EPCI ni commune"):
        parse_spec('[territory]\nid = "t"\nname = "T"\n')
    with pytest.raises(InvalidSpecError, match="mal formé"):
        parse_spec('[territory]\nid = "t"\nname = "T"\nepci = ["12"]\n')
    with pytest.raises(InvalidSpecError, match="id 'Mon Territoire' invalide"):
        parse_spec('[territory]\nid = "Mon Territoire"\nname = "T"\nepci = ["242101491"]\n')


def test_spec_ok_keys(data_dir):
    s = spec(data_dir, "ok.toml")
    assert s.vans[0].working_days == (0, 2)
    assert s.vans[0].start_min == 8 * 60 + 30
    assert s.calendar.setup_min == 20 and s.calendar.slots[0].name == "matin"
    assert set(s.data) == {"partners", "activity", "young"}


@pytest.mark.shared
def test_loader_builds_territory_with_user_files(data_dir, official):
    t = build_territory(spec(data_dir, "ok.toml"), official)
    assert "21154" in t.communes.index and "21425" in t.communes.index
    assert t.communes.loc["21425", "young"] == 700.0  # real data replaces the estimate
    assert "fournies par l'utilisateur (1 communes)" in t.young_method
    assert {"cs-montbard", "epi-chatillon", "mairie-21425"} <= set(t.partners.index)
    p = t.partners
    assert p.loc["mairie-21425", "power"] is None and p.loc["mairie-21425", "parking"] is True
    assert p.loc["mairie-21425", "phone"] == "03 80 92 01 34"  # the town hall's switchboard
    assert t.communes.loc["21425", "townhall_phone"] == "03 80 92 01 34"
    assert p.loc["cs-montbard", "phone"] is None  # the user's file has no telephone column
    assert (p.loc["cs-montbard", "power"], p.loc["cs-montbard", "parking"]) == (True, False)
    fs = p[p["type"] == "france_services"]
    assert len(fs) and fs["power"].isna().all() and fs["parking"].isna().all()
    assert t.activity["reperes"].sum() == 5
    assert t.bases[0].commune == "21425"
    assert t.communes.crs.to_epsg() == 4326


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("unknown_epci.toml", r"territory\.epci : EPCI inconnu\(s\) \['999999999'\]"),
        ("unknown_commune.toml", r"territory\.communes : code INSEE 21999 inconnu"),
        ("base_outside.toml", r"bases \(dijon\) : la commune 21231 n'est pas dans le territoire"),
        ("base_point_outside.toml", r"bases \(paris\) : le point \(2\.35, 48\.85\) est hors"),
    ],
)
def test_loader_errors(data_dir, official, name, match):
    with pytest.raises(InvalidSpecError, match=match):
        build_territory(spec(data_dir, name), official)


@pytest.mark.shared
def test_delegated_commune_points_to_new_commune(official):
    s = parse_spec(
        '[territory]\nid = "t"\nname = "T"\ncommunes = ["21073"]\n'
        '[[bases]]\nid = "b"\nname = "B"\ncommune = "21272"\n[[vans]]\nid = "v"\nbase = "b"\n'
    )
    with pytest.raises(InvalidSpecError, match="commune déléguée.*21272"):
        build_territory(s, official)


@pytest.mark.shared
def test_real_region_counts(official):
    """The whole region from the official files: 3,685 communes, 62 QPV, 230 France Services."""
    assert len(official.current) == 3685
    assert len(official.qpv) == 62
    assert len(official.france_services) == 230
    assert official.frr.reindex(official.current.index).notna().all()
    assert official.contours.index.isin(official.current.index).all()
    assert len(official.contours) == 3685 and official.contours_failed == ()
    assert set(official.frr.reindex(official.current.index)) >= {"frr_plus", "non_classee"}
