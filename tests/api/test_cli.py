"""The ``milo`` command line: French output, files written, clear errors with exit code 2."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_territory_on_demo_slug(tmp_path):
    result = runner.invoke(app, ["territory", "creusot-montceau", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Communes" in result.output and "QPV" in result.output
    data = json.loads((tmp_path / "creusot-montceau" / "territory.geojson").read_text())
    assert len(data["features"]) == 34
    assert data["metadata"]["young_method"].startswith("estimation")
    assert {"frr_class", "qpv", "young"} <= set(data["features"][0]["properties"])


def test_territory_bad_spec_is_a_french_error(tmp_path, data_dir):
    result = runner.invoke(
        app,
        ["territory", str(data_dir / "geo_data/specs/unknown_key.toml"), "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "Erreur" in result.output and "colour" in result.output and "Conseil" in result.output


def test_demo_writes_both_territories(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for slug in ("marches-de-bourgogne", "creusot-montceau"):
        assert (tmp_path / slug / "territory.geojson").is_file()
    assert "Marches de Bourgogne" in result.output
