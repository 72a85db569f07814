"""Durable plan jobs: an attempt counter and the start time of the current run.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01 14:30:00

- ``plans.attempts`` (integer, 0 for existing rows): runs started; a run interrupted by a crash
  is requeued until :data:`api.service.jobs.state.MAX_ATTEMPTS`, then the plan is failed.
- ``plans.started_at``: when the current run started (the wall-clock guard's origin).
- ``plans.status`` gains the value ``cancelled`` (a text column: no schema change).

On PostgreSQL the job queue's own tables (procrastinate) live in the ``procrastinate`` schema;
they are created by :meth:`api.service.db.session.Database.upgrade`, not by this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE plans SET status = 'failed' WHERE status = 'cancelled'")
    # plain ALTER TABLE DROP COLUMN (SQLite >= 3.35): a batch rebuild of ``plans`` would drop
    # the table, and with foreign keys on, its visits and their activity records with it
    op.drop_column("plans", "started_at")
    op.drop_column("plans", "attempts")
