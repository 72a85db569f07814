"""Migration 0010: activity records get their (optional) partner met, NULL for the records
already there; downgrade drops the column in place (the records stay)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from api.service.db.session import Database
from tests.api.service.test_migration_0007 import _at, _fill_at_0006

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def test_migration_0010_adds_the_partner_met_as_null_and_downgrades_in_place(db_url):
    db = Database(db_url)
    db.drop_everything()
    _at(db, "0006")
    _fill_at_0006(db)
    _at(db, "0010")
    with db.engine.connect() as c:
        assert c.execute(text("SELECT contacts, partner_met FROM activity")).one() == (9, None)
    _at(db, "0009", down=True)
    with db.engine.connect() as c:
        assert "partner_met" not in set(c.execute(text("SELECT * FROM activity")).keys())
        assert c.execute(text("SELECT contacts FROM activity")).scalar() == 9
    db.drop_everything()
    db.dispose()
