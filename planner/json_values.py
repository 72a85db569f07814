"""Plain JSON values from numpy scalars (results handed to the API, files and maps)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np


def json_value(value: Any) -> Any:
    """A numpy scalar as its Python value, and NaN as None (JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def plain(value: Any) -> Any:
    """``value`` with every numpy scalar as its Python value and every NaN or infinite number
    as None, through dicts, lists and tuples (JSON has no NaN: RFC 8259)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def json_text(value: Any, *, indent: int | None = None, default: Any = None) -> str:
    """Strict JSON text of ``value`` (NaN written null, never ``NaN``; UTF-8 text as is).

    Raises ``ValueError`` if a non-finite number is left (``allow_nan=False``) and
    ``TypeError`` for a value JSON cannot hold (unless ``default`` turns it into one)."""
    return json.dumps(
        plain(value), ensure_ascii=False, indent=indent, allow_nan=False, default=default
    )
