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

from planner.daylight import daylight_min
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
REASON_RESOURCE = {
    "vehicule": "aucun véhicule dans l'horizon pour cette séance (arrêt du véhicule)",
    "equipe": "aucune équipe dans l'horizon pour cette séance (séance chez un partenaire, maraude)",
}
REASON_WINDOW = "plage horaire de l'événement sans créneau commun assez long"
REASON_DATES = "sa date (événement, jour convenu avec le partenaire) n'a pas de tournée possible"
REASON_DAYLIGHT = "aucun créneau de jour (entre lever et coucher du soleil) pour la maraude"


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
                if problem.works(van, info.weekday) and info.date not in problem.unavailable(van):
                    vandays.append((v, d))
        self.vandays = vandays
        self.n_positions = len(vandays) * self.n_slots
        self.dur = problem.durations.tolist()
        by_mode = {"voiture": self.dur} | {m: a.tolist() for m, a in problem.mode_durations.items()}
        self.dur_of = [by_mode[van.mode] for van in problem.vans]
        self.dist = problem.distances.tolist()
        self.loc = [c.location for c in problem.candidates]
        self.base_loc = [problem.base_of(v).location for v in problem.vans]
        self.need = [c.need for c in problem.candidates]
        sessions = [[c.session(slot) for slot in problem.slots] for c in problem.candidates]
        self.start = [[st for st, _ in row] for row in sessions]
        self.service = [[length for _, length in row] for row in sessions]
        self.drive_cap = [van.max_drive_s for van in problem.vans]
        self.fit, self.never_reason = self._fit_matrix()
        self.kv_index = {(v, d): k for k, (v, d) in enumerate(vandays)}
        self.week_of = [d // 7 for _, d in vandays]
        self.conflicts = self._crew_conflicts()

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
        n_c, n_k, n_s = len(self.problem.candidates), len(self.vandays), self.n_slots
        fit = np.zeros((n_c, n_k, n_s), dtype=bool)
        reasons: list[str | None] = []
        for ci in range(n_c):
            ok = np.ones((n_k, n_s), dtype=bool)
            reason: str | None = REASON_NO_DAY if n_k == 0 else None
            for _, why, mask in self.fit_steps(ci):
                ok = ok & mask
                if reason is None and not ok.any():
                    reason = why
            fit[ci] = ok
            reasons.append(reason)
        return fit.reshape(n_c, n_k * n_s), reasons

    def misfit(self, ci: int, p: int) -> str | None:
        """The first filter (its tag: ``hours``, ``pin``...) that keeps stop ``ci`` out of
        position ``p``, or None when it fits there (:attr:`fit`)."""
        k, s = divmod(p, self.n_slots)
        return next((tag for tag, _, mask in self.fit_steps(ci) if not mask[k, s]), None)

    def fit_steps(self, ci: int) -> list[tuple[str, str, np.ndarray]]:
        """The filters of stop ``ci`` in the order they apply: ``(tag, French reason it never
        fits, (van-day, slot) mask of the positions it allows)``."""
        pb = self.problem
        cal = pb.calendar
        c = pb.candidates[ci]
        n_k, n_s = len(self.vandays), self.n_slots
        days_v = np.array([v for v, _ in self.vandays], dtype=int)
        days_d = np.array([d for _, d in self.vandays], dtype=int)
        weekday = np.array([cal.days[d].weekday for d in days_d], dtype=int)

        def per_day(values: np.ndarray | list[bool]) -> np.ndarray:
            return np.repeat(np.asarray(values, dtype=bool)[:, None], n_s, 1)

        def per_van(rows: np.ndarray) -> np.ndarray:
            return rows[days_v] if n_k else np.zeros((0, n_s), bool)

        steps: list[tuple[str, str, np.ndarray]] = []
        slot_len_ok = np.array([self._inside(c, ci, s) for s in range(n_s)])
        tag, why_len = (
            ("service", REASON_SERVICE) if c.window_min is None else ("window", REASON_WINDOW)
        )
        steps.append((tag, why_len, np.broadcast_to(slot_len_ok, (n_k, n_s))))
        kinds = np.array([van.kind in c.served_by for van in pb.vans], dtype=bool)
        missing = sorted(c.served_by)[0]
        steps.append(("resource", REASON_RESOURCE[missing], per_day(kinds[days_v])))
        if c.dates:
            steps.append(
                ("dates", REASON_DATES, per_day([cal.days[d].date in c.dates for d in days_d]))
            )
        hours = np.array(
            [
                [
                    c.hours.is_open(
                        wd,
                        self.start[ci][s] // 60,
                        -(-(self.start[ci][s] + self.service[ci][s]) // 60),
                    )
                    for s in range(n_s)
                ]
                for wd in range(7)
            ]
        )
        steps.append(("hours", REASON_HOURS, hours[weekday] if n_k else np.zeros((0, n_s), bool)))
        if c.market_day is not None:
            steps.append(("market", REASON_MARKET, per_day(weekday == c.market_day)))
        if c.period != "always":
            in_school_hol = np.array([cal.days[d].school_holiday is not None for d in days_d])
            want = in_school_hol if c.period == "school_holidays" else ~in_school_hol
            steps.append(("period", REASON_PERIOD, per_day(want)))
        if c.pin_weekday is not None or c.pin_slot is not None or c.pin_van is not None:
            steps.append(("pin", REASON_PIN, self._pin_mask(c, days_v, weekday)))
        cancelled = pb.cancelled(c)
        if cancelled:
            kept = [cal.days[d].date not in cancelled for d in days_d]
            steps.append(("cancelled", REASON_CANCELLED, per_day(kept)))
        if c.daylight:
            steps.append(("daylight", REASON_DAYLIGHT, self._daylight_mask(ci, c, days_d)))
        van_ok = np.array([self._needs_ok(c, v) for v in range(len(pb.vans))], dtype=bool)
        steps.append(("needs", REASON_NEEDS, per_day(van_ok[days_v])))
        reach = np.array(
            [
                bool(pb.reachable[b, c.location] and pb.reachable[c.location, b])
                for b in self.base_loc
            ],
            dtype=bool,
        )
        steps.append(("unreachable", REASON_UNREACHABLE, per_day(reach[days_v])))
        alone = np.array(
            [[self._alone_ok(ci, v, s) for s in range(n_s)] for v in range(len(pb.vans))],
            dtype=bool,
        )
        steps.append(("too_far", REASON_TOO_FAR, per_van(alone)))
        if any(v.max_drive_min is not None for v in pb.vans):
            capped = np.array(
                [
                    [self._alone_ok(ci, v, s, cap=True) for s in range(n_s)]
                    for v in range(len(pb.vans))
                ],
                dtype=bool,
            )
            steps.append(("drive_cap", REASON_DRIVE_CAP, per_van(capped)))
        return steps

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

    def _inside(self, c: Candidate, ci: int, s: int) -> bool:
        """The session of ``c`` in slot ``s`` lies in the slot (and in its window)."""
        slot = self.problem.slots[s]
        start, end = self.start[ci][s], self.start[ci][s] + self.service[ci][s]
        if self.service[ci][s] <= 0 or start < slot.start_s or end > slot.end_s:
            return False
        w = c.window_min
        return w is None or (w[0] * 60 <= start and end <= w[1] * 60)

    def _daylight_mask(self, ci: int, c: Candidate, days_d: np.ndarray) -> np.ndarray:
        """(van-day, slot) positions whose session lies between sunrise and sunset."""
        cal = self.problem.calendar
        out = np.zeros((len(days_d), self.n_slots), dtype=bool)
        for row, d in enumerate(days_d):
            up, down = daylight_min(c.lon, c.lat, cal.days[int(d)].date)
            for s in range(self.n_slots):
                start = self.start[ci][s]
                out[row, s] = up * 60 <= start and start + self.service[ci][s] <= down * 60
        return out

    def _needs_ok(self, c: Candidate, v: int) -> bool:
        needs = c.needs | self.problem.needs_of(self.problem.vans[v])
        return needs <= c.amenities | c.unverified

    def _crew_conflicts(self) -> list[tuple[int, ...]]:
        """Per van-day, the other van-days of the same date that share a person."""
        vans = self.problem.vans
        by_day: dict[int, list[int]] = {}
        for k, (_, d) in enumerate(self.vandays):
            by_day.setdefault(d, []).append(k)
        out: list[tuple[int, ...]] = []
        for k, (v, d) in enumerate(self.vandays):
            crew = set(vans[v].crew)
            out.append(
                tuple(j for j in by_day[d] if j != k and crew & set(vans[self.vandays[j][0]].crew))
            )
        return out

    def _alone_ok(self, ci: int, v: int, s: int, *, cap: bool = False) -> bool:
        return self.day_timing(v, [(s, ci)], drive_cap=cap).feasible

    # -- timing ----------------------------------------------------------------------------
    def day_timing(
        self, v: int, visits: list[tuple[int, int]], *, drive_cap: bool = True
    ) -> DayTiming:
        """Timing of van ``v``'s day visiting ``(slot, candidate)`` pairs sorted by slot.

        The van leaves as late as possible to be at the first stop by its session start (the
        slot start, or a window's later start), reaches
        each next stop after the previous session, and returns right after the last one. The
        day is infeasible past the van's ``max_drive_min`` unless ``drive_cap`` is False (used
        only to tell that cap apart in the reasons a stop never fits).
        """
        pb = self.problem
        van = pb.vans[v]
        base = self.base_loc[v]
        if not visits:
            return DayTiming(True, 0, 0, 0, 0, (), 0)
        dur, dist, start = self.dur_of[v], self.dist, self.start
        s0, c0 = visits[0]
        first = self.loc[c0]
        drive = dur[base][first]
        metres = dist[base][first]
        leave = start[c0][s0] - drive
        feasible = leave >= van.start_s
        arrivals = [start[c0][s0]]
        end = start[c0][s0] + self.service[c0][s0]
        work = self.service[c0][s0]
        prev = first
        for s, c in visits[1:]:
            loc = self.loc[c]
            arrive = end + dur[prev][loc]
            drive += dur[prev][loc]
            metres += dist[prev][loc]
            if arrive > start[c][s]:
                feasible = False
            arrivals.append(arrive)
            end = start[c][s] + self.service[c][s]
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
