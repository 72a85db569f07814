"""The ``milo`` command line: French output, files written, clear errors with exit code 2."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from api.cli import app
from api.cli.territory import print_summary
from geo_data.demo import load_demo_territory
from planner.coverage.need import COMPONENT_LABELS

runner = CliRunner()


def test_territory_on_demo_slug(tmp_path):
    result = runner.invoke(app, ["territory", "creusot-montceau", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Communes" in result.output and "QPV" in result.output
    data = json.loads((tmp_path / "creusot-montceau" / "territory.geojson").read_text())
    assert len(data["features"]) == 34
    assert data["metadata"]["young_method"].startswith("estimation")
    assert {"frr_class", "qpv", "young"} <= set(data["features"][0]["properties"])


def test_territory_summary_counts_amenities_to_check():
    out = io.StringIO()
    print_summary(load_demo_territory("creusot-montceau"), Console(file=out, width=400))
    # 34 town halls and 5 France Services say nothing of electricity, the 5 nothing of parking
    assert "Équipements « à vérifier » (aucune source ne les indique)" in out.getvalue()
    assert "électricité : 39 lieu(x) ; stationnement : 5 lieu(x)" in out.getvalue()


def test_plan_defaults_to_the_engine_s_time_limit():
    import inspect

    from api.cli.plan import plan
    from planner.itinerary.solver import DEFAULT_TIME_LIMIT
    from planner.workflows.planning import plan_territory

    for func in (plan, plan_territory):
        assert inspect.signature(func).parameters["time_limit"].default == DEFAULT_TIME_LIMIT


def test_territory_bad_spec_is_a_french_error(tmp_path, data_dir):
    result = runner.invoke(
        app,
        ["territory", str(data_dir / "geo_data/specs/unknown_key.toml"), "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "Erreur" in result.output and "colour" in result.output and "Conseil" in result.output


def test_demo_writes_both_territories_and_the_region_with_no_download(tmp_path, monkeypatch):
    """Online as a user's machine, but with no official file: the region comes from the pack
    installed with the package, and nothing is fetched."""
    import urllib.request

    monkeypatch.delenv("MILO_OFFLINE", raising=False)

    def refuse(*args, **kwargs):
        raise AssertionError("download attempted")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    for slug in ("marches-de-bourgogne", "creusot-montceau"):
        assert (tmp_path / slug / "territory.geojson").is_file()
    assert "Marches de Bourgogne" in result.output
    assert "non lancée" not in result.output
    region = json.loads((tmp_path / "region" / "comparison.json").read_text())
    assert len(region["territories"]) == 25  # 24 arrondissements and the region
    assert all("paquet régional" in line for line in region["region"]["sources"])
    assert (tmp_path / "region" / "report.pdf").is_file()


def test_coverage_writes_need_with_components(tmp_path):
    result = runner.invoke(app, ["coverage", "creusot-montceau", "--out", str(tmp_path), "-k", "3"])
    assert result.exit_code == 0, result.output
    header = (tmp_path / "need.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    for component in COMPONENT_LABELS.values():
        assert {f"{component} : valeur", f"{component} : poids"} <= set(header)
    cover = json.loads((tmp_path / "coverage.json").read_text())
    assert len(cover["stops"]) == 3 and cover["travel_time_method"] == "estimate"
    assert cover["activity"] == "données fictives"
    geo = json.loads((tmp_path / "need.geojson").read_text())
    assert len(geo["features"]) == 34


def test_coverage_bad_k_is_a_french_error(tmp_path):
    result = runner.invoke(app, ["coverage", "creusot-montceau", "--out", str(tmp_path), "-k", "0"])
    assert result.exit_code == 2 and "Erreur" in result.output


@pytest.mark.shared
def test_compare_suppresses_small_counts(tmp_path, geo_dir):
    region = tmp_path / "region.toml"
    region.write_text(
        '[region]\nid = "r"\nname = "R"\n'
        '[[territories]]\nid = "montbard"\nname = "Montbard"\nepci = ["242101491"]\n'
        '[[territories]]\nid = "creusot"\nname = "Creusot"\nepci = ["247100290"]\n'
    )
    args = ["compare", str(region), "--out", str(tmp_path / "out"), "--data-dir", str(geo_dir)]
    result = runner.invoke(app, [*args, "--activite-fictive"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "comparison.json").read_text())
    rows = {r["territory_id"]: r for r in data["territories"]}
    assert set(rows) == {"montbard", "creusot", "region"}
    assert rows["montbard"]["qpv_total"] == "< 11"  # 0 QPV: any count under 11 is hidden
    assert rows["creusot"]["activity_label"] == "données fictives"
    assert "< 11" in (tmp_path / "out" / "comparison.csv").read_text()


def test_compare_runs_from_the_region_pack_alone(tmp_path):
    region = tmp_path / "region.toml"
    region.write_text(
        '[region]\nid = "r"\nname = "R"\n'
        '[[territories]]\nid = "lons"\nname = "Lons"\nepci = ["200071116"]\n'
        '[[territories]]\nid = "pontarlier"\nname = "Haut-Doubs"\nepci = ["200069565"]\n'
    )
    result = runner.invoke(app, ["compare", str(region), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "comparison.json").read_text())
    assert {r["territory_id"] for r in data["territories"]} == {"lons", "pontarlier", "region"}
    assert any("FRR" in line and "paquet régional" in line for line in data["region"]["sources"])


def test_plan_then_validate(tmp_path):
    out = tmp_path / "plan"
    args = ["plan", "creusot-montceau", "--start", "2026-12-14", "--weeks", "2"]
    result = runner.invoke(app, [*args, "--time-limit", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "plan.json", "plan.csv", "plan.ics", "plan.gpx", "arrets.csv", "communes.csv",
        "non-planifies.csv",
    }  # fmt: skip
    assert "voir non-planifies.csv" in result.output
    unplanned = (out / "non-planifies.csv").read_text(encoding="utf-8")
    assert unplanned.startswith("\ufeffArrêt;Code INSEE;Commune;")
    doc = json.loads((out / "plan.json").read_text())
    assert doc["travel_time_method"] == "estimate" and "vol d'oiseau" in doc["travel_time"]
    dates = {v["date"] for v in doc["visits"]}
    assert "2026-12-25" not in dates and "2026-12-24" in dates  # Christmas Day is a holiday
    checked = runner.invoke(app, ["validate", str(out / "plan.json")])
    assert checked.exit_code == 0 and "Plan valide" in checked.output
    doc["visits"][0]["start"] = "03:00"
    doc["visits"][0]["start_s"] = 3 * 3600
    (out / "plan.json").write_text(json.dumps(doc))
    broken = runner.invoke(app, ["validate", str(out / "plan.json")])
    assert broken.exit_code == 1 and "règle(s) enfreinte(s)" in broken.output


def test_plan_bad_inputs_are_french_errors(tmp_path):
    result = runner.invoke(
        app, ["plan", "creusot-montceau", "--weeks", "9", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "Erreur" in result.output
    result = runner.invoke(app, ["plan", "creusot-montceau", "--start", "30/11/2026"])
    assert result.exit_code == 2 and "AAAA-MM-JJ" in result.output


def test_plan_with_the_manager_caps_then_validate(tmp_path):
    out = tmp_path / "plan"
    args = ["plan", "creusot-montceau", "--start", "2026-12-07", "--weeks", "1", "--out", str(out)]
    caps = ["--max-drive", "60", "--sessions-per-week", "3", "--access-minutes", "20"]
    result = runner.invoke(app, [*args, *caps, "--time-limit", "1", "--solver", "local"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "plan.json").read_text())
    overrides = doc["source"]["overrides"]
    assert overrides["rules"] == {"access_minutes": 20}
    assert overrides["vans"]["equipe-creusot"] == {"max_drive_minutes": 60, "sessions_per_week": 3}
    per_van: dict[str, int] = {}
    for v in doc["visits"]:
        per_van[v["van"]] = per_van.get(v["van"], 0) + 1
    assert per_van and max(per_van.values()) <= 3
    assert max(d["drive_s"] for d in doc["days"]) <= 3600
    checked = runner.invoke(app, ["validate", str(out / "plan.json")])
    assert checked.exit_code == 0 and "Plan valide" in checked.output, checked.output


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--sessions-per-week", "0"], "séances par semaine (sessions_per_week) 0 invalide"),
        (["--max-drive", "2000"], "conduite maximale par jour"),
        (["--access-minutes", "500"], "Temps d'accès 500 min hors limites"),
        (["--exploration-share", "1.5"], "Part d'exploration 1.5"),
    ],
)
def test_plan_bad_manager_options_are_french_errors(tmp_path, option, message):
    result = runner.invoke(app, ["plan", "creusot-montceau", "--out", str(tmp_path), *option])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
