"""Library settings: read at call time, empty means unset, documented in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from geo_data import settings
from maps.assets import VENDOR_DIR, vendor_dir


def test_settings_are_read_when_called(tmp_path, monkeypatch):
    monkeypatch.delenv("MILO_DATA_DIR", raising=False)
    assert settings.data_dir() is None
    monkeypatch.setenv("MILO_DATA_DIR", str(tmp_path))
    assert settings.data_dir() == tmp_path
    monkeypatch.setenv("MILO_DATA_DIR", "")
    assert settings.data_dir() is None


def test_cache_dir_defaults_to_the_user_cache(tmp_path, monkeypatch):
    assert settings.cache_dir() != Path.home() / ".cache" / "milo-nomade"  # tests isolate it
    monkeypatch.delenv("MILO_CACHE_DIR")
    assert settings.cache_dir() == Path.home() / ".cache" / "milo-nomade"
    monkeypatch.setenv("MILO_CACHE_DIR", str(tmp_path))
    assert settings.cache_dir() == tmp_path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("yes", True), ("true", True), (" 1 ", True), ("", False), ("0", False),
     ("false", False), ("no", False), (" no ", False)],
)  # fmt: skip
def test_offline_values(monkeypatch, value, expected):
    monkeypatch.setenv("MILO_OFFLINE", value)
    assert settings.offline() is expected


def test_offline_unset_allows_downloads(monkeypatch):
    monkeypatch.delenv("MILO_OFFLINE")
    assert settings.offline() is False


def test_maps_vendor_defaults_beside_the_maps_package(tmp_path, monkeypatch):
    monkeypatch.delenv("MILO_MAPS_VENDOR", raising=False)
    assert settings.maps_vendor_dir() is None and vendor_dir() == VENDOR_DIR
    monkeypatch.setenv("MILO_MAPS_VENDOR", str(tmp_path))
    assert vendor_dir() == tmp_path


def test_every_variable_read_is_documented():
    """Each ``MILO_*`` name in the module's code has its row in the docstring's table."""
    tree = ast.parse(Path(settings.__file__).read_text(encoding="utf-8"))
    read = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"MILO_[A-Z_]+", node.value)
    }
    rows = set(re.findall(r"^``(MILO_[A-Z_]+)``", settings.__doc__ or "", flags=re.MULTILINE))
    assert (
        read
        == rows
        == {
            "MILO_DATA_DIR",
            "MILO_CACHE_DIR",
            "MILO_OFFLINE",
            "MILO_OVERPASS_URL",
            "MILO_MAPS_VENDOR",
        }
    )


def test_overpass_url_is_read_when_called(monkeypatch):
    monkeypatch.delenv("MILO_OVERPASS_URL", raising=False)
    assert settings.overpass_url() is None
    monkeypatch.setenv("MILO_OVERPASS_URL", "http://127.0.0.1:8080/api/")
    assert settings.overpass_url() == "http://127.0.0.1:8080/api"
