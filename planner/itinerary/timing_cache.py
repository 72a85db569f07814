"""Speed helpers of the search: memoised van-day timings, fit rows as lists, fast insertion.

The ruin-and-recreate search (:mod:`.search`, :mod:`.pattern_search`) asks for the timing of
the same van-days (a van and its one or two ``(slot, stop)`` visits) over and over while it
tries insertions; :meth:`.grid.Grid.day_timing` depends only on those arguments and returns a
frozen :class:`.grid.DayTiming`, so caching it changes no result, only the time taken.
:func:`insertion` is :meth:`.schedule.Schedule.insertion` without its temporary lists (same
answer), reading the fit matrix from plain lists (:func:`fit_row`) rather than numpy scalars.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.itinerary.grid import DayTiming, Grid
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.schedule import Schedule

#: entries kept before the cache is emptied (bounds memory on large horizons)
MAX_ENTRIES = 400_000


class CachedGrid(Grid):
    """:class:`.grid.Grid` with :meth:`day_timing` memoised on ``(van, visits)``.

    ``fit_lists`` is ``fit`` as one list of booleans per candidate.
    """

    def __init__(self, problem: ItineraryProblem) -> None:
        # before Grid.__init__, which times every one-stop day for the fit matrix
        self._timings: dict[tuple[int, tuple[tuple[int, int], ...]], DayTiming] = {}
        super().__init__(problem)
        self.fit_lists: list[list[bool]] = self.fit.tolist()

    def day_timing(self, v: int, visits: list[tuple[int, int]]) -> DayTiming:
        key = (v, tuple(visits))
        found = self._timings.get(key)
        if found is None:
            if len(self._timings) >= MAX_ENTRIES:
                self._timings.clear()
            found = self._timings[key] = super().day_timing(v, visits)
        return found


def fit_row(grid: Grid, c: int) -> Sequence[bool]:
    """Row ``c`` of ``grid.fit``: a plain list on a :class:`CachedGrid` (faster to index)."""
    if isinstance(grid, CachedGrid):
        return grid.fit_lists[c]
    return grid.fit[c]  # type: ignore[no-any-return]


def insertion(schedule: Schedule, c: int, p: int, fit: Sequence[bool]) -> int | None:
    """Drive added by putting ``c`` at position ``p`` (empty or occupied); None if infeasible.

    ``fit`` is ``fit_row(grid, c)``. Same answer as :meth:`.schedule.Schedule.insertion`.
    """
    if not fit[p]:
        return None
    grid = schedule.grid
    n = grid.n_slots
    k, s = divmod(p, n)
    first = k * n
    assign = schedule.assign
    visits = []
    for t in range(n):
        x = c if t == s else assign[first + t]
        if x >= 0:
            if x == c and t != s:
                return None
            visits.append((t, x))
    timing = grid.day_timing(grid.vandays[k][0], visits)
    if not timing.feasible:
        return None
    return timing.drive_s - schedule.day_drive[k]
