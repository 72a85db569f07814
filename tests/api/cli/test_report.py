"""``milo report REGION.toml --activity FILE --out DIR`` on the demo region (the official
files of ../shared): the counts reconstituted from the ARML's published totals come out in
report.pdf as published; and its French errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app
from geo_data.demo import DEMO_DIR
from geo_data.region import parse_region
from tests.maps.kit.pdf_tools import pdf_text
from tests.planner.workflows.report_fixture import published_counts

runner = CliRunner()
REGION = DEMO_DIR / "specs" / "region-bfc.toml"


@pytest.mark.shared
def test_milo_report_writes_the_published_totals(tmp_path, geo_dir):
    from geo_data.region import load_region

    _, territories = load_region(REGION, data_dir=geo_dir)
    counts = tmp_path / "comptages.csv"
    published_counts([t.id for t in territories[:23]]).to_csv(counts, index=False)
    out = tmp_path / "bilan"
    args = ["report", str(REGION), "--activity", str(counts), "--out", str(out),
            "--data-dir", str(geo_dir)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = pdf_text(out / "report.pdf")
    for figure in ("5 133", "1 840", "487", "804", "Jeunes de 16 à 25 ans à moins de 20"):
        assert figure in text, figure
    assert "Lieux partenaires par type" in text and "France Services" in text
    assert "données fictives" not in text.lower()
    html = (out / "report.html").read_text()
    assert "Arrondissement 211 (Beaune)" in html
    wrong = tmp_path / "inconnu.csv"
    published_counts(["ml-inconnue"]).to_csv(wrong, index=False)
    result = runner.invoke(app, [*args[:2], "--activity", str(wrong), *args[4:]])
    assert result.exit_code == 2 and "colonne territory" in result.output


def test_milo_report_errors_in_french(tmp_path):
    result = runner.invoke(app, ["report", str(REGION), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Aucun comptage" in result.output
    assert "--activite-fictive" in result.output
    assert parse_region(REGION.read_text()).id == "bfc"
