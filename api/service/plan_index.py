"""In-memory index of finished plans for the hot read paths (plan reads, next stop).

A finished plan's result (``done`` or ``failed``) never changes but for its locked visits: its
serialised answer and its visits sorted per van are kept per process, so ``GET /plans/{id}`` and
``GET /plans/{id}/next`` answer without a database query once the plan has been read once. Its
stage can change (publish, archive) and so can its locks (``PUT /plans/{id}/locks``): this
process forgets the entries it changes (:meth:`PlanIndex.forget`), and an entry not archived is
re-checked against the store (its stage and locks revision only, one small query) once it is
:data:`STAGE_MAX_AGE_S` old, so a publish or a lock made by another process shows within that
delay.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from api.service import responses
from api.service.db import repo
from api.service.db.session import Database
from planner.itinerary.plan import Visit
from planner.itinerary.plan_schema import VISIT

FINAL = ("done", "failed", "cancelled")
#: seconds an entry's stage is trusted before it is re-read (archived entries never change)
STAGE_MAX_AGE_S = 2.0


@dataclass(frozen=True)
class IndexedVisit(Visit):
    """A planned visit with its stored row id (what the next-stop answer reads)."""

    id: int = 0

    @classmethod
    def from_json(cls, v: dict[str, Any]) -> IndexedVisit:
        return cls(**VISIT.read(v), id=int(v["id"]))


@dataclass(frozen=True)
class PlanEntry:
    """One plan as the hot paths need it."""

    plan_id: str
    territory_id: str
    status: str
    body: bytes
    vans: dict[str, tuple[list[tuple[dt.date, int]], list[IndexedVisit]]] = field(
        default_factory=dict
    )
    stage: str = "draft"
    version: int = 0
    locks_rev: int = 0
    loaded_at: float = field(default_factory=time.monotonic)

    def fresh(self) -> bool:
        """True while the stage can be trusted without asking the store."""
        return self.stage == "archived" or time.monotonic() - self.loaded_at < STAGE_MAX_AGE_S

    def next_visit(self, van: str, date: dt.date, seconds: int) -> IndexedVisit | None:
        """First visit of ``van`` ending after ``date`` + ``seconds`` (in progress or later)."""
        keys, visits = self.vans.get(van, ([], []))
        i = bisect.bisect_right(keys, (date, seconds))
        return visits[i] if i < len(visits) else None


def build_entry(db: Database, plan_id: str) -> PlanEntry:
    """Read a plan from the store (raises ``NotFoundError`` for an unknown id)."""
    with db.session() as s:
        row = repo.get_plan(s, plan_id)
        body = responses.plan_public_bytes(row)
        vans: dict[str, tuple[list[tuple[dt.date, int]], list[IndexedVisit]]] = {}
        if row.status == "done" and row.document is not None:
            visits = sorted(
                (IndexedVisit.from_json(v) for v in row.document["visits"]),
                key=lambda v: (v.van, v.date, v.start_s),
            )
            for v in visits:
                keys, items = vans.setdefault(v.van, ([], []))
                keys.append((v.date, v.end_s))
                items.append(v)
        return PlanEntry(
            plan_id,
            row.territory_id,
            row.status,
            body,
            vans,
            row.stage,
            row.version,
            repo.locks_rev(row),
        )


class PlanIndex:
    """Bounded per-process cache of finished plans."""

    def __init__(self, db: Database, size: int = 256) -> None:
        self.db = db
        self.size = size
        self._items: OrderedDict[str, PlanEntry] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, plan_id: str) -> PlanEntry | None:
        """The entry when it is in the index and its stage is fresh (no I/O)."""
        with self._lock:
            hit = self._items.get(plan_id)
        return hit if hit is not None and hit.fresh() else None

    def forget(self, *plan_ids: str) -> None:
        """Drop entries whose stage this process just changed."""
        with self._lock:
            for plan_id in plan_ids:
                self._items.pop(plan_id, None)

    def load(self, plan_id: str) -> PlanEntry:
        """The entry (from the store on a miss or a changed stage; kept once finished)."""
        with self._lock:
            hit = self._items.get(plan_id)
        if hit is not None:
            if hit.fresh():
                return hit
            with self.db.session() as s:
                state = repo.plan_state(s, plan_id)
            if state == (hit.stage, hit.locks_rev):
                entry = dataclasses.replace(hit, loaded_at=time.monotonic())
                with self._lock:
                    self._items[plan_id] = entry
                return entry
        entry = build_entry(self.db, plan_id)
        if entry.status in FINAL:
            with self._lock:
                self._items[plan_id] = entry
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return entry
