"""Tokens get a label, an expiry, a revocation date, their creator and their last use.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 14:15:00

- ``tokens.label`` (text, empty by default), ``expires_at``, ``revoked_at``, ``created_by``,
  ``last_used_at`` (nullable).
- Data rule: tokens created before this revision never expired; they now expire 180 days after
  the upgrade (:data:`api.service.auth.DEFAULT_EXPIRES_DAYS`), so that a token lost before the
  upgrade does not live for ever. Their ``created_by`` stays NULL (unknown).

Downgrade drops the five columns (expiry and revocation are lost: a revoked token would work
again, so downgrade only an empty or trusted store).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: expiry given to the tokens that exist at upgrade (same as a new token's default)
EXISTING_TOKENS_DAYS = 180


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("label", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=EXISTING_TOKENS_DAYS)
    op.get_bind().execute(
        sa.text("UPDATE tokens SET expires_at = :expires WHERE expires_at IS NULL"),
        {"expires": expires},
    )


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        for column in ("last_used_at", "created_by", "revoked_at", "expires_at", "label"):
            batch_op.drop_column(column)
