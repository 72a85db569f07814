"""``milo roads`` then ``milo plan`` / ``milo coverage`` on the Overpass stand-in's area: the
plan's method is the downloaded OSM network and its day routes follow the roads."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from api.cli import app
from geo_data import road_cache as rc
from geo_data.roads import load_network
from tests.geo_data.overpass_standin import OverpassStandIn
from tests.geo_data.test_road_cache import andorra_folder, andorra_pbf, extract  # noqa: F401

runner = CliRunner()


def test_roads_then_plan_uses_the_osm_network(andorra_folder, extract, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MILO_OFFLINE", "0")
    with OverpassStandIn(extract) as standin:
        monkeypatch.setenv("MILO_OVERPASS_URL", standin.url)
        got = runner.invoke(app, ["roads", str(andorra_folder), "--buffer-m", "2000"])
    assert got.exit_code == 0, got.output
    assert "requête(s) Overpass" in got.output and "OSM (28 mai 2013)" in got.output
    monkeypatch.setenv("MILO_OFFLINE", "1")  # from now on, no download at all
    out = tmp_path / "plan"
    args = ["plan", str(andorra_folder), "--weeks", "1", "--time-limit", "3", "--out", str(out)]
    planned = runner.invoke(app, [*args, "--start", "2026-09-07"])
    assert planned.exit_code == 0, planned.output
    doc = json.loads((out / "plan.json").read_text())
    assert doc["travel_time_method"] == "osm"
    assert doc["travel_time"] == "temps de trajet sur le réseau routier OSM (28 mai 2013)"
    assert doc["visits"]
    G = load_network(rc.graph_path(rc.territory_folder("andorre-test")))
    on_roads = {(round(d["x"], 5), round(d["y"], 5)) for _, d in G.nodes(data=True)}
    for _, _, d in G.edges(data=True):
        if "geometry" in d:
            on_roads.update((round(x, 5), round(y, 5)) for x, y in d["geometry"].coords)
    for day in doc["days"]:
        line = np.array(day["geometry"])
        inner = [(round(x, 5), round(y, 5)) for x, y in line[1:-1]]
        assert len(line) > 2 * len(day.get("visits", day.get("stops", []))) + 2
        share = np.mean([p in on_roads for p in inner])
        assert share > 0.9, share  # all but the stops themselves are road vertices
    covered = runner.invoke(
        app, ["coverage", str(andorra_folder), "-k", "2", "--out", str(tmp_path / "c")]
    )
    assert covered.exit_code == 0, covered.output
    assert "OSM (28 mai 2013)" in covered.output
