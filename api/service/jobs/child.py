"""The child process of a background run: it opens the store itself, computes and saves.

Started with the ``spawn`` context (a fresh interpreter: no lock, thread or connection of the
parent is inherited), so that the parent can stop a solve at any moment by terminating the
child. A child whose parent dies (``kill -9`` of the service or worker) exits within a second
instead of solving for nobody: its result would be refused anyway (the run is no longer
current once the job is recovered).
"""

from __future__ import annotations

import os
import threading
import time

POLL_PARENT_S = 0.5


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(POLL_PARENT_S)
        if os.getppid() != parent:
            os._exit(3)


def run_child(db_url: str, plan_id: str, attempt: int, time_limit: float, parent: int) -> None:
    """Entry point of the child (module level: picklable for ``spawn``)."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    # imported here: the parent's module stays light, the child pays for the engine once
    from api.service.db.session import Database
    from api.service.jobs.compute import execute
    from api.service.jobs.state import Claim
    from api.service.territory_store import TerritoryCache

    db = Database(db_url)
    try:
        execute(db, TerritoryCache(db), Claim(plan_id, attempt, time_limit))
    finally:
        db.dispose()
