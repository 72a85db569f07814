"""Greedy steps: best insertion (the engine's start) and the day-by-day baseline.

Both place periodic patterns first (see :mod:`.periodic`), then single visits.
"""

from __future__ import annotations

import numpy as np

from planner.itinerary.schedule import Schedule


def single_candidates(schedule: Schedule) -> list[int]:
    """Candidates visited at most once (frequency None or ONCE) that fit somewhere."""
    pb = schedule.grid.problem
    fit_any = np.asarray(schedule.grid.fit.any(axis=1))
    return [
        c
        for c, cand in enumerate(pb.candidates)
        if (cand.frequency is None or cand.frequency.period_weeks is None) and fit_any[c]
    ]


def value_order(schedule: Schedule, cands: list[int]) -> list[int]:
    """Required first, then by need (highest first), then by id for a stable order."""
    pb = schedule.grid.problem
    return sorted(cands, key=lambda c: (not pb.candidates[c].required, -pb.candidates[c].need, c))


def best_position(schedule: Schedule, c: int, positions: list[int]) -> tuple[int, int] | None:
    """(drive added, position) of the cheapest free feasible position, or None."""
    best: tuple[int, int] | None = None
    fit = schedule.grid.fit[c]
    assign = schedule.assign
    for p in positions:
        if assign[p] >= 0 or not fit[p]:
            continue
        delta = schedule.insertion(c, p)
        if delta is not None and (best is None or delta < best[0]):
            best = (delta, p)
    return best


def insert_all(schedule: Schedule, cands: list[int], positions: list[int]) -> list[int]:
    """Insert candidates in order, each at its cheapest position while it pays; return misses.

    An optional stop is inserted only when its need points exceed the drive it adds.
    """
    pb = schedule.grid.problem
    missed: list[int] = []
    for c in cands:
        if schedule.count[c] > 0:
            continue
        found = best_position(schedule, c, positions)
        if found is None or (not pb.candidates[c].required and schedule.points(c) <= found[0]):
            missed.append(c)
            continue
        schedule.put(c, found[1])
    return missed


def baseline_fill(schedule: Schedule, cands: list[int]) -> None:
    """The simple baseline: each van-day in date order takes the best feasible stops.

    For each slot in turn, the stop with the highest ``need points - drive added`` (so the
    first stop of a day is the neediest reachable one and the next ones are near it).
    Required stops are served first.
    """
    grid = schedule.grid
    pb = grid.problem
    pending = value_order(schedule, cands)
    order = sorted(range(len(grid.vandays)), key=lambda k: (grid.vandays[k][1], grid.vandays[k][0]))
    for k in order:
        for s in range(grid.n_slots):
            p = k * grid.n_slots + s
            if schedule.assign[p] >= 0:
                continue
            best: tuple[tuple[bool, int], int] | None = None
            for c in pending:
                if schedule.count[c] > 0 or not grid.fit[c, p]:
                    continue
                delta = schedule.insertion(c, p)
                if delta is None:
                    continue
                key = (pb.candidates[c].required, schedule.points(c) - delta)
                if best is None or key > best[0]:
                    best = (key, c)
            if best is not None and (best[0][0] or best[0][1] > 0):
                schedule.put(best[1], p)
