"""Plan lifecycle: draft -> published -> archived, versions per territory, who and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:30:00

- ``plans`` gets ``stage`` (draft, published, archived), ``version`` (per territory, 1, 2, ...),
  ``base_version`` (the version a re-plan started from), ``created_by`` / ``published_by``
  (the principal, JSON), ``published_at`` and ``archived_at``.
- Data rule: existing plans are numbered per territory in creation order (``created_at``, then
  id); a re-plan's ``base_version`` is its parent's version. The latest finished (``done``) plan
  of each territory becomes ``published`` (``published_at`` = its ``finished_at``), so an
  existing store keeps its official figures; every other plan stays a draft.
- A unique index on (territory, version) and a partial unique index (one ``published`` plan
  per territory) let the store itself refuse a duplicate number or a second published plan.

Downgrade drops the columns and the index (stages and versions are lost).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ONE_PUBLISHED = "stage = 'published'"


def _number_existing_plans() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, territory_id, parent_id, status, finished_at FROM plans "
            "ORDER BY territory_id, created_at, id"
        )
    ).all()
    counters: dict[str, int] = defaultdict(int)
    versions: dict[str, int] = {}
    latest: dict[str, tuple[object, str]] = {}
    for plan_id, territory_id, _, status, finished_at in rows:
        counters[territory_id] += 1
        versions[plan_id] = counters[territory_id]
        if status == "done" and finished_at is not None:
            best = latest.get(territory_id)
            if best is None or (finished_at, plan_id) >= best:
                latest[territory_id] = (finished_at, plan_id)
    for plan_id, _, parent_id, _, _ in rows:
        bind.execute(
            sa.text("UPDATE plans SET version = :v, base_version = :b WHERE id = :id"),
            {"v": versions[plan_id], "b": versions.get(parent_id or ""), "id": plan_id},
        )
    for _, plan_id in latest.values():
        bind.execute(
            sa.text(
                "UPDATE plans SET stage = 'published', published_at = finished_at WHERE id = :id"
            ),
            {"id": plan_id},
        )


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN and CREATE INDEX: SQLite does not rebuild ``plans``, whose
    # rows reference each other (parent_id) and are referenced by visits and activity
    op.add_column(
        "plans", sa.Column("stage", sa.String(length=16), nullable=False, server_default="draft")
    )
    # DEFAULT 0 only lets SQLite add a NOT NULL column: every plan is numbered below, and
    # every new plan at its creation
    op.add_column("plans", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("plans", sa.Column("base_version", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("created_by", sa.JSON(), nullable=True))
    op.add_column("plans", sa.Column("published_by", sa.JSON(), nullable=True))
    op.add_column("plans", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    _number_existing_plans()
    op.create_index("uq_plan_version", "plans", ["territory_id", "version"], unique=True)
    op.create_index(
        "uq_plans_one_published",
        "plans",
        ["territory_id"],
        unique=True,
        sqlite_where=sa.text(ONE_PUBLISHED),
        postgresql_where=sa.text(ONE_PUBLISHED),
    )


def downgrade() -> None:
    op.drop_index("uq_plans_one_published", table_name="plans")
    op.drop_index("uq_plan_version", table_name="plans")
    for column in (
        "archived_at",
        "published_at",
        "published_by",
        "created_by",
        "base_version",
        "version",
        "stage",
    ):
        op.drop_column("plans", column)  # SQLite >= 3.35: ALTER TABLE DROP COLUMN
