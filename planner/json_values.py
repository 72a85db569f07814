"""Plain JSON values from numpy scalars (results handed to the API, files and maps)."""

from __future__ import annotations

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
