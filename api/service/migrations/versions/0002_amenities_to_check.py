"""Amenities are a tri-state (« à vérifier » when unknown); visits carry what is to check.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

- ``partners.power`` and ``partners.parking`` become nullable: NULL is « à vérifier ».
- Data rule (documented in the README, section API service): until this revision the official
  readers wrote False where their source says nothing. Rows still holding what those readers
  wrote are set to NULL: France Services rows whose ``source`` is the ANCT list (``ANCT France
  Services...``: neither electricity nor parking is in it) and the ``power`` of town-hall rows
  whose ``source`` is the Annuaire de l'administration (it says nothing of electricity; their
  ``parking`` stays True, the project's declared assumption of the square by the town hall).
  A partner created or replaced through the API has ``source`` = ``API`` and a partner of a
  user file has its file name: their values were given by a person and are kept. The
  territories concerned get a new partners revision (cached derived tables are rebuilt).
- ``visits.to_check`` (text, empty when nothing): the amenities a visit needs that nobody
  confirmed (« stationnement à vérifier »).

Downgrade turns NULL back into False (the old placeholder) and drops ``visits.to_check``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Rows written by the official readers that did not know an amenity: (column, condition).
UNKNOWN_BY_SOURCE = (
    ("power", "type = 'france_services' AND source LIKE 'ANCT France Services%'"),
    ("parking", "type = 'france_services' AND source LIKE 'ANCT France Services%'"),
    ("power", "type = 'mairie' AND source = 'Annuaire de l''administration'"),
)


def upgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.alter_column("power", existing_type=sa.Boolean(), nullable=True)
        batch_op.alter_column("parking", existing_type=sa.Boolean(), nullable=True)
    where = " OR ".join(f"({condition})" for _, condition in UNKNOWN_BY_SOURCE)
    op.execute(
        "UPDATE territories SET partners_rev = partners_rev + 1 WHERE id IN "
        f"(SELECT territory_id FROM partners WHERE {where})"
    )
    for column, condition in UNKNOWN_BY_SOURCE:
        op.execute(f"UPDATE partners SET {column} = NULL WHERE {condition}")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("to_check", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("to_check")
    for column in ("power", "parking"):
        op.execute(f"UPDATE partners SET {column} = false WHERE {column} IS NULL")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.alter_column("power", existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column("parking", existing_type=sa.Boolean(), nullable=False)
