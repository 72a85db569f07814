"""The cached fetcher: explicit path, MILO_DATA_DIR, user cache, download, offline errors."""

from __future__ import annotations

import pytest

from geo_data import fetch
from geo_data.sources import SOURCES, Source
from planner.errors import DataSourceError


def test_resolution_order(tmp_path, monkeypatch):
    data = tmp_path / "data"
    cache = tmp_path / "cache"
    monkeypatch.setenv("MILO_CACHE_DIR", str(cache))
    target = SOURCES["qpv"].filename
    (cache / target).parent.mkdir(parents=True)
    (cache / target).write_text("cache")
    assert fetch.locate("qpv").read_text() == "cache"
    (data / target).parent.mkdir(parents=True)
    (data / target).write_text("data")
    monkeypatch.setenv("MILO_DATA_DIR", str(data))
    assert fetch.locate("qpv").read_text() == "data"
    explicit = tmp_path / "mine.geojson"
    explicit.write_text("explicit")
    assert fetch.locate("qpv", explicit=explicit).read_text() == "explicit"


def test_offline_missing_file_says_where_and_how(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_DATA_DIR", str(tmp_path))
    with pytest.raises(DataSourceError, match=r"introuvable \(cherché : .*qpv-2024-bfc\.geojson"):
        fetch.locate("qpv")
    with pytest.raises(DataSourceError, match="désactivez MILO_OFFLINE"):
        fetch.locate("communes")


def test_unknown_source_and_explicit_missing(tmp_path):
    with pytest.raises(DataSourceError, match="inconnue"):
        fetch.locate("cadastre")
    with pytest.raises(DataSourceError, match="introuvable"):
        fetch.locate("qpv", explicit=tmp_path / "nope.geojson")


def test_download_goes_to_cache_once(tmp_path, monkeypatch):
    """The download path, exercised on a local file:// URL (tests never use the network)."""
    origin = tmp_path / "origin.json"
    origin.write_text("[]")
    monkeypatch.setitem(
        SOURCES,
        "demo-src",
        Source("demo-src", "x/demo.json", "Démo", "P", "LO", "page", origin.as_uri()),
    )
    monkeypatch.setenv("MILO_OFFLINE", "0")
    monkeypatch.setenv("MILO_CACHE_DIR", str(tmp_path / "cache"))
    path = fetch.locate("demo-src")
    assert path == tmp_path / "cache" / "x" / "demo.json" and path.read_text() == "[]"
    origin.unlink()
    assert fetch.locate("demo-src") == path  # served from the cache now


def test_failed_download_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(
        SOURCES,
        "bad-src",
        Source(
            "bad-src",
            "x/bad.json",
            "Mauvais",
            "P",
            "LO",
            "page",
            (tmp_path / "absent.json").as_uri(),
        ),
    )
    monkeypatch.setenv("MILO_OFFLINE", "0")
    monkeypatch.setenv("MILO_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(DataSourceError, match="Téléchargement de « Mauvais » impossible"):
        fetch.locate("bad-src")
    assert not list((tmp_path / "cache" / "x").iterdir())
