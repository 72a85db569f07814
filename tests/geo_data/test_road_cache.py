"""``milo roads``'s download path against the local Overpass stand-in (real Andorra OSM data):
osmnx's own query, retries, the HTTP and GraphML caches, partial and stale downloads, and the
network read back by every command."""

from __future__ import annotations

import json

import pytest

from geo_data import road_cache as rc
from geo_data.roads_download import download_territory_network, territory_network
from geo_data.territory_io import territory_from_files
from planner.errors import DataSourceError
from tests.geo_data.andorra_territory import write_andorra_territory
from tests.geo_data.overpass_standin import OsmExtract, OverpassStandIn


@pytest.fixture(scope="session")
def andorra_pbf(geo_dir):
    return geo_dir / "osm" / "andorra.osm.pbf"


@pytest.fixture(scope="session")
def extract(andorra_pbf):
    return OsmExtract(andorra_pbf)


@pytest.fixture(scope="session")
def andorra_folder(andorra_pbf, tmp_path_factory):
    return write_andorra_territory(andorra_pbf, tmp_path_factory.mktemp("andorre"))


@pytest.fixture
def territory(andorra_folder):
    return territory_from_files(andorra_folder)


@pytest.fixture
def online(monkeypatch):
    monkeypatch.setenv("MILO_OFFLINE", "0")


def test_download_retries_then_caches_and_reads_back(territory, extract, online, monkeypatch):
    messages: list[str] = []
    with OverpassStandIn(extract, fail_first=1) as standin:
        monkeypatch.setenv("MILO_OVERPASS_URL", standin.url)
        status = download_territory_network(territory, buffer_m=2000, progress=messages.append)
        assert len(standin.queries) == 2  # one refused, one retried
        assert 'way["highway"]' in standin.queries[0] and "poly:" in standin.queries[0]
        again = download_territory_network(territory, buffer_m=2000, progress=messages.append)
        assert len(standin.queries) == 2  # complete and current: not asked again
    assert status.state == again.state == "ok"
    m = status.manifest
    assert m.complete and m.osm_timestamp == "2013-05-28T18:59:04Z" and m.n_edges > 1000
    assert m.label() == "OSM (28 mai 2013)"
    assert any("requête(s) Overpass" in x and "Mo" in x for x in messages)
    assert any("refusée (HTTP 500)" in x for x in messages)
    assert any("nouvel essai" in x for x in messages)
    assert not (status.folder / "osmnx-http").exists()
    network, _ = territory_network(territory)
    assert network.source == "OSM (28 mai 2013)" and network.n_nodes > 900


def test_partial_and_damaged_downloads_are_detected_and_redone(
    territory, extract, online, monkeypatch
):
    with OverpassStandIn(extract) as standin:
        monkeypatch.setenv("MILO_OVERPASS_URL", standin.url)
        status = download_territory_network(territory, buffer_m=2000)
        graph = rc.graph_path(status.folder)
        graph.write_bytes(graph.read_bytes()[:1000])  # cut off
        damaged = rc.road_status(territory.id)
        assert damaged.state == "partial" and "tronqué" in damaged.reason
        assert territory_network(territory) is None  # never used
        manifest = json.loads(rc.manifest_path(status.folder).read_text())
        rc.manifest_path(status.folder).write_text(json.dumps({**manifest, "complete": False}))
        assert rc.road_status(territory.id).reason == "téléchargement interrompu"
        redone = download_territory_network(territory, buffer_m=2000)
        assert redone.state == "ok" and len(standin.queries) == 2


def test_another_margin_is_stale_and_redone(territory, extract, online, monkeypatch):
    with OverpassStandIn(extract) as standin:
        monkeypatch.setenv("MILO_OVERPASS_URL", standin.url)
        download_territory_network(territory, buffer_m=2000)
        download_territory_network(territory, buffer_m=1000)
        assert len(standin.queries) == 2
    from geo_data.roads_download import territory_key

    stale = rc.road_status(territory.id, territory_key(territory, 2000))
    assert stale.state == "stale" and "autre marge" in stale.reason


def test_offline_says_what_to_do(territory):
    with pytest.raises(DataSourceError) as caught:
        download_territory_network(territory)
    assert "MILO_OFFLINE" in caught.value.message
    assert "--network" in caught.value.hint and "copiez le dossier" in caught.value.hint


def test_unreachable_overpass_is_a_french_error(territory, online, monkeypatch):
    monkeypatch.setenv("MILO_OVERPASS_URL", "http://127.0.0.1:9/api")  # nothing listens there
    monkeypatch.setattr("geo_data.roads_download.RETRY_PAUSE_S", 0.0)
    with pytest.raises(DataSourceError) as caught:
        download_territory_network(territory)
    assert "3 essais" in caught.value.message
    assert rc.road_status(territory.id).state == "partial"
