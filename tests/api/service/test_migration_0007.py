"""Migration 0007: visits get their kind, approach, resource and private flag; old rows are van
stops; downgrade drops the columns in place (the visits' activity records stay)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from api.service.db import repo
from api.service.db.models import VisitRow
from api.service.db.session import Database
from tests.api.service.conftest import CM
from tests.approach_plan import every_kind_plan

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def _at(db: Database, revision: str, *, down: bool = False) -> None:
    cfg = db.alembic_config()
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _fill_at_0006(db: Database) -> None:
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
                "reperes, mobilises, recorded_at) SELECT id, 'p', 't', 'vehicule_itinerant', 9, "
                "3, 1, :now FROM visits"
            ),
            {"now": now},
        )


def test_migration_0007_reads_existing_visits_as_van_stops_and_downgrades_in_place(db_url):
    db = Database(db_url)
    db.drop_everything()
    _at(db, "0006")
    _fill_at_0006(db)
    _at(db, "0007")
    with db.engine.connect() as c:
        row = c.execute(text("SELECT kind, approach, resource, private FROM visits")).one()
        assert tuple(row[:3]) == ("commune", "vehicule_itinerant", "vehicule")
        assert bool(row[3]) is False
    _at(db, "0006", down=True)
    with db.engine.connect() as c:
        columns = set(c.execute(text("SELECT * FROM visits")).keys())
        assert not {"kind", "approach", "resource", "private"} & columns
        assert c.execute(text("SELECT count(*) FROM visits")).scalar() == 1
        # dropped in place: no table rebuild cascaded into the activity records
        assert c.execute(text("SELECT contacts FROM activity")).scalar() == 9
    db.drop_everything()
    db.dispose()


def test_a_stored_plan_keeps_each_visit_s_kind_approach_resource_and_private_flag(db_url):
    plan = every_kind_plan()
    db = Database(db_url)
    db.drop_everything()
    db.upgrade()
    try:
        with db.session() as s:  # the plan's territory first (PostgreSQL checks the key)
            repo.add_territory(
                s, territory_id=CM, name="Creusot-Montceau", source_kind="demo", source=CM,
                meta={}, partners=[],
            )  # fmt: skip
            row = repo.create_plan(s, territory_id=CM, start=plan.start, weeks=1, options={})
            repo.save_plan_result(s, row.id, plan)
            s.commit()
            plan_id = row.id
        with db.session() as s:
            rows = (
                s.query(VisitRow).filter(VisitRow.plan_id == plan_id).order_by(VisitRow.seq).all()
            )
            stored = [(r.stop_id, r.kind, r.approach, r.resource, r.private) for r in rows]
    finally:
        db.drop_everything()
        db.dispose()
    assert stored == [(v.stop_id, v.kind, v.approach, v.resource, v.private) for v in plan.visits]
    assert ("m3", "maraude", "maraude", "equipe", True) in stored
    assert ("s1", "commune", "vehicule_itinerant", "vehicule", False) in stored
