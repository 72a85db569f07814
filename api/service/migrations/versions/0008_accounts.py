"""Accounts for people: users, their browser sessions, failed logins; the audit names them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:30:00

The web application (:mod:`api.web`) logs people in with an e-mail and a password (Argon2id
hash, :mod:`api.service.users`); API tokens stay for integrations.

- ``users``: e-mail (unique), display name, role (admin, arml, manager, conseiller), territory
  (manager and conseiller), password hash (NULL until the invitation is used), invitation,
  disabled date;
- ``web_sessions``: the HMAC of each session cookie, its CSRF secret, expiry and revocation;
- ``login_failures``: one row per failed login (per e-mail and per client address), what the
  temporary lock counts;
- ``audit_log.actor_user_id``: the account of a change made from the web application.

Downgrade drops them (the audit column in place, as in 0007).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("territory_id", sa.String(length=64), sa.ForeignKey("territories.id")),
        sa.Column("password_hash", sa.String(length=255)),
        sa.Column("password_changed_at", sa.DateTime(timezone=True)),
        sa.Column("invite_hash", sa.String(length=64)),
        sa.Column("invite_expires_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("invite_hash"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.add_column("audit_log", sa.Column("actor_user_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_log", "actor_user_id")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
