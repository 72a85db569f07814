"""The territory page's « Réseau routier » section: the download ``milo roads`` makes, started
by the manager, with its progress, then the network the plans use; offline, a French error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.matrix import synthetic_road_graph
from tests.api.service.conftest import CM
from tests.api.web.conftest import csrf_of
from tests.geo_data.overpass_standin import OsmExtract, OverpassStandIn

URL = f"/territoires/{CM}"
HX = {"HX-Request": "true"}


def osm_xml(path: Path) -> Path:
    """A road-like graph over Creusot-Montceau written as OSM XML (the stand-in's data here:
    no real extract of Burgundy exists offline; the real-data path is tests/api/cli/test_roads)."""
    G = synthetic_road_graph(4000, seed=5, side_m=45_000.0)
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", "<osm version='0.6'>"]
    lines += [
        f"<node id='{n + 1}' lat='{d['y']:.7f}' lon='{d['x']:.7f}'/>" for n, d in G.nodes(data=True)
    ]
    seen = set()
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        if (v, u) in seen:
            continue
        seen.add((u, v))
        lines.append(
            f"<way id='{i + 1}'><nd ref='{u + 1}'/><nd ref='{v + 1}'/>"
            f"<tag k='highway' v='{d['highway']}'/></way>"
        )
    lines.append("</osm>")
    path.write_text("\n".join(lines))
    return path


@pytest.fixture
def standin(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_OFFLINE", "0")
    with OverpassStandIn(OsmExtract(osm_xml(tmp_path / "bourgogne.osm"))) as server:
        monkeypatch.setenv("MILO_OVERPASS_URL", server.url)
        yield server


def wait_done(client, deadline_s: float = 120.0) -> str:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        html = client.get(f"{URL}/reseau-routier", headers=HX).text
        if "en cours" not in html:
            return html
        time.sleep(0.5)
    raise AssertionError("download still running")


@pytest.mark.filterwarnings("ignore::planner.matrix.SnapDistanceWarning")  # a sparse graph
def test_manager_downloads_the_network_with_progress(as_person, standin):
    client = as_person("manager")
    page = client.get(URL).text
    assert "Réseau routier" in page and "Aucun réseau routier téléchargé" in page
    r = client.post(f"{URL}/reseau-routier", data={"csrf": csrf_of(page)}, headers=HX)
    assert r.status_code == 200, r.text
    html = wait_done(client)
    assert "OSM (" in html and "nœuds" in html and "Les plans calculés utilisent" in html
    assert "requête(s) Overpass" in html  # the download's log, as milo roads prints it
    assert len(standin.queries) == 1
    assert "Retélécharger" in client.get(URL).text


def test_offline_download_is_a_french_error(as_person, monkeypatch):
    monkeypatch.setenv("MILO_OFFLINE", "1")
    client = as_person("manager")
    page = client.get(URL).text
    client.post(f"{URL}/reseau-routier", data={"csrf": csrf_of(page)}, headers=HX)
    html = wait_done(client)
    assert 'role="alert"' in html and "MILO_OFFLINE" in html and "--network" in html


def test_without_csrf_or_as_conseiller_refused(as_person):
    assert as_person("manager").post(f"{URL}/reseau-routier", headers=HX).status_code == 403
    conseiller = as_person("conseiller")
    page = conseiller.get("/compte").text
    r = conseiller.post(f"{URL}/reseau-routier", data={"csrf": csrf_of(page)}, headers=HX)
    assert r.status_code == 403
