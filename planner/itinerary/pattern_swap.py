"""Swap the patterns of two periodic stops of the same period (a move of :mod:`.search`).

Periodic stops placed in need order pair badly on their van-days: a morning stop far from the
afternoon one, every week or fortnight. Exchanging the (van, slot, first day) of two stops
re-pairs them without changing the need served, so a swap changes only the drive of the van-days
it touches. A swap is *clean* when each stop has a pattern at the other's key with exactly the
other's planned positions (same skipped dates); only clean swaps are tried, and the drive change
is computed from the touched days' timings without copying the schedule.

One move picks a placed movable stop at random and applies its best clean swap (the least drive
after the swap, even when it does not save any: the search's acceptance rule decides).
"""

from __future__ import annotations

import random

from planner.itinerary.pattern_search import PatternSpace, place_pattern, remove_pattern
from planner.itinerary.periodic import Pattern
from planner.itinerary.schedule import Schedule


def _key(schedule: Schedule, c: int) -> tuple[int, int, int]:
    """(van, slot, first day of the pattern's period) of placed periodic stop ``c``."""
    grid = schedule.grid
    positions = schedule.pattern_of[c]
    v, d, s = grid.vanday_of(positions[0])
    freq = grid.problem.candidates[c].frequency
    step = 7 * (freq.period_weeks or 1) if freq is not None else 7
    return v, s, d % step


def swap_delta(schedule: Schedule, a: int, b: int) -> int | None:
    """Drive change (s) of exchanging the visits of placed stops ``a`` and ``b``; None if a
    touched day's timing breaks. Positions are assumed to be a clean swap."""
    grid = schedule.grid
    n = grid.n_slots
    assign = schedule.assign
    days = {p // n for p in schedule.pattern_of[a]} | {p // n for p in schedule.pattern_of[b]}
    delta = 0
    for k in days:
        visits = []
        for t in range(n):
            x = assign[k * n + t]
            if x >= 0:
                visits.append((t, b if x == a else a if x == b else x))
        timing = grid.day_timing(grid.vandays[k][0], visits)
        if not timing.feasible:
            return None
        delta += timing.drive_s - schedule.day_drive[k]
    return delta


def clean_swap(
    schedule: Schedule, space: PatternSpace, a: int, b: int
) -> tuple[Pattern, Pattern] | None:
    """The patterns (``a`` at ``b``'s place, ``b`` at ``a``'s) of a clean swap, or None."""
    pa, pb = schedule.pattern_of[a], schedule.pattern_of[b]
    if len(pa) != len(pb):
        return None
    new_a = space.by_key[a].get(_key(schedule, b))
    new_b = space.by_key[b].get(_key(schedule, a))
    if new_a is None or new_b is None or new_a.positions != pb or new_b.positions != pa:
        return None
    return new_a, new_b


def swap_move(schedule: Schedule, space: PatternSpace, rng: random.Random) -> bool:
    """Apply the best clean swap of a random placed movable stop (in place); False if none."""
    placed = [c for c in sorted(space.tracks) if c in schedule.pattern_of]
    if len(placed) < 2:
        return False
    a = placed[rng.randrange(len(placed))]
    period = schedule.grid.problem.candidates[a].frequency
    best: tuple[int, int, tuple[Pattern, Pattern]] | None = None
    for b in placed:
        if b == a or schedule.grid.problem.candidates[b].frequency != period:
            continue
        pair = clean_swap(schedule, space, a, b)
        if pair is None:
            continue
        delta = swap_delta(schedule, a, b)
        if delta is not None and (best is None or delta < best[0]):
            best = (delta, b, pair)
    if best is None:
        return False
    _, b, (new_a, new_b) = best
    remove_pattern(schedule, a)
    remove_pattern(schedule, b)
    place_pattern(schedule, new_a)
    place_pattern(schedule, new_b)
    return True
