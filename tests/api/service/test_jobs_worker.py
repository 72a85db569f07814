"""Durable jobs on PostgreSQL: procrastinate jobs run by real ``milo worker`` subprocesses. A
worker killed with ``kill -9`` mid-job: the next worker retries its job within 10 s (stalled
worker heartbeat) and finishes it; SIGTERM stops a worker within seconds and its job goes back
to the queue for the next one; ``milo serve`` runs an embedded worker."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.service.db import repo
from api.service.db.session import Database
from api.service.jobs.queue import QueueRunner
from api.service.territory_store import seed_demo
from tests.api.service.conftest import BASE_PG_URL, CM, MB, PLAN_START
from tests.api.service.service_process import (
    Service,
    manager_headers,
    milo,
    plan_row,
    service_env,
    solving_children,
    wait_for,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not BASE_PG_URL,
        reason="MILO_TEST_POSTGRES_URL absent : PostgreSQL non testé (.ci/postgres.sh)",
    ),
]

RECOVERY_S = 10.0


@pytest.fixture
def store() -> Iterator[Database]:
    """A store in a schema of its own (the test database is shared with other test runs)."""
    assert BASE_PG_URL
    schema = f"jobs_{os.getpid()}"
    admin = Database(BASE_PG_URL)
    with admin.engine.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in BASE_PG_URL else "?"
    db = Database(f"{BASE_PG_URL}{sep}options=-csearch_path%3D{schema}")
    db.upgrade()
    seed_demo(db)
    yield db
    db.drop_everything()
    db.dispose()
    with admin.engine.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


class Workers:
    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.log = tmp / "worker.log"
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, concurrency: int = 1) -> subprocess.Popen[bytes]:
        args = ["worker", "--name", name, "--concurrency", str(concurrency)]
        p = milo(args, service_env(self.url), self.log)
        self.procs.append(p)
        return p

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait(10)


@pytest.fixture
def workers(store: Database, tmp_path: Path) -> Iterator[Workers]:
    w = Workers(store.url, tmp_path)
    yield w
    w.stop_all()


def defer_plan(db: Database, territory: str, time_limit: float) -> str:
    with db.session() as s:
        row = repo.create_plan(
            s,
            territory_id=territory,
            start=dt.date.fromisoformat(PLAN_START),
            weeks=1,
            options={"solver": "local", "time_limit": time_limit, "seed": 1},
        )
        s.commit()
        plan_id = row.id
    runner = QueueRunner(db)
    runner.submit(plan_id)
    runner.shutdown()
    return plan_id


def status_of(db: Database, plan_id: str) -> str:
    return plan_row(db.url, plan_id).status


def test_a_killed_worker_s_job_is_retried_by_another_worker_within_10_s(store, workers):
    """Two workers up; the one solving is killed -9: the other retries the job (stalled
    worker heartbeat) within 10 s of the kill and finishes it."""
    both = [workers.start("w1"), workers.start("w2")]
    wait_for("two workers up", lambda: workers.log.read_text().count("Starting worker") == 2, 90)
    plan_id = defer_plan(store, CM, time_limit=3)
    solver, _ = wait_for(
        "a worker solving", lambda: [p for p in both if solving_children(p.pid)], 60, workers.log
    )
    victim = solver[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    killed = time.monotonic()
    row, _ = wait_for(
        "retried", lambda: (r := plan_row(store.url, plan_id)).attempts == 2 and r, RECOVERY_S
    )
    assert time.monotonic() - killed < RECOVERY_S
    assert row.status in ("running", "done")
    row, _ = wait_for(
        "done",
        lambda: (r := plan_row(store.url, plan_id)).status in ("done", "failed") and r,
        90,
        workers.log,
    )
    assert row.status == "done", row.error
    assert row.attempts == 2


def test_a_job_of_a_killed_lone_worker_runs_again_when_a_worker_restarts(store, workers):
    plan_id = defer_plan(store, CM, time_limit=3)
    first = workers.start("w1")
    wait_for("running", lambda: status_of(store, plan_id) == "running", 90, workers.log)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert status_of(store, plan_id) == "running"  # what the dead worker left
    workers.start("w2")
    row, _ = wait_for(
        "done",
        lambda: (r := plan_row(store.url, plan_id)).status in ("done", "failed") and r,
        120,
        workers.log,
    )
    assert (row.status, row.attempts) == ("done", 2), row.error


def test_sigterm_stops_a_worker_within_seconds_and_the_next_one_finishes_its_job(store, workers):
    plan_id = defer_plan(store, CM, time_limit=60)
    first = workers.start("w1")
    wait_for("solving", lambda: solving_children(first.pid), 90, workers.log)
    time.sleep(3)
    began = time.monotonic()
    first.send_signal(signal.SIGTERM)
    first.wait(30)
    stopped = time.monotonic() - began
    assert stopped < 5.0, f"SIGTERM took {stopped:.1f} s"
    row = plan_row(store.url, plan_id)
    assert (row.status, row.attempts) == ("queued", 0)
    # another territory is not blocked behind it (two at a time: with one, the order of the
    # queue decides which waits for the other's 60 s)
    other = defer_plan(store, MB, time_limit=1)
    workers.start("w2", concurrency=2)
    for pid in (other, plan_id):
        wait_for("running again", lambda p=pid: status_of(store, p) != "queued", 60, workers.log)
    with store.session() as s:
        repo.set_status(s, plan_id, "cancelled")  # no need to wait for its 60 s
        s.commit()
    wait_for("other done", lambda: status_of(store, other) == "done", 90, workers.log)


def test_milo_serve_on_postgres_runs_jobs_with_its_embedded_worker(store, tmp_path):
    svc = Service(store.url, tmp_path)
    svc.start()
    try:
        headers = manager_headers(store.url, CM)
        r = httpx.post(
            f"{svc.url}/territories/{CM}/plans",
            json={"start": PLAN_START, "weeks": 1, "seed": 1, "solver": "local", "time_limit": 1},
            headers=headers,
            timeout=30,
        )
        assert r.status_code == 202, r.text
        plan_id = r.json()["id"]
        wait_for("done", lambda: status_of(store, plan_id) in ("done", "failed"), 90, svc.log)
        assert status_of(store, plan_id) == "done"
    finally:
        svc.stop()
