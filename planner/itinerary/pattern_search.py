"""Ruin-and-recreate moves on whole periodic patterns (used by :mod:`.search`).

A periodic stop holds one *pattern* (van, slot, first day, every ``7 w`` days; see
:mod:`.periodic`). Placed greedily in need order, patterns take the positions that single stops
with narrow windows (market day, three mornings a week) needed, pair badly on their days (a
morning far from the afternoon) or leave a later periodic stop without any free pattern. The
moves here let the search undo that:

* **ruin**: take out the patterns of a few related periodic stops (a random one and the
  nearest ones, or those sharing its van-days) and, half of the time each, the single visits
  of their days and a few single visits anywhere (room for the ones a pattern displaces);
* **recreate**: put back the removed stops and the periodic stops left out (those whose
  patterns touch the freed positions), in noisy need order, each at the pattern of largest
  *gain* on the current schedule, where a pattern may displace single visits:
  ``gain = sum over its visits of (points(c) - points(single displaced) - drive added)``. A
  removed *regular* stop always goes back (at any gain; when none of its patterns fits any
  more the move is given up); any other stop comes in only at a positive gain (in
  ``FORCE_SHARE`` of the moves at any gain: what it displaces may fit elsewhere), and a removed
  stop that is not regular is sometimes left out on purpose (``DROP_SHARE``) so that single
  visits of higher need can take its position. Then the displaced and removed single visits,
  and the neediest unplanned ones, are inserted into the free positions
  (:func:`.greedy.insert_all`); in ``SINGLES_FIRST_SHARE`` of the moves the single visits go
  first, those that fit the fewest free positions first, and the patterns then take what is
  left (displacing single visits).

A *regular* stop is a periodic stop that can be visited at least twice over the horizon
(``REGULAR_VISITS``; :func:`.bound.max_visits`). Once planned, the search never drops one, it
only moves it: such stops are the plan's regular circuits, sized by the coverage choice from
the vans' capacity, and trading one for one-off visits of a higher immediate value would undo
that choice (issue #11, item 3). A periodic stop with a single visit in the horizon (a weekly
stop on a one-week plan, a monthly one on four weeks) is no circuit and competes with single
visits. The exact model (:mod:`.exact`) may drop any periodic stop, so its optimum stays an
upper reference for the heuristic.

Only the stops in ``movable`` move: the solver passes the optional periodic stops it placed
itself; required stops and visits kept by re-planning stay locked. A pattern never displaces a
locked visit (another pattern, a kept visit).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from planner.itinerary.bound import max_visits
from planner.itinerary.greedy import insert_all
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import Pattern, pattern_options
from planner.itinerary.schedule import Schedule

#: planned visits from which a periodic stop is a regular circuit that the search keeps
REGULAR_VISITS = 2
#: share of the recreate steps that leave a removed stop out on purpose (not regular ones)
DROP_SHARE = 0.15
#: share of the recreate steps that bring in a periodic stop left out even at a negative gain
#: (the single visits it displaces may find another position)
FORCE_SHARE = 0.3
#: share of the recreate steps that insert single visits before the patterns
SINGLES_FIRST_SHARE = 0.5
#: most single visits taken out at random by one ruin (besides those of the patterns' days)
MAX_RUINED_SINGLES = 3
#: most patterns taken out by one ruin
MAX_RUINED_PATTERNS = 10


@dataclass(frozen=True)
class PatternSpace:
    """Every pattern of each movable periodic stop on the empty schedule (what may be tried).

    Stops without any pattern are left out. ``by_position[p]`` lists the movable stops having
    a pattern through position ``p``; ``by_key[c]`` maps ``(van, slot, first day)`` to the
    pattern of ``c`` there; ``regular`` holds the regular stops (see the module docstring).
    """

    tracks: dict[int, tuple[Pattern, ...]]
    by_position: tuple[frozenset[int], ...]
    by_key: dict[int, dict[tuple[int, int, int], Pattern]]
    regular: frozenset[int] = frozenset()

    @classmethod
    def empty(cls) -> PatternSpace:
        return cls({}, (), {})

    @classmethod
    def build(cls, schedule: Schedule, movable: set[int]) -> PatternSpace:
        grid = schedule.grid
        empty = Schedule(grid)
        tracks: dict[int, tuple[Pattern, ...]] = {}
        at: list[set[int]] = [set() for _ in range(grid.n_positions)]
        for c in sorted(movable):
            freq = grid.problem.candidates[c].frequency
            period = freq.period_weeks if freq is not None else None
            if period is None:
                continue
            options = tuple(pattern_options(empty, c, period))
            if not options:
                continue
            tracks[c] = options
            for pat in options:
                for p in pat.positions:
                    at[p].add(c)
        by_key = {
            c: {(t.van, t.slot, t.first_day): t for t in options} for c, options in tracks.items()
        }
        most = max_visits(grid)
        regular = frozenset(c for c in tracks if most[c] >= REGULAR_VISITS)
        return cls(tracks, tuple(frozenset(s) for s in at), by_key, regular)


def pattern_gain(schedule: Schedule, pat: Pattern) -> int | None:
    """Objective change of putting ``pat`` on ``schedule`` over the single visits it displaces.

    None when a planned position is locked (another pattern, a kept visit) or its day's timing
    breaks. The displaced visits' re-insertion elsewhere is not counted.
    """
    c = pat.candidate
    gain = 0
    for p in pat.positions:
        if p in schedule.locked:
            return None
        delta = schedule.insertion(c, p)
        if delta is None:
            return None
        occupant = schedule.assign[p]
        gain += schedule.points(c) - delta - (schedule.points(occupant) if occupant >= 0 else 0)
    return gain


def remove_pattern(schedule: Schedule, c: int) -> list[int]:
    """Empty and unlock the visits of periodic stop ``c``; return their positions."""
    positions = list(schedule.pattern_of.pop(c, ()))
    for p in positions:
        schedule.locked.discard(p)
        schedule.put(-1, p)
    return positions


def place_pattern(schedule: Schedule, pat: Pattern) -> list[int]:
    """Put ``pat`` on ``schedule`` (locked), displacing single visits; return those stops."""
    displaced: list[int] = []
    for p in pat.positions:
        occupant = schedule.assign[p]
        if occupant >= 0:
            displaced.append(occupant)
        schedule.put(pat.candidate, p)
        schedule.locked.add(p)
    schedule.pattern_of[pat.candidate] = pat.positions
    return displaced


def best_pattern(schedule: Schedule, space: PatternSpace, c: int) -> tuple[int, Pattern] | None:
    """The pattern of ``c`` of largest gain (ties: more visits, van, first day, slot)."""
    best: tuple[tuple[int, int, int, int, int], int, Pattern] | None = None
    for pat in space.tracks.get(c, ()):
        gain = pattern_gain(schedule, pat)
        if gain is None:
            continue
        key = (gain, len(pat.positions), -pat.van, -pat.first_day, -pat.slot)
        if best is None or key > best[0]:
            best = (key, gain, pat)
    return None if best is None else (best[1], best[2])


def ruin_recreate(
    trial: Schedule,
    space: PatternSpace,
    pool: SinglePool,
    rng: random.Random,
    loc: np.ndarray,
    durations: np.ndarray,
) -> bool:
    """One pattern move on ``trial`` (in place); False when it is given up (see the module
    docstring): then ``trial`` is to be thrown away."""
    grid = trial.grid
    n_slots = grid.n_slots
    movable = sorted(space.tracks)
    seed_c = movable[rng.randrange(len(movable))]
    placed = [c for c in movable if c in trial.pattern_of]
    ruined = _related(trial, space, seed_c, placed, rng, loc, durations)
    freed: set[int] = set()
    removed_singles: set[int] = set()
    days: set[int] = set()
    for c in ruined:
        for p in remove_pattern(trial, c):
            freed.add(p)
            days.add(p // n_slots)
    if rng.random() < 0.5:
        for k in days:
            for q in range(k * n_slots, (k + 1) * n_slots):
                x = trial.assign[q]
                if x >= 0 and q not in trial.locked:
                    removed_singles.add(x)
                    trial.put(-1, q)
                    freed.add(q)
    if rng.random() < 0.5:
        # a few single visits anywhere: room for the ones the patterns will displace
        others = [q for q, x in enumerate(trial.assign) if x >= 0 and q not in trial.locked]
        for q in rng.sample(others, min(len(others), rng.randint(1, MAX_RUINED_SINGLES))):
            removed_singles.add(trial.assign[q])
            trial.put(-1, q)
            freed.add(q)
    if rng.random() < SINGLES_FIRST_SHARE:
        # single visits first, scarcest first: a stop that fits few positions takes one of
        # them before a pattern (which may still displace a single of lower need) does
        free = [p for p in range(grid.n_positions) if trial.assign[p] < 0]
        insert_all(trial, pool(trial, removed_singles, free, rng, True), free)
        removed_singles = {c for c in removed_singles if trial.count[c] == 0}
    touched = set().union(*(space.by_position[p] for p in freed)) if freed else set()
    waiting = [c for c in touched | {seed_c} if c not in trial.pattern_of]
    noise = rng.choice((0.0, 1.0, 4.0))
    need = grid.need
    waiting.sort(key=lambda c: (-(need[c] + noise * rng.random()), c))
    displaced: list[int] = []
    force = rng.random() < FORCE_SHARE
    kept = set(ruined) & space.regular
    for c in waiting:
        if c not in kept and c in ruined and rng.random() < DROP_SHARE:
            continue
        found = best_pattern(trial, space, c)
        if found is None:
            if c in kept:
                return False
            continue
        if found[0] <= 0 and not force and c not in kept:
            continue
        displaced += place_pattern(trial, found[1])
    free = [p for p in range(grid.n_positions) if trial.assign[p] < 0]
    removed = removed_singles | set(displaced)
    insert_all(trial, pool(trial, removed, free, rng), free)
    return True


def _related(
    trial: Schedule,
    space: PatternSpace,
    seed_c: int,
    placed: list[int],
    rng: random.Random,
    loc: np.ndarray,
    durations: np.ndarray,
) -> list[int]:
    """Placed stops whose patterns to take out, related to the seed stop.

    A placed seed goes with up to ``MAX_RUINED_PATTERNS - 1`` stops nearest by travel time
    (half of the time) or sharing one of its van-days. A seed left out takes out up to
    ``MAX_RUINED_PATTERNS - 1`` of the stops whose patterns block its own.
    """
    size = rng.randint(1, MAX_RUINED_PATTERNS)
    n_slots = trial.grid.n_slots
    others = [c for c in placed if c != seed_c]
    if seed_c not in trial.pattern_of:
        mine = {p for pat in space.tracks[seed_c] for p in pat.positions}
        blockers = [c for c in others if mine.intersection(trial.pattern_of[c])]
        rng.shuffle(blockers)
        return blockers[: max(1, size - 1)]
    out = [seed_c]
    if not others or size == 1:
        return out
    if rng.random() < 0.5:
        days = {p // n_slots for p in trial.pattern_of[seed_c]}
        mates = [c for c in others if any(p // n_slots in days for p in trial.pattern_of[c])]
        rng.shuffle(mates)
        return out + mates[: size - 1]
    a = loc[seed_c]
    near = sorted(others, key=lambda c: (durations[a, loc[c]] + durations[loc[c], a], c))
    return out + near[: size - 1]


def final_patterns(
    schedule: Schedule, space: PatternSpace, fixed: dict[int, Pattern]
) -> tuple[dict[int, Pattern], list[int]]:
    """The chosen patterns of ``schedule`` and the movable stops left out for want of room.

    ``fixed`` holds the patterns of the stops that did not move. A movable stop left out is
    *failed* (no free compatible pattern) when none of its patterns could be placed even by
    displacing single visits; otherwise it was outranked by single visits of higher need.
    """
    chosen = {c: pat for c, pat in fixed.items() if c not in space.tracks}
    failed: list[int] = []
    for c, tracks in sorted(space.tracks.items()):
        positions = schedule.pattern_of.get(c)
        if positions is not None:
            chosen[c] = next(t for t in tracks if t.positions == positions)
        elif all(pattern_gain(schedule, t) is None for t in tracks):
            failed.append(c)
    return chosen, failed


#: unplanned single stops offered to a recreate: down to this much need below the removed ones
POOL_MARGIN_NEED = 3.0


class SinglePool:
    """Which single stops a recreate tries, and in which order (built once per search).

    A call returns the removed stops plus the neediest unplanned ones that fit a freed
    position (down to ``POOL_MARGIN_NEED`` below the least needy removed one, at most
    ``2 * freed + 4`` of them): required stops first, then in need order with a little noise,
    or (``scarce_first``) the stops that fit the fewest freed positions first.
    """

    def __init__(self, grid: Grid, singles: list[int]) -> None:
        self.grid = grid
        need = np.asarray(grid.need, dtype=float)
        ids = np.asarray(singles, dtype=int)
        order = np.lexsort((ids, -need[ids])) if ids.size else ids
        self.by_need = ids[order]
        self.need = need[self.by_need]
        self.fit = grid.fit[self.by_need]
        self.required = [c.required for c in grid.problem.candidates]

    def __call__(
        self,
        trial: Schedule,
        removed: set[int],
        freed: list[int],
        rng: random.Random,
        scarce_first: bool = False,
    ) -> list[int]:
        grid = self.grid
        floor = min((grid.need[c] for c in removed), default=0.0) - POOL_MARGIN_NEED
        count = np.asarray(trial.count, dtype=int)[self.by_need]
        keep = (count == 0) & (self.need >= floor) & self.fit[:, freed].any(axis=1)
        room = 2 * len(freed) + 4
        extra = [int(c) for c in self.by_need[keep][: room + len(removed)] if c not in removed]
        pool = sorted(removed) + extra[:room]
        noise = rng.choice((0.0, 0.5, 2.0))
        fits = np.asarray(grid.fit[:, freed].sum(axis=1)) if scarce_first else None
        keyed = [
            (
                not self.required[c],
                0 if fits is None else int(fits[c]),
                -(grid.need[c] + noise * rng.random()),
                c,
            )
            for c in pool
        ]
        return [c for *_, c in sorted(keyed)]
