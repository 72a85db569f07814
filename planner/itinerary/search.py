"""Ruin-and-recreate search over single visits (periodic and kept visits stay locked).

Each iteration removes a few planned single visits that lie near one another (and, half of
the time, the other visits of their days), then re-inserts the removed stops and the neediest
unplanned ones into the freed positions, in need order with a little random noise, each at its
cheapest position. A new schedule is accepted when its objective is not worse than the current
one minus a threshold that falls linearly to zero (threshold accepting); the best is kept.

The search is deterministic for a given seed: it stops after a fixed number of iterations
(derived from the time limit by the caller), or earlier at the wall-clock deadline.
"""

from __future__ import annotations

import random
import time

import numpy as np

from planner.itinerary.greedy import insert_all
from planner.itinerary.schedule import Schedule

THRESHOLD_START_S = 300
POOL_MARGIN_NEED = 3.0


def improve(
    schedule: Schedule,
    singles: list[int],
    *,
    seed: int,
    iterations: int,
    deadline: float,
) -> tuple[Schedule, int]:
    """Improve ``schedule`` in place of a copy; return the best schedule and iterations run."""
    rng = random.Random(seed)
    grid = schedule.grid
    pb = grid.problem
    required = {c for c in singles if pb.candidates[c].required}
    single_set = set(singles)
    loc = np.array(grid.loc, dtype=int)
    durations = pb.durations
    current = schedule.copy()
    best = schedule.copy()
    n_slots = grid.n_slots
    done = 0
    for it in range(iterations):
        if time.perf_counter() > deadline:
            break
        done = it + 1
        movable = [
            p
            for p, c in enumerate(current.assign)
            if c >= 0 and p not in current.locked and c in single_set
        ]
        if not movable:
            break
        trial = current.copy()
        freed = _ruin(trial, movable, rng, loc, durations, n_slots)
        removed = {trial.assign[p] for p in freed if trial.assign[p] >= 0}
        for p in freed:
            if trial.assign[p] >= 0:
                trial.put(-1, p)
        pool = _pool(trial, singles, removed, freed, rng)
        insert_all(trial, pool, freed)
        if any(trial.count[c] == 0 for c in required if current.count[c] > 0):
            continue
        threshold = THRESHOLD_START_S * (1 - it / max(iterations, 1))
        if trial.objective >= current.objective - threshold:
            current = trial
            if trial.objective > best.objective:
                best = trial.copy()
    return best, done


def _ruin(
    trial: Schedule,
    movable: list[int],
    rng: random.Random,
    loc: np.ndarray,
    durations: np.ndarray,
    n_slots: int,
) -> list[int]:
    """Positions to empty: visits near a random seed visit, sometimes with their whole days."""
    seed_p = movable[rng.randrange(len(movable))]
    seed_loc = loc[trial.assign[seed_p]]
    cand_locs = loc[[trial.assign[p] for p in movable]]
    closeness = durations[seed_loc, cand_locs] + durations[cand_locs, seed_loc]
    size = rng.randint(2, max(2, min(12, len(movable))))
    nearest = [movable[i] for i in np.argsort(closeness, kind="stable")[:size]]
    freed = set(nearest)
    movable_s = set(movable)
    if rng.random() < 0.5:
        for p in nearest:
            k = p // n_slots
            for s in range(n_slots):
                q = k * n_slots + s
                if q not in trial.locked and (trial.assign[q] < 0 or q in movable_s):
                    freed.add(q)
    empties = [p for p, c in enumerate(trial.assign) if c < 0 and p not in trial.locked]
    for p in rng.sample(empties, min(4, len(empties))):
        freed.add(p)
    return sorted(freed)


def _pool(
    trial: Schedule,
    singles: list[int],
    removed: set[int],
    freed: list[int],
    rng: random.Random,
) -> list[int]:
    """Removed stops plus the neediest unplanned ones that fit a freed position, noisy order."""
    grid = trial.grid
    pb = grid.problem
    floor = min((grid.need[c] for c in removed), default=0.0) - POOL_MARGIN_NEED
    fit_freed = np.asarray(grid.fit[:, freed].any(axis=1))
    extra = [
        c
        for c in singles
        if trial.count[c] == 0 and c not in removed and grid.need[c] >= floor and fit_freed[c]
    ]
    extra.sort(key=lambda c: (-grid.need[c], c))
    pool = list(removed) + extra[: 2 * len(freed) + 4]
    noise = rng.choice((0.0, 0.5, 2.0))
    keyed = [
        (not pb.candidates[c].required, -(grid.need[c] + noise * rng.random()), c) for c in pool
    ]
    return [c for *_, c in sorted(keyed)]
