"""The region pack: the official layers of the region in the project's schema, installed with
the package, read when no official file is present, and built from the official files only."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import urllib.request
from datetime import date

import pandas as pd
import pytest

from geo_data import region_pack as rp
from geo_data.build_region_pack import build
from geo_data.official import LAYERS, load_official
from geo_data.sources import SOURCES
from planner.errors import DataSourceError


def _same(a: pd.Series, b: pd.Series) -> bool:
    """Equal values, None and NaN counting as the same missing value."""
    a, b = a.astype(object), b.reindex(a.index).astype(object)
    both_missing = a.isna() & b.isna()
    return bool((both_missing | (a == b)).all())


@pytest.fixture(scope="module")
def from_pack():
    return load_official()


@pytest.fixture(scope="module")
def from_files(geo_dir):
    return load_official(folder=geo_dir, use_pack=False)


def test_with_no_official_file_every_layer_comes_from_the_pack(from_pack):
    assert dict(from_pack.origins) == dict.fromkeys(LAYERS, "pack")
    assert len(from_pack.current) == 3685  # the region's current communes
    assert from_pack.epci["epci"].nunique() == 116
    assert len(from_pack.qpv) == 62 and len(from_pack.france_services) == 230
    assert from_pack.contours.index.equals(from_pack.current.index.sort_values())
    for line in from_pack.attributions():
        assert line.endswith("; paquet régional milo-nomade du 2 décembre 2026"), line


def test_the_pack_holds_the_official_facts(from_pack, from_files):
    pd.testing.assert_frame_equal(from_pack.communes, from_files.communes)
    pd.testing.assert_frame_equal(from_pack.epci, from_files.epci, check_index_type=False)
    assert _same(from_pack.frr, from_files.frr)
    assert from_pack.frr.index.isin(from_pack.communes.index).all()  # the region's only
    pd.testing.assert_frame_equal(
        from_pack.qpv.drop(columns="geometry"), from_files.qpv.drop(columns="geometry")
    )
    for mine, official in ((from_pack.france_services, from_files.france_services),
                           (from_pack.mairies, from_files.mairies)):  # fmt: skip
        assert mine.index.equals(official.index)
        for column in mine.columns.drop("geometry"):
            assert _same(mine[column], official[column]), column
        moved = mine.geometry.to_crs("EPSG:2154").distance(official.geometry.to_crs("EPSG:2154"))
        assert moved.max() < 0.2  # metres: coordinates kept to 6 decimals
    # polygons simplified by 20 m: every one within 30 m of the official outline
    metric = from_pack.contours.to_crs("EPSG:2154")
    exact = from_files.contours.reindex(metric.index).to_crs("EPSG:2154")
    assert metric.hausdorff_distance(exact).max() < 30.0
    assert (metric.area / exact.area).between(0.99, 1.01).all()


def test_the_pack_is_small_and_names_its_sources(geo_dir):
    info = rp.pack_info()
    assert info is not None
    size = sum((info.folder / name).stat().st_size for name in rp.FILES.values())
    assert size < 3_000_000  # a few MB at most, installed with the package
    for layer in LAYERS:
        recorded = info.layers[layer]
        keys = rp.source_keys(layer)
        # the pack's edition is the edition the code names, so a present file is never older
        assert recorded["edition"] == SOURCES[keys[0]].edition
        for key in keys:
            source = SOURCES[key]
            digest = hashlib.sha256((geo_dir / source.filename).read_bytes()).hexdigest()
            assert recorded["files"][source.filename] == digest, source.filename
    text = (info.folder / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in text and "DGCL" in text and "IGN" in text


def test_the_build_gives_back_the_installed_pack_byte_for_byte(geo_dir, tmp_path):
    """The installed pack is what the project's script makes from the official files."""
    info = rp.pack_info()
    assert info is not None
    build(tmp_path, folder=geo_dir, built=info.built)
    for name in [*rp.FILES.values(), "meta.json", "ATTRIBUTION.md"]:
        assert (tmp_path / name).read_bytes() == (info.folder / name).read_bytes(), name


def test_a_present_official_file_takes_precedence(geo_dir, tmp_path):
    folder = tmp_path / "officiel"
    frr = SOURCES["frr"].filename
    (folder / frr).parent.mkdir(parents=True)
    shutil.copyfile(geo_dir / frr, folder / frr)
    official = load_official(folder=folder)
    assert official.origins["frr"] == str(folder / frr)
    assert official.origins["communes"] == "pack"
    lines = dict(zip(LAYERS, official.attributions(), strict=True))
    assert lines["frr"].endswith("; fichier officiel")
    assert "paquet régional" in lines["communes"]
    assert len(official.frr) == 34875  # the whole national file, read as it is


def test_loading_from_the_pack_makes_no_download_attempt(monkeypatch):
    monkeypatch.delenv("MILO_OFFLINE", raising=False)  # online, as a user's machine

    def refuse(*args, **kwargs):
        raise AssertionError("download attempted")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    assert len(load_official().current) == 3685


def test_without_pack_nor_file_offline_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(rp, "PACK_DIR", tmp_path / "absent")
    with pytest.raises(DataSourceError) as caught:
        load_official()
    assert "introuvable" in caught.value.message
    assert "MILO_DATA_DIR" in (caught.value.hint or "")


def test_a_damaged_pack_is_a_french_error(monkeypatch, tmp_path):
    shutil.copytree(rp.PACK_DIR, tmp_path / "pack")
    (tmp_path / "pack" / rp.FILES["qpv"]).write_bytes(b"pas du gzip")
    monkeypatch.setattr(rp, "PACK_DIR", tmp_path / "pack")
    with pytest.raises(DataSourceError) as caught:
        load_official()
    assert "couche qpv illisible" in caught.value.message
    assert "make region-pack" in (caught.value.hint or "")


def test_a_pack_of_another_schema_is_refused(monkeypatch, tmp_path):
    shutil.copytree(rp.PACK_DIR, tmp_path / "pack")
    meta = json.loads((tmp_path / "pack" / "meta.json").read_text())
    (tmp_path / "pack" / "meta.json").write_text(json.dumps({**meta, "schema": 99}))
    monkeypatch.setattr(rp, "PACK_DIR", tmp_path / "pack")
    with pytest.raises(DataSourceError, match="schéma 99"):
        load_official()


def test_the_pack_files_are_reproducible_gzip():
    assert gzip.decompress(rp._gz("abc")) == b"abc"
    assert rp._gz("abc") == rp._gz("abc")  # no timestamp in the header
    assert rp.pack_info() is not None and rp.pack_info().built <= date.today()
