"""Periodic stops: choose one pattern (van, first day, slot) per stop and lock its visits.

A pattern of period ``w`` weeks starts on horizon day ``d0 < 7 w`` and repeats every ``7 w``
days on the same weekday, slot and van. A repetition falls on a *skipped* date when that van-day
does not exist (public holiday, closed date, van unavailable, not a working weekday) or the stop
is out of its school period then; skipped dates are reported, every other repetition is planned.

A periodic stop with ``dates`` (a partner pin « every first Thursday of the month ») repeats on
those dates instead, still on one slot and van: its pattern is one option per (van, slot).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.itinerary.grid import Grid
from planner.itinerary.problem import Candidate
from planner.itinerary.schedule import Schedule

REASON_NO_PATTERN = "aucun motif (jour, créneau, véhicule) libre et compatible sur l'horizon"


@dataclass(frozen=True)
class Pattern:
    """A chosen pattern: its van, slot, first day, planned positions and skipped days."""

    candidate: int
    van: int
    slot: int
    first_day: int
    step_days: int
    positions: tuple[int, ...]
    skipped_days: tuple[int, ...]


def dated_days(grid: Grid, cand: Candidate) -> list[int]:
    """Horizon days of ``cand.dates`` (empty when the stop has no dates)."""
    cal = grid.problem.calendar
    found = (cal.index_of(date) for date in sorted(cand.dates))
    return [d for d in found if d is not None]


def pattern_options(schedule: Schedule, c: int, period_weeks: int) -> list[Pattern]:
    """Every pattern of ``c`` whose planned visits all fit the current schedule."""
    grid = schedule.grid
    n_days = grid.problem.calendar.n_days
    step = 7 * period_weeks
    cand = grid.problem.candidates[c]
    dated = dated_days(grid, cand)
    starts = [dated[0]] if dated else range(min(step, n_days)) if not cand.dates else []
    options: list[Pattern] = []
    for v in range(len(grid.problem.vans)):
        for s in range(grid.n_slots):
            for d0 in starts:
                positions: list[int] = []
                skipped: list[int] = []
                ok = True
                for d in dated or range(d0, n_days, step):
                    p = grid.position(v, d, s)
                    if p is None or not grid.fit[c, p]:
                        skipped.append(d)
                        continue
                    if schedule.assign[p] >= 0 or schedule.insertion(c, p) is None:
                        ok = False
                        break
                    positions.append(p)
                if ok and positions:
                    options.append(Pattern(c, v, s, d0, step, tuple(positions), tuple(skipped)))
    return options


def pattern_cost(schedule: Schedule, pattern: Pattern) -> int:
    """Drive added by a pattern on the current schedule (its days are distinct)."""
    total = 0
    for p in pattern.positions:
        delta = schedule.insertion(pattern.candidate, p)
        total += 0 if delta is None else delta
    return total


def place_periodic(schedule: Schedule, order: list[int]) -> tuple[dict[int, Pattern], list[int]]:
    """Place periodic candidates in ``order``; return chosen patterns and the ones left out.

    Each stop takes the pattern with the most visits, then the least added driving.
    """
    grid = schedule.grid
    chosen: dict[int, Pattern] = {}
    failed: list[int] = []
    for c in order:
        freq = grid.problem.candidates[c].frequency
        period = freq.period_weeks if freq is not None else None
        if period is None:
            continue
        options = pattern_options(schedule, c, period)
        if not options:
            failed.append(c)
            continue
        best = min(
            options,
            key=lambda pt: (-len(pt.positions), pattern_cost(schedule, pt), pt.van, pt.first_day),
        )
        for p in best.positions:
            schedule.put(c, p)
            schedule.locked.add(p)
        schedule.pattern_of[c] = best.positions
        chosen[c] = best
    return chosen, failed
