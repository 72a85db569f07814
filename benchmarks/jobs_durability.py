"""Durable jobs benchmark: how fast ``milo serve`` stops on SIGTERM and recovers after kill -9.

On a fresh SQLite store (a temporary folder, the demo territories), for ``--rounds`` rounds:
queue a Creusot-Montceau plan with a long time limit (``--time-limit``, default 60 s), wait
until its solve runs (plus 3 s: past the child's imports), then

1. SIGTERM the server: ``stop_s`` is the time until the process exits (the job must be back to
   ``queued``);
2. start it again and kill -9 it while the job runs; start it again: ``requeue_s`` is the time
   from the kill -9 restart's launch until the job is no longer the dead run's (requeued,
   then running again as attempt 2),
   ``ready_s`` the server's own start-up (until ``/health``); ``requeue_vs_ready`` their ratio
   (below 1: the job is recovered before the server answers; the start-up is mostly imports,
   slower on a loaded machine).

Prints one JSON line with the medians next to the issue's measurement before the change
(``stop_s`` 71 s: SIGTERM waited for the running job; ``requeue_s`` infinite: the job stayed
``running`` for ever) and their ratio. Goal (issue #12): stop within seconds, requeue within
10 s of the restart.

Usage: ``python -m benchmarks.jobs_durability [--rounds 3] [--time-limit 60]``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from api.service.auth import create_token
from api.service.db import repo
from api.service.db.session import Database
from benchmarks import REPO

TERRITORY = "creusot-montceau"
START = "2026-03-02"
BEFORE = {"stop_s": 71.0}  # issue #12, measured on the earlier thread-pool runner
SECRET = "benchmark-jobs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, folder: Path) -> None:
        self.url_db = f"sqlite:///{folder / 'milo.sqlite3'}"
        self.port = free_port()
        self.env = dict(os.environ) | {
            "MILO_ENV": "development",
            "MILO_SECRET_KEY": SECRET,
            "MILO_DATABASE_URL": self.url_db,
            "MILO_OFFLINE": "1",
            "PYTHONPATH": str(REPO),
        }
        self.log = folder / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> float:
        began = time.monotonic()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from api.cli import app; app()", "serve"]
                + ["--port", str(self.port)],
                env=self.env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if wait:
            until(self.healthy, 120)
        return time.monotonic() - began

    def healthy(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).is_success
        except httpx.HTTPError:
            return False

    def signal(self, sig: int) -> float:
        assert self.proc is not None
        began = time.monotonic()
        self.proc.send_signal(sig)
        self.proc.wait(120)
        return time.monotonic() - began

    def row(self, plan_id: str) -> tuple[str, int]:
        db = Database(self.url_db)
        try:
            with db.session() as s:
                row = repo.get_plan(s, plan_id)
                return row.status, row.attempts
        finally:
            db.dispose()


def until(check, timeout: float) -> float:
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"pas de réponse en {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - began


def one_round(folder: Path, time_limit: float) -> dict[str, float]:
    server = Server(folder)
    server.start()
    db = Database(server.url_db)
    token = create_token(db, SECRET.encode(), role="manager", territory_id=TERRITORY)
    db.dispose()
    r = httpx.post(
        f"http://127.0.0.1:{server.port}/territories/{TERRITORY}/plans",
        json={"start": START, "weeks": 4, "time_limit": time_limit, "seed": 0},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    r.raise_for_status()
    plan_id = r.json()["id"]
    until(lambda: server.row(plan_id)[0] == "running", 60)
    time.sleep(3)
    stop_s = server.signal(signal.SIGTERM)
    assert server.row(plan_id) == ("queued", 0), server.row(plan_id)
    server.start()
    until(lambda: server.row(plan_id)[0] == "running", 60)
    time.sleep(3)
    server.signal(signal.SIGKILL)
    launch = time.monotonic()
    server.start(wait=False)
    until(lambda: server.row(plan_id) != ("running", 1), 60)
    requeue_s = time.monotonic() - launch
    until(server.healthy, 120)
    ready_s = time.monotonic() - launch
    until(lambda: server.row(plan_id)[1] == 2, 60)  # and claimed again
    server.signal(signal.SIGTERM)
    return {"stop_s": stop_s, "requeue_s": requeue_s, "ready_s": ready_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    rounds = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="milo-jobs-") as folder:
            rounds.append(one_round(Path(folder), args.time_limit))
    med = {k: round(statistics.median(r[k] for r in rounds), 2) for k in rounds[0]}
    out = {
        "rounds": len(rounds),
        **med,
        "max_stop_s": round(max(r["stop_s"] for r in rounds), 2),
        "max_requeue_s": round(max(r["requeue_s"] for r in rounds), 2),
        "requeue_vs_ready": round(med["requeue_s"] / med["ready_s"], 2),
        "stop_s_before": BEFORE["stop_s"],
        "stop_speedup": round(BEFORE["stop_s"] / med["stop_s"], 1),
        "requeue_s_before": "never (stayed running)",
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
