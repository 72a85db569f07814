"""The store's counts as the ARML's counts table (:data:`geo_data.counts_file.COUNT_COLUMNS`):
what the ARML's pages and the regional report read.

- activity: every record of the territories' published plans, archived ones too, each visit
  once (:func:`api.service.activity_history.recorded_history`): one session per record, its
  contacts, repérés and mobilisés (at most the repérés), on the visit's date and approach;
- outcomes (entries into schemes, situations, path durations): the territory's monthly rows
  (:class:`~api.service.db.models.OutcomeRow`), when the store has them.

Drafts never count: a record is only taken on the official plan's visits.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy.orm import Session

from api.service.activity_history import recorded_history
from api.service.db.outcomes_repo import list_outcomes
from geo_data.counts_file import COUNT_COLUMNS
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS, month_end


def store_counts(s: Session, territory_ids: Sequence[str]) -> pd.DataFrame:
    """Activity and outcomes of ``territory_ids``, one row per record or outcome row."""
    parts = []
    for territory_id in territory_ids:
        history = recorded_history(s, territory_id)
        if len(history):
            rows = history.assign(territory=territory_id)
            parts.append(rows)
        outcomes = _outcomes(s, territory_id)
        if len(outcomes):
            parts.append(outcomes)
    if not parts:
        return pd.DataFrame(columns=list(COUNT_COLUMNS))
    frame = pd.concat(parts, ignore_index=True)
    for column in ("sessions", "contacts", "reperes", "mobilises", *OUTCOME_COLUMNS):
        if column not in frame.columns:
            frame[column] = pd.NA if column in DURATIONS else 0
        if column in DURATIONS:
            frame[column] = frame[column].astype("Int64")
        else:
            frame[column] = frame[column].fillna(0).astype("int64")
    return frame[list(COUNT_COLUMNS)]


def _outcomes(s: Session, territory_id: str) -> pd.DataFrame:
    """The territory's outcome rows."""
    rows = list_outcomes(s, territory_id)
    out = []
    for row in rows:
        out.append(
            {
                "territory": territory_id,
                "period_start": row.month,
                "period_end": month_end(row.month),
                "approach": row.approach,
                "sessions": 0,
                "contacts": 0,
                "reperes": 0,
                "mobilises": 0,
                **{c: getattr(row, c) for c in OUTCOME_COLUMNS},
            }
        )
    return pd.DataFrame(out)
