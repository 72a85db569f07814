"""What happens after mobilisation, as monthly counts: the ``outcomes`` table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00

One row per territory x month (its 1st day) x approach (:class:`planner.taxonomy.Approach`):
the mobilised young people it describes (``mobilises``), their entries into support schemes
and their situations (counts, 0 when not given), and their mobilisation path durations by band
(NULL: not given; when given, the bands sum to ``mobilises``). The rules are those of
:mod:`planner.outcomes`. Like ``activity``: ``revision`` (1, then +1 at each correction) and
the last writer (token id or account id, and role; no foreign key, so that a revoked token's or
a disabled account's records stay). Counts only: no free text, no individual.

The columns are written out here, as of this revision (a migration does not follow later
edits of :data:`planner.outcomes.OUTCOME_COLUMNS`; the store test checks that the model built
from it and the migrations agree).

Downgrade drops the table (the counts are lost; the audit log keeps their versions).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: entries into support schemes and situations (NOT NULL, 0 when not given)
COUNTED = (
    "pacea",
    "cej_ml",
    "cej_ft",
    "garantie_jeunes",
    "parrainage",
    "aij",
    "autre_dispositif",
    "emploi",
    "formation",
    "alternance",
    "immersion_pmsmp",
    "retour_scolarite",
    "volontariat",
)
#: path-duration bands (NULL: not given)
BANDS = (
    "duree_moins_3_mois",
    "duree_3_6_mois",
    "duree_6_12_mois",
    "duree_12_24_mois",
    "duree_plus_24_mois",
)


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("territory_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("approach", sa.String(length=40), nullable=False),
        sa.Column("mobilises", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False, server_default="0") for c in COUNTED),
        *(sa.Column(c, sa.Integer(), nullable=True) for c in BANDS),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_role", sa.String(length=16), nullable=False),
        sa.Column("recorded_user", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["territory_id"], ["territories.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("territory_id", "month", "approach", name="uq_outcome_month"),
    )


def downgrade() -> None:
    op.drop_table("outcomes")
