"""The partner's public phone number, for the conseiller's « tap to call the host ».

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:40:00

- ``partners.phone``: the place's public reception number (« 03 80 61 01 94 », the town
  hall's or the France Services' switchboard, never a person's), NULL when no source gives it.
  The partners stored before this revision read NULL; at start-up the service fills those of
  the embedded demo territories that still hold the official values
  (:func:`api.service.territory_store.fill_official_phones`).

Downgrade drops the column in place (plain ALTER TABLE DROP COLUMN, SQLite >= 3.35, as 0007).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("partners", sa.Column("phone", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("partners", "phone")
