"""The conseiller's phone app: private calendar feeds, idempotent session reports, locked weeks.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00

- ``calendar_feeds``: a person's private ICS feed; the HMAC of the URL's secret, revocation;
- ``activity_reports``: each report sent from a phone by its idempotency key (sent again
  after a lost answer, it is not written twice);
- ``activity_week_locks``: weeks whose counts the manager has locked (no more corrections).

Downgrade drops them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("secret_hash"),
    )
    op.create_index("ix_calendar_feeds_user_id", "calendar_feeds", ["user_id"])
    op.create_table(
        "activity_reports",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column(
            "visit_id",
            sa.Integer(),
            sa.ForeignKey("visits.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_activity_reports_visit_id", "activity_reports", ["visit_id"])
    op.create_table(
        "activity_week_locks",
        sa.Column(
            "territory_id", sa.String(length=64), sa.ForeignKey("territories.id"), primary_key=True
        ),
        sa.Column("week_start", sa.Date(), primary_key=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("activity_week_locks")
    op.drop_index("ix_activity_reports_visit_id", table_name="activity_reports")
    op.drop_table("activity_reports")
    op.drop_index("ix_calendar_feeds_user_id", table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
