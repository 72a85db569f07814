"""The regional report (``maps.report`` on ``planner.workflows.report``): a counts file built
to the ARML's published totals gives a report whose PDF text holds exactly those totals, each
support scheme, each situation and the path-duration shares; the HTML opens offline in
Chromium with no failed request."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geo_data.counts_file import parse_counts
from maps.report import write_report
from planner.outcomes import SCHEMES as SCHEME_LABELS
from planner.outcomes import SITUATIONS as SITUATION_LABELS
from planner.workflows.report import regional_report
from tests.maps.conftest import ARTIFACTS
from tests.maps.kit.pdf_tools import first_page_png, pdf_text
from tests.planner.workflows.report_fixture import (
    DURATIONS,
    SCHEMES,
    SHARES,
    SITUATIONS,
    published_counts,
)

IDS = [f"ml-{k:02d}" for k in range(1, 24)]
EDITED = dt.date(2026, 12, 2)


def fr(n: int) -> str:
    return f"{n:,}".replace(",", " ")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    counts = parse_counts(published_counts(IDS), territories=IDS, today=EDITED)
    report = regional_report(
        "Bourgogne-Franche-Comté",
        {t: f"Mission Locale {t}" for t in IDS},
        counts,
        counts_source="Comptages reconstitués du bilan ARML 2020-2023",
    )
    out = tmp_path_factory.mktemp("report")
    html, pdf = write_report(report, out, edited=EDITED)
    return report, html, pdf


def test_the_pdf_reproduces_the_published_tables(written):
    _, _, pdf = written
    text = pdf_text(pdf)
    lines = [re.sub(r"\s{2,}", "  ", line.strip()) for line in text.splitlines()]
    assert "5 133" in text and "1 840" in text and "256" in text
    for column, n in SCHEMES.items():
        assert any(line.startswith(SCHEME_LABELS[column]) and f"  {fr(n)}  " in line + "  "
                   for line in lines), column  # fmt: skip
    for column, n in SITUATIONS.items():
        assert any(line.startswith(SITUATION_LABELS[column]) and f"  {fr(n)}  " in line + "  "
                   for line in lines), column  # fmt: skip
    totals = [line for line in lines if line.startswith("Total  ")]
    assert any("  487  " in line + "  " for line in totals)
    assert any("  804  " in line + "  " for line in totals)
    bands = ("Moins de 3 mois", "De 3 à 6 mois", "De 6 à 12 mois", "De 12 à 24 mois",
             "Plus de 24 mois")  # fmt: skip
    for label, n, share in zip(bands, DURATIONS.values(), SHARES, strict=True):
        assert any(line.startswith(label) and line.endswith(f"{fr(n)}  {share}")
                   for line in lines), label  # fmt: skip
    assert "de janvier 2020 à juin 2023" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first_page_png(pdf, ARTIFACTS / "report-page-1.png")


def test_the_report_tables_hold_the_totals(written):
    report, _, _ = written
    assert dict(report.key_figures)["Jeunes repérés"] == 5133
    assert dict(report.key_figures)["Jeunes mobilisés"] == 1840
    assert report.table("dispositifs").rows[-1][1] == 487
    assert report.table("situations").rows[-1][1] == 804
    assert [r[2] for r in report.table("durees").rows[:-1]] == list(SHARES)
    assert report.table("demarches").rows[-1][-1] == 5133
    assert all(t.source for t in report.tables)


@pytest.mark.browser
def test_the_html_opens_offline_without_a_failed_request(chromium, written):
    _, html, _ = written
    page = chromium.open_with(html, ready="h1")
    try:
        page.check_clean()
        assert page.page.locator("h1").inner_text() == "Aller vers les jeunes : bilan régional"
        assert page.page.locator("img.chart").count() == 2
        assert page.page.evaluate(
            "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        chromium.screenshot(page, "report.png")
    finally:
        page.page.close()
