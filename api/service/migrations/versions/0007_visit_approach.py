"""Visits say what session they are: kind of place, approach, resource, private place.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

The engine plans every outreach approach (:mod:`planner.approaches`); the stored visits get the
four fields of the plan schema that say so (:data:`planner.itinerary.plan_schema.VISIT`):

- ``visits.kind`` (``commune``, ``partenaire``, ``maraude``, ``evenement``);
- ``visits.approach`` (a :class:`planner.taxonomy.Approach` value; the default approach of an
  activity record posted without one);
- ``visits.resource`` (``vehicule`` or ``equipe``);
- ``visits.private`` (the manager keeps a maraude's exact place off public outputs).

Every visit stored before this revision was a van stop: the server defaults make the existing
rows read ``commune`` / ``vehicule_itinerant`` / ``vehicule`` / false.

Downgrade drops the four columns in place (plain ALTER TABLE DROP COLUMN, SQLite >= 3.35): a
batch rebuild of ``visits`` would drop the table, and with foreign keys on, the activity
records of its visits with it (see 0006).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: (column, type, server default of the rows stored before this revision: van stops)
COLUMNS = (
    ("kind", sa.String(length=20), sa.text("'commune'")),
    ("approach", sa.String(length=40), sa.text("'vehicule_itinerant'")),
    ("resource", sa.String(length=20), sa.text("'vehicule'")),
    ("private", sa.Boolean(), sa.false()),
)


def upgrade() -> None:
    for name, kind, default in COLUMNS:
        op.add_column("visits", sa.Column(name, kind, nullable=False, server_default=default))


def downgrade() -> None:
    for name, _, _ in reversed(COLUMNS):
        op.drop_column("visits", name)
