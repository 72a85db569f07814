"""Store functions of the outcome counts (:class:`~api.service.db.models.OutcomeRow`).

One row per territory x month x approach; the caller commits (as :mod:`api.service.db.repo`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.service.db.models import OutcomeRow
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS


def get_outcome(s: Session, territory_id: str, month: dt.date, approach: str) -> OutcomeRow | None:
    """The row of one territory x month x approach (read again from the store), or None."""
    c = OutcomeRow.__table__.c
    q = select(OutcomeRow).where(
        c.territory_id == territory_id, c.month == month, c.approach == approach
    )
    return s.scalar(q.execution_options(populate_existing=True))


def full_counts(counts: Mapping[str, int | None]) -> dict[str, int | None]:
    """``mobilises`` and every outcome column: an absent count is 0, absent bands NULL (a row
    is replaced as a whole, never merged with the stored one)."""
    out: dict[str, int | None] = {"mobilises": counts["mobilises"]}
    for name in OUTCOME_COLUMNS:
        value = counts.get(name)
        out[name] = value if value is not None or name in DURATIONS else 0
    return out


def upsert_outcome(
    s: Session,
    territory_id: str,
    month: dt.date,
    approach: str,
    counts: Mapping[str, int | None],
    *,
    at: dt.datetime,
    token_id: int | None,
    user_id: int | None,
    role: str,
) -> OutcomeRow:
    """The row of ``territory_id`` x ``month`` x ``approach``: inserted (revision 1), or
    replaced with ``revision + 1`` (``INSERT ... ON CONFLICT DO UPDATE``, SQLite and
    PostgreSQL: concurrent writers never meet the unique constraint)."""
    values = full_counts(counts) | {
        "recorded_at": at,
        "recorded_by": token_id,
        "recorded_user": user_id,
        "recorded_role": role,
    }
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = OutcomeRow.__table__
    stmt = insert(table).values(
        territory_id=territory_id, month=month, approach=approach, revision=1, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.territory_id, table.c.month, table.c.approach],
        set_=values | {"revision": table.c.revision + 1},
    )
    s.execute(stmt)
    row = get_outcome(s, territory_id, month, approach)
    assert row is not None  # just written in this transaction
    return row


def list_outcomes(
    s: Session,
    territory_id: str,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> Sequence[OutcomeRow]:
    """A territory's rows from month ``first`` to month ``last`` (both included, either
    open), by month then approach."""
    c = OutcomeRow.__table__.c
    q = select(OutcomeRow).where(c.territory_id == territory_id)
    if first is not None:
        q = q.where(c.month >= first)
    if last is not None:
        q = q.where(c.month <= last)
    return s.scalars(q.order_by(c.month, c.approach)).all()


def delete_outcome(s: Session, row: OutcomeRow) -> None:
    s.delete(row)
    s.flush()
