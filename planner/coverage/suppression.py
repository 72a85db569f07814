"""Small-cell suppression for outputs shared beyond one Mission Locale.

Rule
----
- **Counts of people and of sessions** (repérés, mobilisés, contacts, sessions planned and
  delivered, and any column listed in ``count_columns``) below :data:`THRESHOLD` (11) are
  replaced by the string ``"< 11"``. Zero is a count too and is suppressed (a 0 next to small
  numbers is itself informative).
- **Ratios built on a suppressed count** (repérés per half-day, km per contact...) are replaced
  by :data:`SECRET`, otherwise the hidden count could be recomputed (ratio x the other count).
- **Shares of the estimated young population** (within 20 / 30 min...) are computed from
  totals in the thousands; they are not suppressed.
- **Every other count** (communes, FRR communes, QPV, stops, stops by partner type) is
  suppressed the same way in the shared comparison: the ARML's rule is "any count under 11".
- **Totals**: when a total row is shown, a column with exactly one suppressed cell would let
  anyone recover it (total minus the others). Complementary suppression then also hides the
  smallest other non-suppressed cell of that column.

A single Mission Locale's own view is never suppressed: only call this on shared outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

THRESHOLD = 11
SMALL = "< 11"
SECRET = "secret"


def _is_small(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return isinstance(value, (int, float, np.integer, np.floating)) and bool(value < THRESHOLD)


def suppress_frame(
    frame: pd.DataFrame,
    *,
    count_columns: Iterable[str],
    derived: Mapping[str, Iterable[str]] | None = None,
    complementary: bool = False,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with small counts suppressed (object dtype where touched).

    Parameters
    ----------
    count_columns
        Columns holding counts of people or of sessions.
    derived
        Ratio column -> the count columns it is built from; suppressed as :data:`SECRET`
        wherever one of them is suppressed.
    complementary
        When True (a total is shown elsewhere), hide a second cell in any column with exactly
        one suppressed cell (the smallest remaining one).
    """
    out = frame.copy()
    hidden: dict[str, np.ndarray] = {}
    for col in count_columns:
        if col not in out.columns:
            continue
        mask = np.asarray([_is_small(v) for v in out[col]], dtype=bool)
        if complementary and mask.sum() == 1 and len(out) > 1:
            values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
            values = np.where(mask | np.isnan(values), np.inf, values)
            if np.isfinite(values).any():
                mask[int(np.argmin(values))] = True
        hidden[col] = mask
        out[col] = out[col].astype(object).where(~mask, SMALL)
    for col, sources in (derived or {}).items():
        if col not in out.columns:
            continue
        mask = np.zeros(len(out), dtype=bool)
        for src in sources:
            mask |= hidden.get(src, np.zeros(len(out), dtype=bool))
        out[col] = out[col].astype(object).where(~mask, SECRET)
    return out


def suppress_value(value: object) -> object:
    """One count: ``"< 11"`` when below the threshold, else unchanged."""
    return SMALL if _is_small(value) else value
