"""Plan jobs that survive restarts: which runner a process uses, and the job's life.

- ``MILO_JOBS_SYNC``: the job runs inside the request (tests, scripts).
- SQLite (the embedded default): :class:`~api.service.jobs.local.LocalRunner`, threads of the
  API process, each solve in a child process; jobs of a dead process recovered at start-up.
- PostgreSQL: :class:`~api.service.jobs.queue.QueueRunner` defers procrastinate jobs that
  ``milo worker`` processes run; ``milo serve`` also runs an embedded worker unless
  ``MILO_EXTERNAL_WORKERS=1``.

The job's states and their one set of transitions are in :mod:`api.service.jobs.state`.
"""

from __future__ import annotations

from typing import Protocol

from api.service.db.session import Database
from api.service.jobs.compute import change_from_json
from api.service.jobs.local import LocalRunner
from api.service.jobs.queue import QueueRunner, is_postgres
from api.service.settings import Settings
from api.service.territory_store import TerritoryCache


class JobRunner(Protocol):
    def start(self) -> dict[str, str]: ...

    def submit(self, plan_id: str) -> None: ...

    def shutdown(self) -> None: ...


def make_runner(db: Database, territories: TerritoryCache, settings: Settings) -> JobRunner:
    """The runner of this process for its store (module docstring)."""
    if not settings.jobs_sync and is_postgres(db.url):
        return QueueRunner(db)
    return LocalRunner(
        db,
        territories,
        sync=settings.jobs_sync,
        workers=settings.job_workers,
        overrun=settings.job_overrun_seconds,
    )


__all__ = ["JobRunner", "LocalRunner", "QueueRunner", "change_from_json", "make_runner"]
