"""Small-cell suppression for outputs shared beyond one Mission Locale: the rule set.

Every shared figure (``GET /comparison``, ``GET /territories``, ``comparison.csv`` /
``comparison.json``, the comparison map, ``milo compare``) comes from one suppressed table built
here, so a figure has the same suppressed view for every role and every route. A Mission
Locale's own view (``/territories/{id}/coverage``) is never suppressed.

What is a count
---------------
Counts of people (contacts, repérés, mobilisés), of sessions (planned, delivered), of places
(communes, communes reached, FRR communes, QPV, QPV reached, van stops and van stops by host
type) and the regional totals of all of them. Estimated young populations (in thousands), access
times and shares of the young population are not counts.

1. Primary suppression
----------------------
A count from 0 to 10 is shown :data:`SMALL` (« < 11 »). Zero is suppressed too: were zeros
shown, « < 11 » would mean « 1 to 10 ».

2. Values derived from a count
------------------------------
- A ratio built on a hidden count (repérés or mobilisés per half-day, km per contact) is shown
  :data:`SECRET`: the ratio times the other count would give the hidden one back.
- A measure that reveals whether a count is zero follows that count (:attr:`TableRelations.
  companions`): ``km_driven`` is 0.0 exactly when no session is planned, so it is hidden
  (:data:`SECRET`) wherever ``sessions_planned`` is hidden, and then protected like a count
  (step 3).

3. Secondary (complementary) suppression
----------------------------------------
The shared table exposes linear relations (:class:`TableRelations`): each column's regional
total is the sum of the territories; ``stops`` is the sum of the ``stops_<type>`` of its row;
a reached count is at most its total (``communes_reached <= communes``...). A reader knows that
a « < 11 » cell lies in 0..10 and that a :data:`SECONDARY` cell is at least 11. After steps 1
and 2, :func:`planner.coverage.suppression_audit.protect` bounds every hidden cell by linear
programming over those relations, as an attacker would; a hidden cell is disclosed when its
bounds pin it to one value or exclude zero (an interval inside 1..10; with integer counts a
lower bound above 0 already means at least 1). For each disclosed cell it hides one more
visible cell of a relation that pins it (the smallest one, a territory before the regional
total) and audits again, until no hidden cell is disclosed. A cell hidden this way is
labelled :data:`SECONDARY` (« masqué (secret secondaire) »), never « < 11 »: its value is not
published and the label does not say whether it is small, so the audit (like a reader) only
knows it is at least 0. Ratios on it become :data:`SECRET`.

Not protected (accepted)
------------------------
- Whether a territory plans any session at all is public (each Mission Locale's plan is): a
  territory with sessions planned has at least one stop, even when its stop count is « < 11 ».
- A reader who assumes that every secondary cell is at least 11 (they are, in practice: every
  small count is primary) can bound a row's parts when they are all « < 11 » and their sum is
  hidden as secondary (two stop types of 10 and 6 under 16 stops: each at least 1).
- A Mission Locale knows its own row: with few territories it can take it from the regional
  total (protection against one's own contribution is not part of this rule set).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from planner.coverage.suppression_audit import (
    COMPANION,
    COMPLEMENT,
    PRIMARY,
    SMALL_MAX,
    VISIBLE,
    TableRelations,
    protect,
)

THRESHOLD = SMALL_MAX + 1  # 11
SMALL = "< 11"
SECONDARY = "masqué (secret secondaire)"
SECRET = "secret"
#: Every label a hidden cell can carry.
HIDDEN_LABELS = (SMALL, SECONDARY, SECRET)


def _is_small(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return not np.isnan(value) and bool(value < THRESHOLD)
    return False


def primary_mask(frame: pd.DataFrame, count_columns: Iterable[str]) -> dict[str, np.ndarray]:
    """Count column -> cells from 0 to 10 (step 1)."""
    return {
        col: np.asarray([_is_small(v) for v in frame[col]], dtype=bool)
        for col in count_columns
        if col in frame.columns
    }


def suppress_table(
    frame: pd.DataFrame, *, count_columns: Iterable[str], relations: TableRelations
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The shared view of ``frame`` under the whole rule set (steps 1 to 3).

    Returns the labelled copy (object dtype where touched) and, per column, the kind of each
    cell (:data:`VISIBLE`, :data:`PRIMARY`, :data:`COMPLEMENT`, :data:`COMPANION`).
    """
    counts = tuple(c for c in count_columns if c in frame.columns)
    kinds = {c: np.where(m, PRIMARY, VISIBLE) for c, m in primary_mask(frame, counts).items()}
    for r, col in relations.keep:  # published elsewhere as it is: shown here too
        if col in kinds:
            kinds[col][r] = VISIBLE
    for measure, count in relations.companions.items():
        if measure in frame.columns and count in kinds:
            hide = (kinds[count] != VISIBLE) & frame[measure].notna().to_numpy()
            kinds[measure] = np.where(hide, COMPANION, VISIBLE)
    kinds = protect(frame, kinds, relations=relations)
    out = frame.copy()
    labels = {PRIMARY: SMALL, COMPLEMENT: SECONDARY, COMPANION: SECRET}
    for col, kind in kinds.items():
        if (kind != VISIBLE).any():
            shown = out[col].astype(object)
            for k, label in labels.items():
                shown = shown.where(kind != k, label)
            out[col] = shown
    _hide_derived(out, kinds, relations.derived)
    return out, kinds


def _hide_derived(
    out: pd.DataFrame, kinds: Mapping[str, np.ndarray], derived: Mapping[str, Iterable[str]]
) -> None:
    for col, sources in derived.items():
        if col not in out.columns:
            continue
        mask = np.zeros(len(out), dtype=bool)
        for src in sources:
            if src in kinds:
                mask |= kinds[src] != VISIBLE
        if mask.any():
            out[col] = out[col].astype(object).where(~mask, SECRET)


def suppress_frame(
    frame: pd.DataFrame,
    *,
    count_columns: Iterable[str],
    derived: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Steps 1 and 2 only, for a table that exposes no relation between its cells (no total,
    no parts of a figure; the shared activity map's places): small counts « < 11 », ratios on
    them :data:`SECRET`."""
    relations = TableRelations(derived={k: tuple(v) for k, v in (derived or {}).items()})
    return suppress_table(frame, count_columns=count_columns, relations=relations)[0]
