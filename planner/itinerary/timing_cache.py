"""A grid whose van-day timings are memoised (the search times the same days many times).

The ruin-and-recreate search (:mod:`.search`, :mod:`.pattern_search`) asks for the timing of
the same van-days (a van and its one or two ``(slot, stop)`` visits) over and over while it
tries insertions; :meth:`.grid.Grid.day_timing` depends only on those arguments and returns a
frozen :class:`.grid.DayTiming`, so caching it changes no result, only the time taken. Calls
with keyword options are passed through uncached.
"""

from __future__ import annotations

from typing import Any

from planner.itinerary.grid import DayTiming, Grid
from planner.itinerary.problem import ItineraryProblem

#: entries kept before the cache is emptied (bounds memory on large horizons)
MAX_ENTRIES = 400_000


class CachedGrid(Grid):
    """:class:`.grid.Grid` with :meth:`day_timing` memoised on ``(van, visits)``."""

    def __init__(self, problem: ItineraryProblem) -> None:
        # before Grid.__init__, which times every one-stop day for the fit matrix
        self._timings: dict[tuple[int, tuple[tuple[int, int], ...]], DayTiming] = {}
        super().__init__(problem)

    def day_timing(self, v: int, visits: list[tuple[int, int]], **options: Any) -> DayTiming:
        if options:
            return super().day_timing(v, visits, **options)
        key = (v, tuple(visits))
        found = self._timings.get(key)
        if found is None:
            if len(self._timings) >= MAX_ENTRIES:
                self._timings.clear()
            found = self._timings[key] = super().day_timing(v, visits)
        return found
