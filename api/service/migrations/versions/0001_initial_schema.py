"""Initial schema: territories, partners, plans, visits, activity, tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 18:00:01.235033
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "territories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("partners_rev", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "partners",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("commune", sa.String(length=5), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=True),
        sa.Column("can_host_van", sa.Boolean(), nullable=False),
        sa.Column("power", sa.Boolean(), nullable=False),
        sa.Column("parking", sa.Boolean(), nullable=False),
        sa.Column("fixed_site", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
        ),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("territory_id", "key", name="uq_partner_key"),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_territory_id"), ["territory_id"], unique=False
        )

    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["plans.id"],
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("van", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("stop_id", sa.String(length=100), nullable=False),
        sa.Column("stop_name", sa.String(length=200), nullable=False),
        sa.Column("commune", sa.String(length=5), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("arrival_s", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Integer(), nullable=False),
        sa.Column("end_s", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("ix_visits_next", ["plan_id", "van", "date", "start_s"], unique=False)

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("approach", sa.String(length=40), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("reperes", sa.Integer(), nullable=False),
        sa.Column("mobilises", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territories.id"],
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_activity_territory_id"), ["territory_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_territory_id"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_id"))

    op.drop_table("activity")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_next")

    op.drop_table("visits")
    op.drop_table("tokens")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_territory_id"))

    op.drop_table("plans")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_territory_id"))

    op.drop_table("partners")
    op.drop_table("territories")
