"""Run one claimed job in a child process and watch it until it ends or must stop.

Every :data:`POLL_S` the supervisor checks, in this order: a stop request of its process
(SIGTERM of the service, a worker shutting down) -> the child is terminated and the job
requeued; the job no longer owned by this run (cancelled by a manager) -> the child is
terminated; the wall-clock guard (time limit + ``overrun`` seconds) -> the child is terminated
and the job failed with a French reason. A child that exits without saving anything (killed
by the system, out of memory) fails the job.
"""

from __future__ import annotations

import enum
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

from api.service.db.session import Database
from api.service.jobs import state
from api.service.jobs.child import run_child

log = logging.getLogger("milo.jobs")

POLL_S = 0.1
#: The store is read every this many seconds (cancellation), the stop flag every POLL_S.
STORE_POLL_S = 0.5
TERMINATE_GRACE_S = 2.0


class Outcome(enum.Enum):
    FINISHED = "finished"  # the child ended (done, or failed with its own error)
    REQUEUED = "requeued"  # stopped by a shutdown, back in the queue
    LOST = "lost"  # no longer owned by the run (cancelled): child stopped
    OVERRUN = "overrun"  # stopped by the wall-clock guard, failed
    CRASHED = "crashed"  # child died without a result, failed


def stop_process(p: multiprocessing.process.BaseProcess) -> None:
    """Terminate (SIGTERM), then kill after :data:`TERMINATE_GRACE_S`."""
    p.terminate()
    p.join(TERMINATE_GRACE_S)
    if p.is_alive():
        p.kill()
        p.join()


def supervise(
    db: Database,
    run: state.Claim,
    *,
    stop: Callable[[], bool],
    overrun: float,
    target: Callable[..., Any] = run_child,
) -> Outcome:
    """Run ``target`` (the child's entry point) for ``run`` and watch it (module docstring)."""
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(
        target=target,
        args=(db.url, run.plan_id, run.attempt, run.time_limit, os.getpid()),
        name=f"milo-plan-{run.plan_id[:8]}",
    )
    p.start()
    began = time.monotonic()
    next_store = began + STORE_POLL_S
    guard = run.time_limit + overrun
    try:
        while p.is_alive():
            p.join(POLL_S)
            if not p.is_alive():
                break
            now = time.monotonic()
            if stop():
                stop_process(p)
                state.requeue(db, run)
                log.info("plan job %s stopped by a shutdown, requeued", run.plan_id)
                return Outcome.REQUEUED
            if now >= next_store:
                next_store = now + STORE_POLL_S
                if not state.is_current(db, run):
                    stop_process(p)
                    log.info("plan job %s cancelled: child stopped", run.plan_id)
                    return Outcome.LOST
            if now - began > guard:
                stop_process(p)
                state.fail(db, run, state.overrun_error(run.time_limit, now - began))
                return Outcome.OVERRUN
    except BaseException:
        stop_process(p)
        state.requeue(db, run)
        raise
    if state.fail(db, run, state.CRASHED_ERROR):
        log.error("plan job %s: child exited (%s) without a result", run.plan_id, p.exitcode)
        return Outcome.CRASHED
    return Outcome.FINISHED
