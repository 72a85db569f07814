"""``milo kit PLAN --week N --out DIR``: the kit of one week of a real plan file (images,
text, posters whose QR codes lead to the stop pages, partner sheets), and its French errors."""

from __future__ import annotations

import datetime as dt
import io
import json

from PIL import Image
from typer.testing import CliRunner

from api.cli import app
from maps.kit.bundle import slug
from planner.publication import day_fr
from tests.maps.kit.pdf_tools import decode_qr, pdf_text

runner = CliRunner()
BASE = "https://milo.example.fr"


def test_milo_kit_writes_the_week_s_kit(tmp_path, monkeypatch):
    monkeypatch.delenv("MILO_PUBLIC_URL", raising=False)
    out = tmp_path / "plan"
    args = ["plan", "creusot-montceau", "--start", "2027-01-04", "--weeks", "2",
            "--time-limit", "1", "--solver", "greedy", "--out", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text())
    kit = tmp_path / "kit"
    result = runner.invoke(
        app, ["kit", str(out / "plan.json"), "--week", "2", "--out", str(kit), "--url", BASE]
    )
    assert result.exit_code == 0, result.output
    assert "📍 Cette semaine, la Mission Locale Creusot-Montceau" in result.output
    week2 = [v for v in plan["visits"] if "2027-01-11" <= v["date"] <= "2027-01-17"]
    stops = {v["stop_id"]: v["stop_name"] for v in week2 if not v.get("private")}
    for name, size in (("carre", (1080, 1080)), ("story", (1080, 1920))):
        with Image.open(io.BytesIO((kit / f"semaine-2-{name}.png").read_bytes())) as png:
            assert png.size == size
    text = (kit / "semaine-2-texte.txt").read_text()
    assert text.count("\n• ") == len(week2) and f"{BASE}/public/creusot-montceau" in text
    posters = sorted((kit / "affiches").glob("*.pdf"))
    assert len(posters) == len(stops)
    url = decode_qr(posters[0])
    stop_id = url.rsplit("/", 1)[1]
    assert url == f"{BASE}/public/creusot-montceau/arrets/{stop_id}"
    assert stops[stop_id] in pdf_text(posters[0])
    assert (kit / "LISEZMOI.txt").read_text().startswith("Kit de communication")
    # a partner's sheet lists exactly the plan's sessions it hosts (both weeks)
    hosts = {slug(v["host"]): v["host"] for v in week2 if v["host"] and not v.get("private")}
    sheets = sorted((kit / "partenaires").glob("*.pdf"))
    assert {p.stem for p in sheets} == set(hosts)
    host = hosts[sheets[0].stem]
    hosted = [v for v in plan["visits"] if v["host"] == host and not v.get("private")]
    dated = [line for line in pdf_text(sheets[0]).splitlines() if " 2027 " in line]
    assert len(dated) == len(hosted)
    for v in hosted:
        day = day_fr(dt.date.fromisoformat(v["date"]), year=True)
        assert any(day in line for line in dated), day


def test_milo_kit_errors_in_french(tmp_path, monkeypatch):
    monkeypatch.delenv("MILO_PUBLIC_URL", raising=False)
    result = runner.invoke(app, ["kit", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "Adresse publique du service inconnue" in result.output
    result = runner.invoke(app, ["kit", str(tmp_path / "absent.json"), "--url", "pas une url"])
    assert result.exit_code == 2 and "Plan illisible" in result.output
    out = tmp_path / "plan"
    args = ["plan", "marches-de-bourgogne", "--start", "2027-01-04", "--weeks", "1",
            "--time-limit", "1", "--solver", "greedy", "--out", str(out)]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["kit", str(out / "plan.json"), "--week", "3", "--url", BASE])
    assert result.exit_code == 2 and "Semaine 3 absente du plan" in result.output
    result = runner.invoke(app, ["kit", str(out / "plan.json"), "--url", "ftp://x"])
    assert result.exit_code == 2 and "Adresse publique du service 'ftp://x' illisible" in (
        result.output
    )
