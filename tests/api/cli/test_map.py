"""``milo map PLAN.json --out FILE``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from maps.assets import external_urls

runner = CliRunner()


def test_map_command_writes_an_offline_page(tmp_path, small_plan):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(small_plan))
    out = tmp_path / "carte" / "plan.html"
    result = runner.invoke(app, ["map", str(plan), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Écrit" in result.output
    assert external_urls(out.read_text()) == []
    result = runner.invoke(app, ["map", str(plan)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "itinerary.html").is_file()


def test_map_command_errors_in_french(tmp_path):
    result = runner.invoke(app, ["map", str(tmp_path / "absent.json")])
    assert result.exit_code == 2
    assert "Plan illisible" in result.output and "Conseil" in result.output
