"""Mutable working schedule used by the construction and search steps (not a result type)."""

from __future__ import annotations

from planner.itinerary.grid import Grid
from planner.itinerary.problem import DRIVE_POINTS, NEED_POINTS


class Schedule:
    """Which candidate fills each position (-1 = empty), with per-day drive kept up to date.

    ``locked`` positions (periodic visits, visits kept by re-planning) are never changed by the
    search. ``count[c]`` is the number of visits of candidate ``c``; ``week_sessions[(v, w)]``
    the sessions of van ``v`` in horizon week ``w`` (against the van's ``sessions_per_week``;
    counted only when some van is ``capped``).
    """

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.assign = [-1] * grid.n_positions
        self.locked: set[int] = set()
        self.count = [0] * len(grid.loc)
        self.day_drive = [0] * len(grid.vandays)
        self.need_points = 0
        self.drive = 0
        self.pattern_of: dict[int, tuple[int, ...]] = {}
        self.week_sessions: dict[tuple[int, int], int] = {}
        self.week_cap = [v.sessions_per_week for v in grid.problem.vans]
        self.capped = any(cap is not None for cap in self.week_cap)
        self.day_n = [0] * len(grid.vandays)

    def copy(self) -> Schedule:
        other = Schedule.__new__(Schedule)
        other.grid = self.grid
        other.assign = list(self.assign)
        other.locked = set(self.locked)
        other.count = list(self.count)
        other.day_drive = list(self.day_drive)
        other.need_points = self.need_points
        other.drive = self.drive
        other.pattern_of = dict(self.pattern_of)
        other.week_sessions = dict(self.week_sessions)
        other.week_cap = self.week_cap
        other.capped = self.capped
        other.day_n = list(self.day_n)
        return other

    @property
    def objective(self) -> int:
        return self.need_points - DRIVE_POINTS * self.drive

    def points(self, c: int) -> int:
        return round(NEED_POINTS * self.grid.need[c])

    # -- day helpers -------------------------------------------------------------------------
    def day_visits(self, k: int, *, extra: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        """``(slot, candidate)`` of van-day ``k``, with ``extra`` = (slot, c) put in or over."""
        n = self.grid.n_slots
        out = []
        for s in range(n):
            c = self.assign[k * n + s]
            if extra is not None and extra[0] == s:
                c = extra[1]
            if c >= 0:
                out.append((s, c))
        return out

    def insertion(self, c: int, p: int) -> int | None:
        """Drive added by putting ``c`` at empty or occupied position ``p``; None if infeasible.

        Infeasible when ``c`` does not fit ``p``, is already visited that day, the day's
        timing breaks, an empty ``p`` would take its van past ``sessions_per_week``, or would
        start a day for a resource whose crew shares a person with one already out that date.
        """
        grid = self.grid
        if not grid.fit[c, p]:
            return None
        k, s = divmod(p, grid.n_slots)
        if self.day_n[k] == 0 and self.assign[p] < 0 and self.crew_busy(k):
            return None
        if self.capped and self.assign[p] < 0 and self.week_full(k):
            return None
        visits = self.day_visits(k, extra=(s, c))
        if sum(1 for _, x in visits if x == c) > 1:
            return None
        timing = grid.day_timing(grid.vandays[k][0], visits)
        if not timing.feasible:
            return None
        return timing.drive_s - self.day_drive[k]

    def crew_busy(self, k: int) -> bool:
        """True when a person of van-day ``k``'s crew is already out that date on another one."""
        return any(self.day_n[j] for j in self.grid.conflicts[k])

    def week_full(self, k: int) -> bool:
        """True when van-day ``k``'s van has used its sessions for that horizon week."""
        v = self.grid.vandays[k][0]
        cap = self.week_cap[v]
        return cap is not None and self.week_sessions.get((v, self.grid.week_of[k]), 0) >= cap

    # -- mutations ---------------------------------------------------------------------------
    def put(self, c: int, p: int) -> None:
        """Fill position ``p`` with ``c`` (``c = -1`` empties it) and refresh the day."""
        old = self.assign[p]
        k = p // self.grid.n_slots
        week = (self.grid.vandays[k][0], self.grid.week_of[k]) if self.capped else (0, 0)
        self.day_n[k] += (c >= 0) - (old >= 0)
        if old >= 0:
            self.count[old] -= 1
            self.need_points -= self.points(old)
            if self.capped:
                self.week_sessions[week] -= 1
        self.assign[p] = c
        if c >= 0:
            self.count[c] += 1
            self.need_points += self.points(c)
            if self.capped:
                self.week_sessions[week] = self.week_sessions.get(week, 0) + 1
        timing = self.grid.day_timing(self.grid.vandays[k][0], self.day_visits(k))
        self.drive += timing.drive_s - self.day_drive[k]
        self.day_drive[k] = timing.drive_s

    def positions_of(self, c: int) -> list[int]:
        return [p for p, x in enumerate(self.assign) if x == c]
