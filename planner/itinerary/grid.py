"""Positions (van-day x slot), which stop fits where, and the timing of a van day.

A *van-day* is a van on an open date of the horizon (a working weekday of that van, not a public
holiday, not closed). A *position* is a slot of a van-day; position ``p = k * n_slots + s``. The
boolean matrix ``fit[c, p]`` says whether stop ``c`` alone may fill position ``p`` (hours, market
day, school period, the manager's pin, needs, roads to and from the base, shift, work and
driving limits for a one-stop day). ``week_of[k]`` is the horizon week (7 days from the start)
of van-day ``k``: a van's ``sessions_per_week`` counts sessions per horizon week.
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
REASON_DRIVE_CAP = (
    "aller-retour depuis la base au-delà de la conduite maximale par jour du véhicule"
)
REASON_NO_DAY = "aucun jour ouvré disponible dans l'horizon"
REASON_CANCELLED = "toutes ses dates restantes sont annulées"
REASON_PIN = "épinglé sur un jour, un créneau ou un véhicule sans tournée dans l'horizon"


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
        self.drive_cap = [van.max_drive_s for van in problem.vans]
        self.fit, self.never_reason = self._fit_matrix()
        self.kv_index = {(v, d): k for k, (v, d) in enumerate(vandays)}
        self.week_of = [d // 7 for _, d in vandays]

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
            if c.pin_weekday is not None or c.pin_slot is not None or c.pin_van is not None:
                steps.append((REASON_PIN, self._pin_mask(c, days_v, weekday)))
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
            if any(v.max_drive_min is not None for v in pb.vans):
                capped = np.array(
                    [
                        [self._alone_ok(ci, v, s, cap=True) for s in range(n_s)]
                        for v in range(len(pb.vans))
                    ],
                    dtype=bool,
                )
                steps.append(
                    (REASON_DRIVE_CAP, capped[days_v] if n_k else np.zeros((0, n_s), bool))
                )
            reason: str | None = REASON_NO_DAY if n_k == 0 else None
            for why, mask in steps:
                ok = ok & mask
                if reason is None and not ok.any():
                    reason = why
            fit[ci] = ok
            reasons.append(reason)
        return fit.reshape(n_c, n_k * n_s), reasons

    def _pin_mask(self, c: Candidate, days_v: np.ndarray, weekday: np.ndarray) -> np.ndarray:
        """(van-day, slot) positions allowed by the pin of ``c``."""
        n_s = self.n_slots
        day_ok = np.ones(len(days_v), dtype=bool)
        if c.pin_weekday is not None:
            day_ok &= weekday == c.pin_weekday
        if c.pin_van is not None:
            vans = self.problem.vans
            day_ok &= np.array([vans[v].id == c.pin_van for v in days_v], dtype=bool)
        slot_ok = np.ones(n_s, dtype=bool)
        if c.pin_slot is not None:
            slot_ok = np.arange(n_s) == c.pin_slot
        return day_ok[:, None] & slot_ok[None, :]

    def _needs_ok(self, c: Candidate, v: int) -> bool:
        return (c.needs | self.problem.van_needs) <= c.amenities | c.unverified

    def _alone_ok(self, ci: int, v: int, s: int, *, cap: bool = False) -> bool:
        return self.day_timing(v, [(s, ci)], drive_cap=cap).feasible

    # -- timing ----------------------------------------------------------------------------
    def day_timing(
        self, v: int, visits: list[tuple[int, int]], *, drive_cap: bool = True
    ) -> DayTiming:
        """Timing of van ``v``'s day visiting ``(slot, candidate)`` pairs sorted by slot.

        The van leaves as late as possible to be at the first stop by its slot start, reaches
        each next stop after the previous session, and returns right after the last one. The
        day is infeasible past the van's ``max_drive_min`` unless ``drive_cap`` is False (used
        only to tell that cap apart in the reasons a stop never fits).
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
        cap = self.drive_cap[v] if drive_cap else None
        feasible = (
            feasible
            and ret <= van.end_s
            and ret - leave <= van.max_span_s
            and work <= van.max_work_s
            and (cap is None or drive <= cap)
        )
        return DayTiming(feasible, drive, metres, leave, ret, tuple(arrivals), work)
