"""Migration 0012 and the outcome store: the ``outcomes`` table (one row per territory x month x
approach, bands NULL when not given), its upsert (revision + 1), listing and deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from api.service.db import outcomes_repo
from api.service.db.session import Database
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS
from tests.api.service.test_migrations import _at as at_revision
from tests.api.service.test_migrations import _fill as fill_store

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

AT = dt.datetime(2024, 4, 2, 8, 0, tzinfo=dt.UTC)
MARCH = dt.date(2024, 3, 1)


def _write(s, month=MARCH, approach="maraude", **counts):
    return outcomes_repo.upsert_outcome(
        s, "t", month, approach, counts, at=AT, token_id=None, user_id=7, role="manager"
    )


def test_migration_0012_creates_the_outcomes_table_and_downgrades(db_url):
    db = Database(db_url)
    db.drop_everything()
    try:
        at_revision(db, "0011")
        fill_store(db)  # a territory « t », its partners, a plan with a visit
        assert not inspect(db.engine).has_table("outcomes")
        at_revision(db, "0012")
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("outcomes")}
        assert set(OUTCOME_COLUMNS) <= set(columns)
        assert all(columns[c]["nullable"] for c in DURATIONS)
        assert not any(columns[c]["nullable"] for c in OUTCOME_COLUMNS if c not in DURATIONS)
        with db.engine.begin() as c:  # the defaults: counts 0, bands NULL, revision 1
            c.execute(
                text(
                    "INSERT INTO outcomes (territory_id, month, approach, mobilises, "
                    "recorded_at, recorded_role) VALUES ('t', :m, 'maraude', 4, :at, 'manager')"
                ),
                {"m": MARCH, "at": AT},
            )
            row = c.execute(text("SELECT pacea, duree_3_6_mois, revision FROM outcomes")).one()
            assert tuple(row) == (0, None, 1)
        with pytest.raises(IntegrityError), db.engine.begin() as c:  # one row per month x approach
            c.execute(
                text(
                    "INSERT INTO outcomes (territory_id, month, approach, mobilises, "
                    "recorded_at, recorded_role) VALUES ('t', :m, 'maraude', 2, :at, 'manager')"
                ),
                {"m": MARCH, "at": AT},
            )
        at_revision(db, "0011", down=True)
        assert not inspect(db.engine).has_table("outcomes")
        with db.engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM visits")).scalar() == 1
    finally:
        db.drop_everything()
        db.dispose()


def test_upsert_replaces_the_whole_row_and_counts_revisions(db_url):
    db = Database(db_url)
    db.drop_everything()
    try:
        db.upgrade()
        fill_store(db)
        with db.session() as s:
            first = _write(s, mobilises=5, pacea=2, duree_moins_3_mois=5)
            assert (first.revision, first.pacea, first.emploi, first.duree_moins_3_mois) == (
                1,
                2,
                0,
                5,
            )
            again = _write(s, mobilises=6, emploi=1)  # replaced as a whole, never merged
            assert again.id == first.id and again.revision == 2
            assert (again.mobilises, again.pacea, again.emploi) == (6, 0, 1)
            assert again.duree_moins_3_mois is None and again.recorded_user == 7
            _write(s, month=dt.date(2024, 1, 1), mobilises=1)
            _write(s, month=dt.date(2024, 5, 1), approach="lieu_tiers", mobilises=2)
            s.commit()
        with db.session() as s:
            months = [r.month for r in outcomes_repo.list_outcomes(s, "t")]
            assert months == [dt.date(2024, 1, 1), MARCH, dt.date(2024, 5, 1)]
            between = outcomes_repo.list_outcomes(s, "t", first=MARCH, last=MARCH)
            assert [(r.month, r.approach) for r in between] == [(MARCH, "maraude")]
            row = outcomes_repo.get_outcome(s, "t", MARCH, "maraude")
            outcomes_repo.delete_outcome(s, row)
            s.commit()
            assert outcomes_repo.get_outcome(s, "t", MARCH, "maraude") is None
            assert len(outcomes_repo.list_outcomes(s, "t")) == 2
    finally:
        db.drop_everything()
        db.dispose()
