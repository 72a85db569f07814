"""Real processes for the durable-job tests: ``milo serve`` and ``milo worker`` subprocesses,
the store read from the test process, and a wait loop with a deadline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from api.service.auth import create_token
from api.service.db import repo
from api.service.db.models import PlanRow
from api.service.db.session import Database

ROOT = Path(__file__).resolve().parents[3]
SECRET = "secret-de-test-des-taches"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(db_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "MILO_OFFLINE": "1",
            "MILO_ENV": "development",
            "MILO_SECRET_KEY": SECRET,
            "MILO_DATABASE_URL": db_url,
            "MILO_JOBS_SYNC": "0",
        }
    )
    env.update(extra)
    return env


def milo(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``milo ARGS`` as a subprocess (its output in ``log``)."""
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-c", "from api.cli import app; app()", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(
    what: str, check: Callable[[], Any], timeout: float, log: Path | None = None
) -> tuple[Any, float]:
    """Poll ``check`` until it returns a true value; returns it and the seconds it took."""
    began = time.monotonic()
    while True:
        value = check()
        if value:
            return value, time.monotonic() - began
        if time.monotonic() - began > timeout:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"{what}: not within {timeout} s\n{tail}")
        time.sleep(0.1)


class Service:
    """A ``milo serve`` subprocess on ``db_url`` (started by :meth:`start`)."""

    def __init__(self, db_url: str, tmp: Path, **env: str) -> None:
        self.db_url = db_url
        self.port = free_port()
        self.env = service_env(db_url, **env)
        self.log = tmp / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> float:
        """Start and (``wait``) wait for ``/health``; returns the seconds it took."""
        self.proc = milo(["serve", "--port", str(self.port)], self.env, self.log)
        if not wait:
            return 0.0
        return self.ready()

    def healthy(self) -> bool:
        """Whether ``/health`` answers 200 (an exited server is an error, with its log)."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(self.log.read_text(errors="replace")[-3000:])
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def ready(self) -> float:
        """Wait for ``/health``; returns the seconds it took."""
        return wait_for("milo serve up", self.healthy, 90, self.log)[1]

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def manager_headers(db_url: str, territory: str) -> dict[str, str]:
    db = Database(db_url)
    token = create_token(db, SECRET.encode(), role="manager", territory_id=territory)
    db.dispose()
    return {"Authorization": f"Bearer {token}"}


def plan_row(db_url: str, plan_id: str) -> PlanRow:
    db = Database(db_url)
    try:
        with db.session() as s:
            return repo.get_plan(s, plan_id)
    finally:
        db.dispose()


def children(pid: int) -> list[str]:
    """Command lines of the live children of ``pid`` (Linux ``/proc``)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(cmdline)
    return out


def solving_children(pid: int) -> list[str]:
    """The plan children of ``pid`` (spawned solves, not multiprocessing's resource tracker)."""
    return [c for c in children(pid) if "spawn_main" in c]
