"""A session report names the partner met (optional): ``activity.partner_met``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:30:00

The key of one of the territory's partners (``partners.key``), never free text; NULL when no
partner was met or for the records entered before. No foreign key: a partner deleted later
leaves the record (and its audit trail) as it was entered.

Downgrade drops the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("partner_met", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("activity", "partner_met")  # in place: the records stay
