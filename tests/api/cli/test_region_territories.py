"""Any territory of the region, offline, with no official file: ``milo territory`` and ``milo
plan`` on one EPCI of each of the eight départements, read from the region pack alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from geo_data.demo import DEMO_SLUGS, demo_spec_path
from geo_data.official import load_official
from geo_data.sources import DEPARTEMENTS_BFC
from geo_data.spec import read_spec

runner = CliRunner()
DEMO_EPCI = {code for slug in DEMO_SLUGS for code in read_spec(demo_spec_path(slug)).epci}


def _epci_of(departement: str) -> tuple[str, str, str]:
    """The median-sized EPCI (by commune count) lying wholly in ``departement``, not a demo's:
    its SIREN, name, and its most populous commune (the Mission Locale's base)."""
    official = load_official()
    current = official.current.join(official.epci[["epci", "epci_name"]])
    groups = current.groupby("epci")
    inside = [
        code
        for code, g in groups
        if set(g["departement"]) == {departement} and code not in DEMO_EPCI
    ]
    ranked = sorted(inside, key=lambda code: (len(groups.get_group(code)), code))
    code = ranked[len(ranked) // 2]
    members = groups.get_group(code)
    return code, str(members["epci_name"].iloc[0]), str(members["population"].idxmax())


def _spec(folder: Path, departement: str) -> tuple[Path, str]:
    epci, name, base = _epci_of(departement)
    slug = f"epci-{epci}"
    path = folder / f"{slug}.toml"
    path.write_text(
        f'[territory]\nid = "{slug}"\nname = "{name}"\nepci = ["{epci}"]\n\n'
        f'[[bases]]\nid = "siege"\nname = "Mission Locale"\ncommune = "{base}"\nkind = "siege"\n\n'
        '[[vans]]\nid = "milo-mobile"\nbase = "siege"\nstart = "08:30"\nend = "17:30"\n\n'
        '[calendar]\nsetup_minutes = 30\nschool_zone = "A"\n',
        encoding="utf-8",
    )
    return path, name


@pytest.mark.parametrize("departement", list(DEPARTEMENTS_BFC))
def test_territory_and_plan_of_an_epci_of_each_departement(departement, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing beside the working folder either
    spec, name = _spec(tmp_path, departement)
    shown = runner.invoke(app, ["territory", str(spec), "--out", str(tmp_path / "t")])
    assert shown.exit_code == 0, shown.output
    assert name.split()[0] in shown.output
    geo = json.loads(next((tmp_path / "t").glob("*/territory.geojson")).read_text())
    assert geo["features"] and all(
        "paquet régional milo-nomade" in line for line in geo["metadata"]["sources"]
    )
    assert {f["properties"]["departement"] for f in geo["features"]} == {departement}
    out = tmp_path / "plan"
    args = ["plan", str(spec), "--start", "2027-01-11", "--weeks", "1", "--time-limit", "2"]
    planned = runner.invoke(app, [*args, "--out", str(out)])
    assert planned.exit_code == 0, planned.output
    doc = json.loads((out / "plan.json").read_text())
    assert doc["visits"], "a week of a van must visit somewhere"
    communes = {f["properties"]["code"] for f in geo["features"]}
    assert {v["commune"] for v in doc["visits"]} <= communes
    assert doc["travel_time_method"] == "estimate"  # no road network downloaded here
    assert any("Classement des communes" in s for s in doc["source"]["data_sources"])


def test_a_fresh_process_with_no_data_and_no_network_plans_a_territory(tmp_path):
    """The installed ``milo`` in a bare environment: no MILO_DATA_DIR, an empty cache and home,
    downloads forbidden, run from an empty folder."""
    spec, _ = _spec(tmp_path, "39")
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"),
        "MILO_CACHE_DIR": str(tmp_path / "cache"), "MILO_OFFLINE": "1",
    }  # fmt: skip
    milo = Path(sys.executable).with_name("milo")
    args = [str(milo), "plan", str(spec), "--start", "2027-01-11", "--weeks", "1"]
    done = subprocess.run(
        [*args, "--time-limit", "2", "--out", str(tmp_path / "plan")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "plan" / "plan.json").is_file()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))
