"""Activity records carry a revision and their last writer; the audit trail table.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 14:30:00

- ``activity.revision`` (1 for the rows already stored, +1 at each correction),
  ``activity.recorded_by`` (token id) and ``activity.recorded_role`` (NULL for the rows already
  stored: nobody recorded who entered them).
- ``audit_log``: one row per change (at, actor token id and role, territory, action, target,
  before / after JSON), written in the transaction of the change. No foreign key: the trail
  outlives the rows and the tokens it names.

Downgrade drops the table and the three columns (the trail is lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("recorded_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recorded_role", sa.String(length=16), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_territory_at", "audit_log", ["territory_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_territory_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("recorded_role")
        batch_op.drop_column("recorded_by")
        batch_op.drop_column("revision")
