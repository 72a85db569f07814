"""Migration 0002: amenities become a tri-state; the official readers' placeholders become NULL."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from api.service.db.session import Database

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

PARTNERS = [  # key, type, source, power, parking
    ("fs-1", "france_services", "ANCT France Services 2024-08-01", False, False),
    ("mairie-1", "mairie", "Annuaire de l'administration", False, True),
    ("api-1", "france_services", "API", False, False),  # edited by a manager: kept
    ("user-1", "centre_social", "partenaires.csv", False, True),  # from a user file: kept
]


def _at(db: Database, revision: str, *, down: bool = False) -> None:
    cfg = db.alembic_config()
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _fill(db: Database) -> None:
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO territories (id, name, source_kind, source, meta, partners_rev, "
                "created_at) VALUES ('t', 'T', 'demo', 't', '{}', 3, :now)"
            ),
            {"now": dt.datetime(2026, 1, 1)},
        )
        for key, kind, source, power, parking in PARTNERS:
            c.execute(
                text(
                    "INSERT INTO partners (territory_id, key, name, type, commune, lon, lat, "
                    "can_host_van, power, parking, fixed_site, source) VALUES ('t', :key, :key, "
                    ":kind, '21425', 4.3, 47.6, true, :power, :parking, false, :source)"
                ),
                {"key": key, "kind": kind, "source": source, "power": power, "parking": parking},
            )
        c.execute(
            text(
                "INSERT INTO plans (id, territory_id, status, start, weeks, options, created_at) "
                "VALUES ('p', 't', 'done', :d, 1, '{}', :now)"
            ),
            {"d": dt.date(2026, 1, 5), "now": dt.datetime(2026, 1, 1)},
        )
        c.execute(
            text(
                "INSERT INTO visits (plan_id, seq, date, van, slot, stop_id, stop_name, commune, "
                "lon, lat, arrival_s, start_s, end_s, host) VALUES ('p', 0, :d, 'v', 'matin', "
                "'21425', 'Montbard', '21425', 4.3, 47.6, 32000, 32400, 43200, '')"
            ),
            {"d": dt.date(2026, 1, 5)},
        )


def _amenities(db: Database) -> dict[str, tuple[object, object]]:
    with db.engine.connect() as c:
        rows = c.execute(text("SELECT key, power, parking FROM partners")).all()
    return {k: (None if p is None else bool(p), None if q is None else bool(q)) for k, p, q in rows}


def test_official_placeholders_become_unknown_and_people_s_values_are_kept(db_url):
    db = Database(db_url)
    db.drop_everything()
    _at(db, "0001")
    _fill(db)
    _at(db, "0002")
    assert _amenities(db) == {
        "fs-1": (None, None),
        "mairie-1": (None, True),
        "api-1": (False, False),
        "user-1": (False, True),
    }
    with db.engine.connect() as c:
        assert c.execute(text("SELECT partners_rev FROM territories")).scalar() == 4
        assert c.execute(text("SELECT to_check FROM visits")).scalar() == ""
    _at(db, "0001", down=True)  # back: NULL is the old False placeholder again
    assert _amenities(db)["fs-1"] == (False, False)
    with db.engine.connect() as c:
        columns = c.execute(text("SELECT * FROM visits")).keys()
    assert "to_check" not in columns
    db.drop_everything()
    db.dispose()
