"""The embedded demo: loads offline, round-trips, and matches a rebuild from the official files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo_data.build_demo import DEMO_ACTIVITY_UNTIL, DEMO_ACTIVITY_YEARS, build
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
    assert back.partners["phone"].tolist() == t.partners["phone"].tolist()
    assert back.communes["townhall_phone"].tolist() == t.communes["townhall_phone"].tolist()


def test_demo_partners_carry_the_official_public_phones():
    t = load_demo_territory("marches-de-bourgogne")
    p = t.partners
    assert p.loc["mairie-21425", "phone"] == "03 80 92 01 34"  # Montbard, Annuaire
    assert p.loc["fs-2364", "phone"] == "03 80 49 66 33"  # France services de Vitteaux, ANCT
    assert p["phone"].str.fullmatch(r"0[1-9]( \d\d){4}").all()
    assert t.communes.loc["21425", "townhall_phone"] == "03 80 92 01 34"


def test_files_written_before_phones_were_kept_read_as_no_phone(tmp_path):
    t = load_demo_territory("creusot-montceau")
    territory_to_files(t, tmp_path / "old")
    for name, column in (("partners.geojson", "phone"), ("communes.geojson", "townhall_phone")):
        path = tmp_path / "old" / name
        data = json.loads(path.read_text())
        for f in data["features"]:
            del f["properties"][column]
        path.write_text(json.dumps(data))
    back = territory_from_files(tmp_path / "old")
    assert back.partners["phone"].tolist() == [None] * len(t.partners)
    assert back.communes["townhall_phone"].tolist() == [None] * len(t.communes)


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
        assert fresh.partners["phone"].tolist() == committed.partners["phone"].tolist()
        # the history too: the committed one is what the script writes, seed for seed
        assert fresh.activity.equals(committed.activity) and fresh.activity_synthetic


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_demo_history_two_school_years_at_regular_stops(slug):
    t = load_demo_territory(slug)
    history = t.activity
    assert t.activity_synthetic  # « données fictives » in every output built on it
    first = DEMO_ACTIVITY_UNTIL.replace(year=DEMO_ACTIVITY_UNTIL.year - DEMO_ACTIVITY_YEARS)
    days = pd.to_datetime(history["period_start"])
    assert pd.Timestamp(first) <= days.min() <= pd.Timestamp(2024, 7, 10)  # 1 July 2024
    assert pd.Timestamp(2026, 6, 20) <= days.max() < pd.Timestamp(DEMO_ACTIVITY_UNTIL)
    assert len(history) == 240 and (history["sessions"] == 1).all()  # 120 half-days a year
    # every month of both school years has sessions (August fewer: staff leave)
    per_month = days.dt.to_period("M").value_counts()
    assert len(per_month) == 24 and per_month.min() >= 2
    # a Mission Locale returns to its places: 9 regular stops hold about 3/4 of the sessions
    visits = history["place_id"].value_counts()
    assert visits.iloc[:9].sum() / len(history) == pytest.approx(0.75, abs=0.05)
    assert visits.iloc[8] >= 10 > visits.iloc[9]
    # the regular stops are mostly among the most populous communes
    young_rank = t.communes["young"].rank(ascending=False)
    top = history.groupby("commune")["sessions"].sum().nlargest(6).index
    assert (young_rank.loc[top] <= 50).sum() >= 4
