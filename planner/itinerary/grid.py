"""Positions (van-day x slot), which stop fits where, and the timing of a van day.

A *van-day* is a van on an open date of the horizon (a working weekday of that van, not a public
holiday, not closed). A *position* is a slot of a van-day; position ``p = k * n_slots + s``. The
boolean matrix ``fit[c, p]`` says whether stop ``c`` alone may fill position ``p`` (hours, market
day, school period, needs, roads to and from the base, shift and work limits for a one-stop day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.itinerary.problem import Candidate, ItineraryProblem

#: French reasons a stop can never be planned, in the order the filters apply.
REASON_SERVICE = "session plus longue que chaque créneau"
REASON_HOURS = "horaires d'ouverture incompatibles avec tous les créneaux"
REASON_MARKET = "jour de marché hors des jours travaillés de l'horizon"
REASON_PERIOD = "période (scolaire / vacances) absente de l'horizon"
REASON_NEEDS = "besoins (électricité, stationnement...) non satisfaits par le lieu"
REASON_UNREACHABLE = "lieu inaccessible depuis la base du véhicule"
REASON_TOO_FAR = "trop loin de la base pour tenir dans la journée de service"
REASON_NO_DAY = "aucun jour ouvré disponible dans l'horizon"
REASON_CANCELLED = "toutes ses dates restantes sont annulées"


@dataclass(frozen=True)
class DayTiming:
    """Timing of one van day; ``arrivals`` per visited stop in slot order."""

    feasible: bool
    drive_s: int
    drive_m: int
    leave_s: int
    return_s: int
    arrivals: tuple[int, ...]
    work_s: int


class Grid:
    """Precomputed positions and fit matrix of a problem (read-only after construction)."""

    def __init__(self, problem: ItineraryProblem) -> None:
        self.problem = problem
        cal = problem.calendar
        self.n_slots = len(problem.slots)
        vandays: list[tuple[int, int]] = []
        for d in range(cal.n_days):
            if not cal.is_open(d):
                continue
            info = cal.days[d]
            for v, van in enumerate(problem.vans):
                if info.weekday in van.working_days and info.date not in problem.unavailable(van):
                    vandays.append((v, d))
        self.vandays = vandays
        self.n_positions = len(vandays) * self.n_slots
        self.dur = problem.durations.tolist()
        self.dist = problem.distances.tolist()
        self.loc = [c.location for c in problem.candidates]
        self.base_loc = [problem.base_of(v).location for v in problem.vans]
        self.need = [c.need for c in problem.candidates]
        self.service = [
            [problem.service_of(c, slot) for slot in problem.slots] for c in problem.candidates
        ]
        self.fit, self.never_reason = self._fit_matrix()
        self.kv_index = {(v, d): k for k, (v, d) in enumerate(vandays)}

    # -- positions -------------------------------------------------------------------------
    def position(self, v: int, d: int, s: int) -> int | None:
        k = self.kv_index.get((v, d))
        return None if k is None else k * self.n_slots + s

    def vanday_of(self, p: int) -> tuple[int, int, int]:
        """(van, day, slot) of position ``p``."""
        k, s = divmod(p, self.n_slots)
        v, d = self.vandays[k]
        return v, d, s

    # -- fit -------------------------------------------------------------------------------
    def _fit_matrix(self) -> tuple[np.ndarray, list[str | None]]:
        pb = self.problem
        cal = pb.calendar
        n_c, n_k, n_s = len(pb.candidates), len(self.vandays), self.n_slots
        fit = np.zeros((n_c, n_k, n_s), dtype=bool)
        reasons: list[str | None] = []
        days_v = np.array([v for v, _ in self.vandays], dtype=int)
        days_d = np.array([d for _, d in self.vandays], dtype=int)
        weekday = np.array([cal.days[d].weekday for d in days_d], dtype=int)
        in_school_hol = np.array([cal.days[d].school_holiday is not None for d in days_d])
        for ci, c in enumerate(pb.candidates):
            ok = np.ones((n_k, n_s), dtype=bool)
            steps: list[tuple[str, np.ndarray]] = []
            slot_len_ok = np.array(
                [self.service[ci][s] <= sl.end_s - sl.start_s for s, sl in enumerate(pb.slots)]
            )
            steps.append((REASON_SERVICE, np.broadcast_to(slot_len_ok, (n_k, n_s))))
            hours = np.array(
                [
                    [
                        c.hours.is_open(
                            wd, sl.start_s // 60, -(-(sl.start_s + self.service[ci][s]) // 60)
                        )
                        for s, sl in enumerate(pb.slots)
                    ]
                    for wd in range(7)
                ]
            )
            steps.append((REASON_HOURS, hours[weekday] if n_k else np.zeros((0, n_s), bool)))
            if c.market_day is not None:
                steps.append((REASON_MARKET, np.repeat((weekday == c.market_day)[:, None], n_s, 1)))
            if c.period != "always":
                want = in_school_hol if c.period == "school_holidays" else ~in_school_hol
                steps.append((REASON_PERIOD, np.repeat(want[:, None], n_s, 1)))
            cancelled = pb.cancelled(c)
            if cancelled:
                kept = np.array([cal.days[d].date not in cancelled for d in days_d], dtype=bool)
                steps.append((REASON_CANCELLED, np.repeat(kept[:, None], n_s, 1)))
            van_ok = np.array([self._needs_ok(c, v) for v in range(len(pb.vans))], dtype=bool)
            steps.append((REASON_NEEDS, np.repeat(van_ok[days_v][:, None], n_s, 1)))
            reach = np.array(
                [
                    bool(pb.reachable[b, c.location] and pb.reachable[c.location, b])
                    for b in self.base_loc
                ],
                dtype=bool,
            )
            steps.append((REASON_UNREACHABLE, np.repeat(reach[days_v][:, None], n_s, 1)))
            alone = np.array(
                [[self._alone_ok(ci, v, s) for s in range(n_s)] for v in range(len(pb.vans))],
                dtype=bool,
            )
            steps.append((REASON_TOO_FAR, alone[days_v] if n_k else np.zeros((0, n_s), bool)))
            reason: str | None = REASON_NO_DAY if n_k == 0 else None
            for why, mask in steps:
                ok = ok & mask
                if reason is None and not ok.any():
                    reason = why
            fit[ci] = ok
            reasons.append(reason)
        return fit.reshape(n_c, n_k * n_s), reasons

    def _needs_ok(self, c: Candidate, v: int) -> bool:
        return (c.needs | self.problem.van_needs) <= c.amenities | c.unverified

    def _alone_ok(self, ci: int, v: int, s: int) -> bool:
        return self.day_timing(v, [(s, ci)]).feasible

    # -- timing ----------------------------------------------------------------------------
    def day_timing(self, v: int, visits: list[tuple[int, int]]) -> DayTiming:
        """Timing of van ``v``'s day visiting ``(slot, candidate)`` pairs sorted by slot.

        The van leaves as late as possible to be at the first stop by its slot start, reaches
        each next stop after the previous session, and returns right after the last one.
        """
        pb = self.problem
        van = pb.vans[v]
        base = self.base_loc[v]
        if not visits:
            return DayTiming(True, 0, 0, 0, 0, (), 0)
        dur, dist, slots = self.dur, self.dist, pb.slots
        s0, c0 = visits[0]
        first = self.loc[c0]
        drive = dur[base][first]
        metres = dist[base][first]
        leave = slots[s0].start_s - drive
        feasible = leave >= van.start_s
        arrivals = [slots[s0].start_s]
        end = slots[s0].start_s + self.service[c0][s0]
        work = self.service[c0][s0]
        prev = first
        for s, c in visits[1:]:
            loc = self.loc[c]
            arrive = end + dur[prev][loc]
            drive += dur[prev][loc]
            metres += dist[prev][loc]
            if arrive > slots[s].start_s:
                feasible = False
            arrivals.append(arrive)
            end = slots[s].start_s + self.service[c][s]
            work += self.service[c][s]
            prev = loc
        ret = end + dur[prev][base]
        drive += dur[prev][base]
        metres += dist[prev][base]
        work += drive
        feasible = (
            feasible
            and ret <= van.end_s
            and ret - leave <= van.max_span_s
            and work <= van.max_work_s
        )
        return DayTiming(feasible, drive, metres, leave, ret, tuple(arrivals), work)
