"""PostgreSQL: plan jobs through procrastinate, run by ``milo worker`` processes.

The queue lives in the store's database, in its own schema (``procrastinate``, created by
:mod:`api.service.db.queue_schema` within :meth:`~api.service.db.session.Database.upgrade`).
The API defers one procrastinate job per plan run (:class:`QueueRunner`); any number of
workers, on any machine that reaches the database, run them (:func:`run_worker`). A job
carries the lock ``territory:<id>``: at most one plan of a territory runs at a time, other
territories are not blocked. Each worker sends a heartbeat every :data:`HEARTBEAT_S`; every
worker sweeps, every :data:`SWEEP_S`, the jobs of workers silent for :data:`STALLED_S`
(killed, machine lost): their plans are recovered (:func:`api.service.jobs.state.recover`)
and the jobs retried, so a job of a killed worker runs again within seconds once any worker
is alive. A worker stopped by SIGTERM stops its solve at once and defers its job again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.job_context import JobContext
from sqlalchemy.engine import make_url

from api.service.db.models import PlanRow
from api.service.db.queue_schema import queue_schema
from api.service.db.session import Database
from api.service.jobs import state
from api.service.jobs.supervise import Outcome, supervise

log = logging.getLogger("milo.jobs")

QUEUE = "milo-plans"
TASK = "milo.plan"
HEARTBEAT_S = 1.0
STALLED_S = 4.0
SWEEP_S = 1.0


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def conninfo(url: str) -> str:
    """libpq address of a SQLAlchemy URL, with the queue's schema first on the search path."""
    parsed = make_url(url).set(drivername="postgresql")
    parsed = parsed.update_query_dict({"options": f"-csearch_path={queue_schema(url)}"})
    return parsed.render_as_string(hide_password=False)


def _territory_of(db: Database, plan_id: str) -> str:
    with db.session() as s:
        row = s.get(PlanRow, plan_id)
        return row.territory_id if row is not None else ""


def _deferrer(app: App, db: Database, plan_id: str) -> Any:
    return app.configure_task(TASK, queue=QUEUE, lock=f"territory:{_territory_of(db, plan_id)}")


class QueueRunner:
    """The API side: defer the plan jobs (no job runs in this object)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.app = App(connector=SyncPsycopgConnector(conninfo=conninfo(db.url)))
        self.app.open()

    def start(self) -> dict[str, str]:
        return {}

    def submit(self, plan_id: str) -> None:
        _deferrer(self.app, self.db, plan_id).defer(plan_id=plan_id)

    def shutdown(self) -> None:
        self.app.close()


def worker_app(db: Database, *, overrun: float) -> App:
    """The procrastinate app of a worker, with the plan task."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(db.url)))

    @app.task(name=TASK, queue=QUEUE, pass_context=True)
    async def plan_job(context: JobContext, plan_id: str) -> str:
        run = await asyncio.to_thread(state.claim, db, plan_id)
        if run is None:
            return "skipped"
        work = asyncio.ensure_future(
            asyncio.to_thread(supervise, db, run, stop=context.should_abort, overrun=overrun)
        )
        try:
            outcome = await asyncio.shield(work)
        except asyncio.CancelledError:  # worker shutdown: the supervisor sees should_abort
            outcome = await work
            if outcome is Outcome.REQUEUED:
                await _deferrer(app, db, plan_id).defer_async(plan_id=plan_id)
            raise
        if outcome is Outcome.REQUEUED:
            await _deferrer(app, db, plan_id).defer_async(plan_id=plan_id)
        return outcome.value

    return app


async def sweep_stalled(app: App, db: Database) -> None:
    """Forever: retry the jobs of silent workers, their plans recovered first."""
    while True:
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=STALLED_S
            )
            for job in stalled:
                plan_id = str(job.task_kwargs["plan_id"])
                status = await asyncio.to_thread(state.recover, db, plan_id)
                log.warning("plan job %s of a stalled worker: %s, retried", plan_id, status)
                await app.job_manager.retry_job(job)
        except Exception:  # the database away for a moment: try again at the next sweep
            log.exception("stalled jobs sweep failed")
        await asyncio.sleep(SWEEP_S)


async def run_worker(
    db: Database, *, concurrency: int, overrun: float, name: str, signals: bool
) -> None:
    """Run a worker until stopped (SIGTERM/SIGINT when ``signals``, or cancelled)."""
    app = worker_app(db, overrun=overrun)
    async with app.open_async():
        sweeper = asyncio.create_task(sweep_stalled(app, db), name="milo-sweep-stalled")
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                name=name,
                concurrency=concurrency,
                install_signal_handlers=signals,
                update_heartbeat_interval=HEARTBEAT_S,
                stalled_worker_timeout=STALLED_S,
                shutdown_graceful_timeout=0,
                fetch_job_polling_interval=1.0,
                abort_job_polling_interval=1.0,
            )
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
