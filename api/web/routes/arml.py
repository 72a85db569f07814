"""The ARML's pages (role ``arml``, and the admin): the comparison as a table, the outcomes
from the first contact to the situation, the seasons, and the regional report.

- ``GET /region/comparaison[?tri=COLONNE&ordre=asc|desc]``: the shared comparison
  (:func:`api.service.routes.territories.shared_comparison`, suppressed) with French headers,
  units and rounding (:mod:`planner.coverage.comparison_labels`), sortable (server side: a
  link per header, ``aria-sort``); ``.csv`` and ``.xlsx`` downloads of the same table;
- ``GET /region/parcours``: the regional report's tables from the store
  (:func:`api.service.region_counts.store_counts`): the funnel per territory and for the
  region, entries into schemes, situations, durations, activity by month (the chart and the
  table) and by approach, partners by type; ``/region/parcours/{table}.csv|.xlsx``;
- ``GET /region/bilan.pdf`` and ``/region/bilan.html``: the regional report
  (:mod:`maps.report`), the same tables.

Every shared figure is suppressed by the trust rules (:mod:`planner.coverage.suppression`).
The comparison's activity columns (the current published plans' records) are left out of
these pages: the outcomes pages count every record, and two counts of the same young people
over two spans would give their small difference away.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.service.auth import Role
from api.service.db import repo
from api.service.deps import AppState, StateDep
from api.service.region_counts import store_counts
from api.service.routes.territories import shared_comparison
from api.service.web_sessions import Viewer
from api.web.deps import ViewerDep, WebMark
from api.web.downloads import csv_response, xlsx_response
from api.web.pages import PARIS, render
from api.web.routes.home import require_role
from maps.report import funnel_chart, months_chart, report_html, shown
from planner.coverage.compare import TOTAL_ID
from planner.coverage.comparison_labels import BY_COLUMN, display_frame
from planner.errors import NotFoundError
from planner.workflows.report import RegionalReport, regional_report

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
#: the region the service serves (its territories are Bourgogne-Franche-Comté's)
REGION = "Bourgogne-Franche-Comté"
#: the comparison's columns on these pages (activity: see the module docstring)
COMPARISON = (
    "young_total", "share_20min_fixed", "share_20min_with_van", "share_30min_fixed",
    "share_30min_with_van", "mean_access_min_fixed", "mean_access_min_with_van",
    "p90_access_min_fixed", "communes", "communes_reached", "frr_communes",
    "frr_communes_reached", "qpv_total", "qpv_reached", "stops", "sessions_planned",
    "sessions_delivered", "km_driven",
)  # fmt: skip


def _arml(viewer: Viewer, page: str) -> None:
    require_role(viewer, Role.ARML, Role.ADMIN, page=page)


def comparison_frame(state: AppState) -> tuple[pd.DataFrame, list[str]]:
    """The comparison's shown columns, French headers, the region row last; and its notes."""
    with state.db.session() as s:
        table = shared_comparison(state, s)
    frame = table.to_frame()
    keep = ["territory_id", "name", *[c for c in COMPARISON if c in frame.columns]]
    frame = frame[keep]
    return frame, list(table.notes)


def _sort_key(value: object) -> tuple[int, float | str]:
    """Numbers by value, hidden cells after them, empty cells last."""
    if isinstance(value, int | float) and not pd.isna(value):
        return (0, float(value))
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return (2, "")
    return (1, str(value))


@router.get("/region/comparaison")
def comparison_page(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    tri: str = "share_20min_fixed",
    ordre: Literal["asc", "desc"] = "asc",
) -> Response:
    _arml(viewer, "Comparaison des territoires")
    frame, notes = comparison_frame(state)
    if tri not in frame.columns or tri == "territory_id":
        tri = "name"
    body = frame[frame["territory_id"] != TOTAL_ID]
    total = frame[frame["territory_id"] == TOTAL_ID]
    ordered = sorted(body.to_dict(orient="records"), key=lambda r: _sort_key(r[tri]),
                     reverse=ordre == "desc")  # fmt: skip
    rows = [*ordered, *total.to_dict(orient="records")]
    shown_frame = display_frame(pd.DataFrame(rows, columns=frame.columns))
    columns = ["name", *[c for c in frame.columns if c in BY_COLUMN]]
    return render(
        request,
        "region_comparison.html",
        viewer=viewer,
        title="Comparaison des territoires",
        columns=[(c, shown_frame.columns[k]) for k, c in enumerate(columns)],
        rows=shown_frame.itertuples(index=False, name=None),
        tri=tri,
        ordre=ordre,
        notes=notes,
        shown=shown,
    )


@router.get("/region/comparaison.{fmt}")
def comparison_download(fmt: str, state: StateDep, viewer: ViewerDep) -> Response:
    _arml(viewer, "Comparaison des territoires")
    frame, notes = comparison_frame(state)
    table = display_frame(frame)
    return _download(fmt, "comparaison-territoires", {"Comparaison": table}, notes)


def store_report(state: AppState) -> RegionalReport:
    """The regional report's tables from the store (every territory, every record)."""
    with state.db.session() as s:
        territories = list(repo.list_territories(s))
        counts = store_counts(s, [t.id for t in territories])
        partners = {t.id: _types(repo.list_partners(s, t.id)) for t in territories}
        comparison = shared_comparison(state, s)
    if not len(counts):
        raise NotFoundError(
            "Aucune activité saisie dans les territoires : rien à présenter pour l'instant.",
            hint="Les comptes apparaissent dès que les séances tenues sont saisies.",
        )
    return regional_report(
        REGION,
        {t.id: t.name for t in territories},
        counts,
        counts_source="Comptes saisis par les Missions Locales dans milo-nomade (séances tenues "
        "des plans publiés, suites des parcours)",
        comparison=comparison,
        coverage_source="Calcul milo-nomade : lieux fixes et arrêts des plans publiés ; "
        + "; ".join(comparison.notes),
        partner_types=partners,
        partners_source="Lieux partenaires enregistrés dans milo-nomade",
    )


def _types(partners: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in partners:
        out[str(p.type)] = out.get(str(p.type), 0) + 1
    return out


@router.get("/region/parcours")
def outcomes_page(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    _arml(viewer, "Parcours et saisons")
    try:
        report = store_report(state)
    except NotFoundError as exc:  # nothing recorded yet: the page says so
        return render(
            request,
            "region_outcomes.html",
            viewer=viewer,
            title="Parcours des jeunes et saisons",
            report=None,
            empty=f"{exc.message} {exc.hint}",
        )
    return render(
        request,
        "region_outcomes.html",
        viewer=viewer,
        title="Parcours des jeunes et saisons",
        report=report,
        months_chart=months_chart(report),
        funnel_chart=funnel_chart(report),
        shown=shown,
        empty="",
    )


@router.get("/region/parcours/{key}.{fmt}")
def outcomes_download(key: str, fmt: str, state: StateDep, viewer: ViewerDep) -> Response:
    _arml(viewer, "Parcours et saisons")
    report = store_report(state)
    try:
        table = report.table(key)
    except StopIteration:
        raise NotFoundError(
            f"Tableau « {key[:40]} » inconnu.",
            hint="Téléchargez les tableaux depuis la page Parcours et saisons.",
        ) from None
    frame = pd.DataFrame([list(r) for r in table.rows], columns=list(table.headers))
    return _download(fmt, f"{key}", {table.title[:31]: frame}, [table.source, table.note])


@router.get("/region/bilan.{fmt}")
def report_download(fmt: str, state: StateDep, viewer: ViewerDep) -> Response:
    _arml(viewer, "Bilan régional")
    report = store_report(state)
    edited = dt.datetime.now(PARIS).date()
    html = report_html(report, edited=edited)
    if fmt == "html":
        return Response(html, media_type="text/html; charset=utf-8", headers=_attachment(
            "bilan-regional.html"))  # fmt: skip
    if fmt == "pdf":
        from maps.kit.posters import render_pdf

        return Response(render_pdf(html), media_type="application/pdf",
                        headers=_attachment("bilan-regional.pdf"))  # fmt: skip
    raise NotFoundError(
        f"Format {fmt[:10]!r} inconnu.", hint="Formats : /region/bilan.pdf, /region/bilan.html."
    )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _download(fmt: str, name: str, sheets: dict[str, pd.DataFrame], notes: list[str]) -> Response:
    if fmt == "csv":
        return csv_response(next(iter(sheets.values())), f"{name}.csv")
    if fmt == "xlsx":
        return xlsx_response(sheets, f"{name}.xlsx", notes=[n for n in notes if n])
    raise NotFoundError(
        f"Format {fmt[:10]!r} inconnu.", hint="Téléchargements possibles : .csv ou .xlsx."
    )
