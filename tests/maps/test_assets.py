"""Offline rendering: every library inlined, no network URL left, clear errors otherwise."""

from __future__ import annotations

import re

import folium
import pytest
from folium.plugins import HeatMap, MarkerCluster

from maps.assets import asset_text, external_urls, render_offline
from planner.errors import DataSourceError


def _plain_map() -> folium.Map:
    m = folium.Map(tiles=None)
    MarkerCluster().add_to(m)
    HeatMap([[47.0, 4.0, 1.0]]).add_to(m)
    folium.Marker([47.0, 4.0], icon=folium.DivIcon(html="<b>1</b>")).add_to(m)
    return m


def test_render_offline_inlines_every_library_and_leaves_no_url():
    html = render_offline(_plain_map())
    assert external_urls(html) == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    for marker in ("Leaflet 1.9.4", "jQuery v3.7.1", "markerClusterGroup", "heatLayer"):
        assert marker in html, marker
    assert "images/layers.png" not in html  # CSS images became data: URLs


def test_external_urls_finds_cdn_links():
    html = '<script src="https://cdn.example/x.js"></script><link href="//cdn.example/y.css">'
    assert len(external_urls(html)) == 2
    assert external_urls('<a href="https://example.org">lien</a>') == []


def test_unknown_external_resource_is_refused():
    m = folium.Map(tiles=None)
    m.default_js = list(m.default_js)  # add_js_link would otherwise change the class's list
    m.add_js_link("mystery", "https://cdn.example/mystery.js")
    with pytest.raises(DataSourceError, match="Ressource externe non prévue hors ligne : mystery"):
        render_offline(m)


def test_font_awesome_icons_are_refused():
    m = folium.Map(tiles=None)
    folium.Marker([47.0, 4.0], icon=folium.Icon()).add_to(m)
    with pytest.raises(DataSourceError, match="indisponible hors ligne"):
        render_offline(m)


def test_missing_vendor_folder_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_MAPS_VENDOR", str(tmp_path))
    with pytest.raises(DataSourceError, match="Bibliothèque cartographique absente") as info:
        asset_text("leaflet")
    assert "make assets" in info.value.hint


def test_inlined_script_cannot_close_its_tag():
    from maps.assets import _inline

    assert _inline("js", "a='</script>'").text == "<script>a='<\\/script>'</script>"
    assert _inline("css", "a{}").text == "<style>a{}</style>"


def test_pages_are_french_titled_and_zoomable():
    from maps.base import Legend

    m = folium.Map(location=[47.0, 4.5], zoom_start=9, tiles=None)
    assert "<title>Carte — milo-nomade</title>" in render_offline(m)
    m = folium.Map(location=[47.0, 4.5], zoom_start=9, tiles=None)
    Legend("Tournées — <script>alert(1)</script>").add_to(m)
    html = render_offline(m)
    assert html.count('<html lang="fr">') == 1
    assert "<title>Tournées — &lt;script&gt;alert(1)&lt;/script&gt; — milo-nomade</title>" in html
    assert "user-scalable=no" not in html and "maximum-scale" not in html
