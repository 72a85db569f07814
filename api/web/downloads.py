"""Downloads of the pages' tables: CSV the French way (``;``, BOM, decimal comma:
:mod:`planner.csv_fr`) and XLSX (openpyxl). A text cell that a spreadsheet would read as a
formula (« =… », « +… ») is written inert, in both."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping

import pandas as pd
from fastapi.responses import Response
from openpyxl import Workbook

from planner.csv_fr import csv_text, inert_text


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def csv_response(frame: pd.DataFrame, name: str) -> Response:
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    body = csv_text([str(c) for c in frame.columns], rows)
    return Response(body, media_type="text/csv; charset=utf-8", headers=_attachment(name))


def _xlsx_cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[union-attr]
    return inert_text(str(value))


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, notes: Iterable[str] = ()) -> bytes:
    """A workbook with one sheet per table (headers first) and a « Notes » sheet."""
    book = Workbook()
    first = True
    for title, frame in sheets.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "Tableau"
        sheet.append([inert_text(str(c)) for c in frame.columns])
        for row in frame.astype(object).itertuples(index=False, name=None):
            sheet.append([_xlsx_cell(v) for v in row])
    lines = [n for n in notes if n]
    if lines:
        sheet = book.create_sheet("Notes")
        for line in lines:
            sheet.append([inert_text(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(
    sheets: Mapping[str, pd.DataFrame], name: str, *, notes: Iterable[str] = ()
) -> Response:
    return Response(
        xlsx_bytes(sheets, notes=notes),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_attachment(name),
    )
