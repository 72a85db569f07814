"""A job's state and its supervisor, on a real store and real child processes: the
wall-clock guard, a crashed child, a graceful stop, recovery after a dead process (requeued,
then failed after 3 runs, in French), the migration, ``milo worker`` on SQLite."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app as cli
from api.service.db import repo
from api.service.db.session import Database
from api.service.jobs import state
from api.service.jobs.supervise import Outcome, supervise
from api.service.territory_store import seed_demo
from tests.api.service.conftest import CM, PLAN_START

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def sleeping_child(db_url: str, plan_id: str, attempt: int, time_limit: float, parent: int):
    """A child that never finishes (the solve the guard must stop)."""
    time.sleep(60)


def crashing_child(db_url: str, plan_id: str, attempt: int, time_limit: float, parent: int):
    """A child killed before it saves anything (out of memory, killed by the system)."""
    os._exit(9)


@pytest.fixture
def db(db_url: str):
    d = Database(db_url)
    d.upgrade()
    seed_demo(d)  # no-op on the seeded SQLite copy
    yield d
    d.dispose()


def new_job(db: Database, time_limit: float = 0.2) -> str:
    with db.session() as s:
        row = repo.create_plan(
            s,
            territory_id=CM,
            start=dt.date.fromisoformat(PLAN_START),
            weeks=1,
            options={"solver": "local", "time_limit": time_limit, "seed": 1},
        )
        s.commit()
        return row.id


def row_of(db: Database, plan_id: str):
    with db.session() as s:
        return repo.get_plan(s, plan_id)


def test_the_wall_clock_guard_stops_and_fails_a_job_far_over_its_limit(db):
    run = state.claim(db, new_job(db))
    assert run is not None
    began = time.monotonic()
    outcome = supervise(db, run, stop=lambda: False, overrun=0.3, target=sleeping_child)
    assert outcome is Outcome.OVERRUN
    assert time.monotonic() - began < 30  # not the child's 60 s
    row = row_of(db, run.plan_id)
    assert row.status == "failed"
    assert row.error["detail"].startswith("Calcul arrêté : ")
    assert "pour une limite de recherche de 0.2 s (garde-fou dépassé)" in row.error["detail"]
    assert "limite de temps plus courte" in row.error["hint"]


def test_a_child_dead_without_result_fails_the_job_in_french(db):
    run = state.claim(db, new_job(db))
    assert run is not None
    assert supervise(db, run, stop=lambda: False, overrun=30, target=crashing_child) is (
        Outcome.CRASHED
    )
    row = row_of(db, run.plan_id)
    assert row.status == "failed"
    assert row.error == state.CRASHED_ERROR
    assert row.error["detail"] == (
        "Le processus de calcul s'est arrêté sans résultat : aucun plan enregistré."
    )


def test_a_stop_request_requeues_the_job_without_counting_the_run(db):
    run = state.claim(db, new_job(db))
    assert run is not None
    assert supervise(db, run, stop=lambda: True, overrun=30, target=sleeping_child) is (
        Outcome.REQUEUED
    )
    row = row_of(db, run.plan_id)
    assert (row.status, row.attempts, row.started_at) == ("queued", 0, None)


def test_a_cancelled_run_stops_its_child(db):
    run = state.claim(db, new_job(db))
    assert run is not None
    with db.session() as s:
        state.cancel(s, run.plan_id)
        s.commit()
    assert supervise(db, run, stop=lambda: False, overrun=30, target=sleeping_child) is (
        Outcome.LOST
    )
    assert row_of(db, run.plan_id).status == "cancelled"
    assert state.claim(db, run.plan_id) is None  # never runs again


def test_jobs_of_a_dead_process_are_requeued_then_failed_after_3_runs(db):
    plan_id = new_job(db)
    for attempt in (1, 2, 3):
        run = state.claim(db, plan_id)
        assert run is not None and run.attempt == attempt
        # the process dies here: the row stays running; the next start recovers it
        recovered = state.recover_all(db)
        expected = "queued" if attempt < state.MAX_ATTEMPTS else "failed"
        assert recovered == {plan_id: expected}
    row = row_of(db, plan_id)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.error["detail"] == (
        "Calcul interrompu 3 fois (arrêt du service ou du worker pendant le calcul) : aucun "
        "plan enregistré."
    )
    assert "Relancez le calcul" in row.error["hint"]
    assert state.claim(db, plan_id) is None


def test_a_late_result_of_a_requeued_run_is_dropped(db):
    plan_id = new_job(db)
    first = state.claim(db, plan_id)
    assert first is not None
    state.recover_all(db)
    second = state.claim(db, plan_id)
    assert second is not None and second.attempt == 2
    assert not state.fail(db, first, {"detail": "ancien", "hint": ""})  # the old run lost it
    assert not state.requeue(db, first)
    assert row_of(db, plan_id).status == "running"


def test_migration_0006_adds_the_attempts_and_turns_cancelled_into_failed_on_downgrade(db):
    cfg = db.alembic_config()
    plan_id = new_job(db)
    with db.session() as s:
        state.cancel(s, plan_id)
        s.commit()

    def at(revision: str, down: bool) -> None:
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(cfg, revision)

    at("0002", down=True)
    with db.engine.connect() as c:
        assert c.execute(text("SELECT status FROM plans")).scalar() == "failed"
        assert "attempts" not in list(c.execute(text("SELECT * FROM plans")).keys())
    at("head", down=False)
    with db.engine.connect() as c:
        assert c.execute(text("SELECT attempts FROM plans")).scalar() == 0


def test_milo_worker_on_sqlite_is_a_french_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_ENV", "development")
    monkeypatch.setenv("MILO_DATABASE_URL", f"sqlite:///{tmp_path / 'milo.sqlite3'}")
    result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "milo worker demande une base PostgreSQL" in out
    assert "milo serve exécute lui-même les calculs" in out
