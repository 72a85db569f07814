"""The regional report as files: ``report.html`` (one self-contained page: inline style, the
charts as SVG data URIs; it opens offline with no request) and ``report.pdf`` (the same page
printed by WeasyPrint, A4). The charts are drawn by matplotlib (no CDN, no network).

The figures are :mod:`planner.workflows.report`'s (already suppressed where they are broken
down); this module only lays them out, in French.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from maps.documents import document_environment
from planner.csv_fr import number_fr
from planner.publication import MONTHS
from planner.workflows.report import SCHOOL_MONTHS, RegionalReport, period_fr

BRAND = "#0b4f6c"
SCHOOL = {9: "#c0392b", 6: "#d68910"}
OTHER = "#7f9cb0"
FONT = "DejaVu Sans"


def shown(value: object) -> str:
    """A table cell as printed: « 1 840 », « 42,5 », a hidden cell's label, « – » for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return number_fr(value)
    if isinstance(value, float):
        return number_fr(value, 0 if value.is_integer() else 1)
    return str(value)


_ENV = document_environment(shown=shown)


def _svg(fig: Figure) -> str:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def months_chart(report: RegionalReport) -> str:
    """Repérés by month, September and June in their own colours (hidden months left out)."""
    fig = _figure(9.5, 3.6)
    ax = fig.add_subplot()
    days = [d for d, _ in report.months]
    values = [v if v is not None else 0 for _, v in report.months]
    colours = [SCHOOL.get(d.month, OTHER) for d in days]
    ax.bar(range(len(days)), values, color=colours, width=0.8)
    ticks = [i for i, d in enumerate(days) if d.month in (1, 6, 9)]
    ax.set_xticks(ticks, [f"{MONTHS[days[i].month - 1][:4]}. {days[i].year}" for i in ticks],
                  rotation=60, ha="right", fontsize=8, family=FONT)  # fmt: skip
    ax.set_ylabel("Jeunes repérés", family=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [
        ax.bar([0], [0], color=SCHOOL[9], label="Septembre (rentrée scolaire)"),
        ax.bar([0], [0], color=SCHOOL[6], label="Juin (fin d'année scolaire)"),
        ax.bar([0], [0], color=OTHER, label="Autres mois"),
    ]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left")
    hidden = sum(1 for _, v in report.months if v is None)
    if hidden:
        ax.set_title(f"{hidden} mois à moins de 11 repérés ou masqués ne sont pas tracés",
                     fontsize=8, family=FONT, loc="right")  # fmt: skip
    return _svg(fig)


def funnel_chart(report: RegionalReport) -> str:
    """The funnel, contacts to situations, as horizontal bars with their counts."""
    rows = report.table("parcours").rows
    fig = _figure(7.5, 2.6)
    ax = fig.add_subplot()
    labels = [str(r[0]) for r in rows][::-1]
    values = [int(r[1]) if isinstance(r[1], int) else 0 for r in rows][::-1]
    ax.barh(labels, values, color=BRAND)
    for y, value in enumerate(values):
        ax.text(value, y, f" {number_fr(value)}", va="center", fontsize=9, family=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    ax.set_xlim(0, max(values or [1]) * 1.15)
    return _svg(fig)


def report_html(report: RegionalReport, *, edited: dt.date) -> str:
    """The report as one self-contained HTML page (French)."""
    first, last = report.period
    return _ENV.get_template("report.html").render(
        report=report,
        period=period_fr(first, last),
        edited=edited.strftime("%d/%m/%Y"),
        months_chart=months_chart(report),
        funnel_chart=funnel_chart(report),
        school=SCHOOL_MONTHS,
    )


def write_report(report: RegionalReport, out: Path, *, edited: dt.date) -> list[Path]:
    """``report.html`` and ``report.pdf`` in ``out`` (created)."""
    from maps.kit.posters import render_pdf

    out.mkdir(parents=True, exist_ok=True)
    html = report_html(report, edited=edited)
    page = out / "report.html"
    page.write_text(html, encoding="utf-8")
    pdf = out / "report.pdf"
    pdf.write_bytes(render_pdf(html))
    return [page, pdf]
