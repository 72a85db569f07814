"""The one CSV format of every table the project writes: what French Excel opens as is.

* UTF-8 with a byte order mark (:data:`BOM`, so Excel reads accents right), ``;`` between
  cells, ``\\r\\n`` between rows (RFC 4180), quotes only where a cell needs them;
* French column headers (the callers give them);
* one decimal convention: the **decimal comma** (``12,5``), what Excel in French reads as a
  number; no thousands separator; integers as digits; a missing or non-finite number is empty;
* ``oui`` / ``non`` for yes/no; a list of sentences joined by `` ; ``; dates ``AAAA-MM-JJ``;
* text cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
  prefixed with an apostrophe (``'=HYPERLINK(...)``): the spreadsheet shows them as text and
  never runs them as formulas (CSV injection).

Pure: returns text; files and HTTP bodies are written by the callers (encoded as UTF-8).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

BOM = "\ufeff"
SEPARATOR = ";"
#: first characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES, NO = "oui", "non"


def inert_text(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",")


def cell(value: Any) -> str:
    """The text of one CSV cell (see the module's conventions)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return YES if value else NO
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return inert_text(" ; ".join(str(v) for v in value))
    return inert_text(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text (BOM first) of ``rows`` under the French ``header``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([inert_text(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + buf.getvalue()


def frame_csv(frame: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """The CSV text of a data frame; its columns are headed by ``labels`` (a column without a
    label keeps its name)."""
    header = [labels.get(str(c), str(c)) for c in frame.columns]
    rows = frame.astype(object).itertuples(index=False, name=None)
    return csv_text(header, rows)


def number_fr(value: float, digits: int = 0) -> str:
    """``1240.0`` -> ``"1 240"``, ``42.06`` with one digit -> ``"42,1"`` (French writing)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",")
