"""Migration 0011: partners get a nullable public phone; stored rows read NULL; downgrade drops
the column in place and keeps the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from api.service.db.session import Database
from tests.api.service.test_migrations import PARTNERS
from tests.api.service.test_migrations import _at as at_revision
from tests.api.service.test_migrations import _fill as fill_store

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def _columns(db: Database) -> set[str]:
    with db.engine.connect() as c:
        return set(c.execute(text("SELECT * FROM partners")).keys())


def test_migration_0011_adds_a_null_phone_and_downgrades_in_place(db_url):
    db = Database(db_url)
    db.drop_everything()
    try:
        at_revision(db, "0010")
        assert "phone" not in _columns(db)
        fill_store(db)  # a territory, its partners, a plan with a visit
        at_revision(db, "0011")
        with db.engine.begin() as c:
            phones = c.execute(text("SELECT phone FROM partners")).scalars().all()
            assert phones == [None] * len(PARTNERS)
            c.execute(text("UPDATE partners SET phone = '03 80 92 01 34' WHERE key = 'mairie-1'"))
            found = c.execute(text("SELECT phone FROM partners WHERE key = 'mairie-1'")).scalar()
            assert found == "03 80 92 01 34"
        at_revision(db, "0010", down=True)
        assert "phone" not in _columns(db)
        with db.engine.connect() as c:
            keys = c.execute(text("SELECT key FROM partners")).scalars().all()
            assert sorted(keys) == sorted(p[0] for p in PARTNERS)
            assert c.execute(text("SELECT count(*) FROM visits")).scalar() == 1
    finally:
        db.drop_everything()
        db.dispose()
