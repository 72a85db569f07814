"""Ruin-and-recreate search over single visits and the patterns of movable periodic stops.

Most iterations move single visits (periodic patterns and kept visits stay locked there): each
removes a few planned single visits that lie near one another (and, half of the time, the
other visits of their days), then re-inserts the removed stops and the neediest
unplanned ones into the freed positions, in need order with a little random noise, each at its
cheapest position. The other iterations (a share :func:`pattern_share` growing with the
number of movable periodic stops) take out and put back whole periodic patterns with the
single visits around them (:mod:`.pattern_search`), or swap two of them
(:mod:`.pattern_swap`). A new schedule is accepted when its
objective is not worse than the current one minus a threshold that falls linearly to zero
(threshold accepting); the best is kept.

The search is deterministic for a given seed: it stops after a fixed number of iterations
(derived from the time limit by the caller), or once ``STALL_SHARE`` of them (at least
``STALL_MIN``) have run without a new best schedule, or earlier at the wall-clock deadline.
"""

from __future__ import annotations

import random
import time

import numpy as np

from planner.itinerary.greedy import insert_all
from planner.itinerary.pattern_search import PatternSpace, SinglePool, ruin_recreate
from planner.itinerary.pattern_swap import swap_move
from planner.itinerary.schedule import Schedule

THRESHOLD_START_S = 300
#: stop after this share of the iteration budget (at least STALL_MIN) without a new best
STALL_SHARE = 0.25
STALL_MIN = 500
#: bounds of the share of iterations spent on pattern moves (when some pattern may move)
PATTERN_SHARE_MIN = 0.1
PATTERN_SHARE_MAX = 0.5
#: share of the pattern moves that swap two patterns (:mod:`.pattern_swap`)
SWAP_SHARE = 0.3


def pattern_share(schedule: Schedule, space: PatternSpace, singles: list[int]) -> float:
    """Share of pattern moves: movable periodic stops over them plus planned single visits."""
    if not space.tracks:
        return 0.0
    single_set = set(singles)
    planned = sum(1 for c in schedule.assign if c in single_set)
    share = len(space.tracks) / (len(space.tracks) + planned)
    return min(PATTERN_SHARE_MAX, max(PATTERN_SHARE_MIN, share))


def improve(
    schedule: Schedule,
    singles: list[int],
    *,
    seed: int,
    iterations: int,
    deadline: float,
    space: PatternSpace | None = None,
) -> tuple[Schedule, int]:
    """Improve a copy of ``schedule``; return the best schedule and the iterations run.

    ``space`` holds the patterns of the periodic stops that may move (none by default: every
    locked visit stays).
    """
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
    space = space if space is not None else PatternSpace.empty()
    share = pattern_share(schedule, space, singles)
    pool = SinglePool(grid, singles)
    stall = max(STALL_MIN, int(STALL_SHARE * iterations))
    best_seen, last_best = best.objective, 0
    done = 0
    for it in range(iterations):
        if best.objective > best_seen:
            best_seen, last_best = best.objective, it
        if it - last_best > stall or time.perf_counter() > deadline:
            break
        done = it + 1
        if share and rng.random() < share:
            trial = current.copy()
            moved = rng.random() < SWAP_SHARE and swap_move(trial, space, rng)
            if moved or ruin_recreate(trial, space, pool, rng, loc, durations):
                current, best = _accept(trial, current, best, required, it, iterations)
            continue
        movable = [
            p
            for p, c in enumerate(current.assign)
            if c >= 0 and p not in current.locked and c in single_set
        ]
        if not movable:
            if share:
                continue
            break
        trial = current.copy()
        freed = _ruin(trial, movable, rng, loc, durations, n_slots)
        removed = {trial.assign[p] for p in freed if trial.assign[p] >= 0}
        for p in freed:
            if trial.assign[p] >= 0:
                trial.put(-1, p)
        insert_all(trial, pool(trial, removed, freed, rng), freed)
        current, best = _accept(trial, current, best, required, it, iterations)
    return best, done


def _accept(
    trial: Schedule,
    current: Schedule,
    best: Schedule,
    required: set[int],
    it: int,
    iterations: int,
) -> tuple[Schedule, Schedule]:
    """Threshold accepting: the new (current, best) pair after trying ``trial``."""
    if any(trial.count[c] == 0 for c in required if current.count[c] > 0):
        return current, best
    threshold = THRESHOLD_START_S * (1 - it / max(iterations, 1))
    if trial.objective >= current.objective - threshold:
        if trial.objective > best.objective:
            best = trial.copy()
        return trial, best
    return current, best


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
