"""The in-process job runner: the embedded SQLite store (and ``MILO_JOBS_SYNC``).

``sync=True`` runs a job inside the request that queued it (tests, scripts). Otherwise a pool
of ``workers`` threads each supervises one child process (:mod:`api.service.jobs.supervise`).
At start-up, this being the only process that runs the store's jobs, every job left
``running`` by a dead process is recovered (requeued, or failed after
:data:`~api.service.jobs.state.MAX_ATTEMPTS` runs) and every queued job is submitted again.
:meth:`shutdown` (the service's lifespan end, on SIGTERM) stops the children at once and puts
their jobs back in the queue.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from api.service.db.session import Database
from api.service.jobs import state
from api.service.jobs.compute import execute
from api.service.jobs.supervise import Outcome, supervise
from api.service.territory_store import TerritoryCache

log = logging.getLogger("milo.jobs")


class LocalRunner:
    """Runs plan jobs in this process's threads, each solve in a child process."""

    def __init__(
        self,
        db: Database,
        territories: TerritoryCache,
        *,
        sync: bool,
        workers: int = 1,
        overrun: float = 120.0,
    ) -> None:
        self.db = db
        self.territories = territories
        self.sync = sync
        self.overrun = overrun
        self._stop = threading.Event()
        self._pool = None if sync else ThreadPoolExecutor(workers, thread_name_prefix="milo-plan")
        self.futures: dict[str, Future[Outcome | None]] = {}

    def start(self) -> dict[str, str]:
        """Recover the jobs of a dead process and resubmit the queued ones (background mode).
        Returns the recovered jobs and their new status."""
        if self._pool is None:
            return {}
        recovered = state.recover_all(self.db)
        for plan_id, status in recovered.items():
            log.warning("plan job %s interrupted by a restart: %s", plan_id, status)
        for plan_id in state.queued_ids(self.db):
            self.submit(plan_id)
        return recovered

    def submit(self, plan_id: str) -> None:
        if self._pool is None:
            run = state.claim(self.db, plan_id)
            if run is not None:
                execute(self.db, self.territories, run)
        else:
            self.futures[plan_id] = self._pool.submit(self._run, plan_id)

    def _run(self, plan_id: str) -> Outcome | None:
        if self._stop.is_set():
            return None
        run = state.claim(self.db, plan_id)
        if run is None:
            return None
        return supervise(self.db, run, stop=self._stop.is_set, overrun=self.overrun)

    def shutdown(self) -> None:
        """Stop the running children (their jobs back to ``queued``); queued jobs stay queued
        for the next start."""
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
