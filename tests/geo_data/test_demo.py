"""The embedded demo: loads offline, round-trips, and matches a rebuild from the official files."""

from __future__ import annotations

import pytest

from geo_data.build_demo import build
from geo_data.demo import DEMO_SLUGS, load_demo_territory
from geo_data.territory_io import territory_from_files, territory_to_files
from planner.errors import NotFoundError


@pytest.mark.parametrize(
    ("slug", "n_communes", "n_qpv"),
    [
        ("marches-de-bourgogne", 252, 0),
        ("creusot-montceau", 34, 5),
    ],
)
def test_demo_loads_offline(slug, n_communes, n_qpv):
    t = load_demo_territory(slug)
    assert len(t.communes) == n_communes and len(t.qpv) == n_qpv
    assert t.approximation and t.young_method and t.sources
    assert t.communes["young"].gt(0).all()
    assert t.communes.geometry.is_valid.all()
    assert len(t.bases) == 2 and len(t.vans) == 2


def test_unknown_demo():
    with pytest.raises(NotFoundError, match="inconnu"):
        load_demo_territory("paris")


def test_round_trip(tmp_path):
    t = load_demo_territory("creusot-montceau")
    territory_to_files(t, tmp_path / "copy")
    back = territory_from_files(tmp_path / "copy")
    assert back.communes.index.tolist() == t.communes.index.tolist()
    assert back.partners["hours"].tolist() == t.partners["hours"].tolist()
    for column in ("power", "parking"):  # None (à vérifier) survives the GeoJSON round trip
        assert back.partners[column].tolist() == t.partners[column].tolist()
    assert back.partners["power"].isna().all()
    assert back.vans == t.vans and back.bases == t.bases and back.calendar == t.calendar


def test_demo_amenities_unknown_where_the_sources_do_not_say():
    p = load_demo_territory("marches-de-bourgogne").partners
    fs, halls = p[p["type"] == "france_services"], p[p["type"] == "mairie"]
    assert len(fs) == 8 and fs["power"].isna().all() and fs["parking"].isna().all()
    assert len(halls) == 252 and halls["power"].isna().all()
    assert halls["parking"].tolist() == [True] * 252  # the declared square assumption


@pytest.mark.shared
def test_rebuild_matches_committed_demo(tmp_path, geo_dir):
    build(tmp_path, folder=geo_dir)
    for slug in DEMO_SLUGS:
        fresh = territory_from_files(tmp_path / slug)
        committed = load_demo_territory(slug)
        assert fresh.communes.drop(columns="geometry").equals(
            committed.communes.drop(columns="geometry")
        )
        assert fresh.partners.index.tolist() == committed.partners.index.tolist()
