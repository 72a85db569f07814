"""The road-vs-estimate benchmark in quick mode on the Andorra extract: sane figures."""

from __future__ import annotations

import json

import pytest

from benchmarks import roads


@pytest.mark.shared
def test_quick_run_on_andorra_gives_sane_figures(geo_dir, capsys) -> None:
    if not (geo_dir / "osm" / "andorra.osm.pbf").is_file():
        pytest.skip("extrait OSM d'Andorre absent")
    assert roads.main(["--quick", "--only", "andorra"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    r = json.loads(line)
    assert r["extract"] == "andorra" and r["self_pairs"] == r["n_points"] == 40
    assert r["n_pairs"] + r["unreachable_pairs"] + r["zero_estimate_pairs"] == 40 * 39
    for key in ("duration_ratio", "distance_ratio", "road_vs_straight"):
        q = r[key]
        assert 0 < q["p10"] <= q["median"] <= q["p90"], key
    assert r["road_vs_straight"]["min"] >= 0.98  # integer metres round both ways
    for flips in r["flips"].values():
        assert all(0 <= v <= 1 for v in flips.values())
        assert flips["total"] == pytest.approx(
            flips["road_only"] + flips["estimate_only"], abs=2e-4
        )
    assert r["estimate"]["circuity"] == 1.3
