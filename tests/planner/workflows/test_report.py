"""The regional report's tables (``planner.workflows.report``): a small count broken down by
territory is « < 11 » and cannot be taken back from the totals; the synthetic demo counts are
valid counts and the report says they are fictive."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from geo_data.counts_file import parse_counts
from maps.report import report_html
from planner.coverage.suppression import SECONDARY, SMALL
from planner.coverage.synthetic_outcomes import synthetic_counts
from planner.workflows.report import regional_report
from tests.planner.workflows.report_fixture import published_counts

IDS = ["ml-a", "ml-b", "ml-c"]
TODAY = dt.date(2026, 12, 1)


def test_a_small_cell_is_hidden_and_protected():
    raw = published_counts(IDS)
    small = raw.index[(raw["territory"] == "ml-a") & (raw["approach"] == "maraude")]
    raw.loc[small, ["reperes", "mobilises", "contacts"]] = 0
    raw.loc[small[0], ["reperes", "contacts"]] = [4, 8]
    for column in [c for c in raw.columns if c.startswith(("duree", "pacea", "emploi"))]:
        raw.loc[small, column] = 0
    keep = [c for c in raw.columns if not c.startswith(("pacea", "garantie", "cej", "parrain",
                                                        "aij", "autre", "immersion", "volont",
                                                        "retour", "formation", "alternance",
                                                        "emploi", "duree"))]  # fmt: skip
    counts = parse_counts(raw[keep], territories=IDS, today=TODAY)
    report = regional_report("R", {t: t.upper() for t in IDS}, counts, counts_source="test")
    rows = {r[0]: r[1:] for r in report.table("demarches").rows}
    assert rows["ML-A"][0] == SMALL  # maraude of ml-a: 4
    hidden = [v for row in rows.values() for v in row if v == SECONDARY]
    assert hidden, "a second cell hides the small one from the totals"
    assert dict(report.key_figures)["Jeunes repérés"] == int(counts["reperes"].sum())


def test_the_synthetic_counts_are_valid_and_labelled():
    counts = synthetic_counts(IDS, first=dt.date(2020, 1, 1), months=42, seed=3)
    again = synthetic_counts(IDS, first=dt.date(2020, 1, 1), months=42, seed=3)
    pd.testing.assert_frame_equal(counts, again)  # seeded
    text = io.StringIO()
    counts.to_csv(text, index=False)
    checked = parse_counts(pd.read_csv(io.StringIO(text.getvalue())), territories=IDS,
                           today=TODAY)  # fmt: skip
    assert int(checked["reperes"].sum()) == int(counts["reperes"].sum())
    months = checked.groupby(checked["period_start"].map(lambda d: d.month))["reperes"].sum()
    assert months[9] > months[8] and months[6] > months[7]  # the school year's peaks
    report = regional_report("R", {t: t for t in IDS}, checked, counts_source="démo",
                             synthetic=True)  # fmt: skip
    html = report_html(report, edited=TODAY)
    assert "Données fictives" in html and "(données fictives)" in report.tables[0].source
