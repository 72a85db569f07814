"""Migration 0004: activity records get a revision and their writer; the audit trail table."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from api.service.db.session import Database

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def test_migration_0004_keeps_the_stored_records_and_adds_the_trail(db_url):
    db = Database(db_url)
    db.drop_everything()
    cfg = db.alembic_config()

    def at(revision: str, *, down: bool = False) -> None:
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(cfg, revision)

    at("0002")
    now = dt.datetime(2026, 1, 5, 10, 0)
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO territories (id, name, source_kind, source, meta, partners_rev, "
                "created_at) VALUES ('t', 'T', 'demo', 't', '{}', 0, :now)"
            ),
            {"now": now},
        )
        c.execute(
            text(
                "INSERT INTO plans (id, territory_id, status, start, weeks, options, created_at) "
                "VALUES ('p', 't', 'done', :d, 1, '{}', :now)"
            ),
            {"d": now.date(), "now": now},
        )
        c.execute(
            text(
                "INSERT INTO visits (plan_id, seq, date, van, slot, stop_id, stop_name, commune, "
                "lon, lat, arrival_s, start_s, end_s, host, to_check) VALUES ('p', 0, :d, 'v', "
                "'matin', '21425', 'Montbard', '21425', 4.3, 47.6, 32000, 32400, 43200, '', '')"
            ),
            {"d": now.date()},
        )
        c.execute(
            text(
                "INSERT INTO activity (visit_id, plan_id, territory_id, approach, contacts, "
                "reperes, mobilises, recorded_at) SELECT id, 'p', 't', 'maraude', 9, 3, 1, :now "
                "FROM visits"
            ),
            {"now": now},
        )
    at("head")
    with db.engine.connect() as c:
        row = c.execute(
            text("SELECT contacts, revision, recorded_by, recorded_role FROM activity")
        ).one()
        assert tuple(row) == (9, 1, None, None)
        assert c.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
    at("0002", down=True)
    with db.engine.connect() as c:
        columns = c.execute(text("SELECT * FROM activity")).keys()
        assert "revision" not in columns
        assert c.execute(text("SELECT contacts FROM activity")).scalar() == 9
    db.drop_everything()
    db.dispose()
