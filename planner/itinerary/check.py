"""Independent validator: re-check every rule of an itinerary plan from the problem alone.

It shares no code with the engine's search or timing (only the problem and result types), so
an engine bug cannot hide itself. One rule per check; each violation names the rule and says
in French what was expected and what came.

The manager's rules (:mod:`planner.rules`, carried by the problem) are checked too: ``pin``
(every visit of a pinned stop on its weekday, slot and van), ``drive-per-day`` (a van's
``max_drive_min``), ``van-week-cap`` (a van's ``sessions_per_week`` per horizon week, 7 days
from the start), ``excluded`` (no visit of an excluded commune) and ``excluded-unreported``
(each excluded commune listed among the dropped stops with its reason). Frequencies kept
(forced, or lowered by a forbid, are the candidates' frequencies): ``frequency-single``,
``periodic-slot``, ``periodic-spacing`` and ``periodic-missing`` (a stop with ``dates``, such as
a partner pin on the first Thursday of each month, repeats on those dates instead).

Every approach: ``resource-kind`` (a van stop held by a team, a partner session or a maraude
by a van), ``dates`` (an event or a dated pin off its dates), ``window`` (a session outside its
event's hours), ``daylight`` (a maraude before sunrise or after sunset), ``crew-day`` (a
resource out on a weekday one of its crew does not work) and ``person-twice`` (a person on two
resources the same date). Travel times are each resource's mode (car, public transport, on
foot) and a team has no vehicle needs.

Visits the manager fixed (re-planning, :mod:`planner.itinerary.fixed`): ``fixed`` (each fixed
visit of the problem is in the plan at its place), ``locked`` (a visit is marked locked exactly
when the problem locks it) and ``moved`` (a visit says it was moved exactly when the problem
moved it, from the same origin). A moved visit of a periodic stop counts at its origin in the
frequency rules: its stop keeps its weekday, slot and van.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from planner.amenities import to_check_text
from planner.approaches import SERVED_BY, CandidateKind
from planner.daylight import daylight_min
from planner.fleet import WEEKDAYS_FR, Van
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.problem import Candidate, ItineraryProblem

#: tolerance on need sums (they are rounded in JSON)
NEED_TOL = 1e-2


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str


@dataclass(frozen=True)
class ValidationReport:
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def rules(self) -> set[str]:
        return {v.rule for v in self.violations}

    def describe_fr(self) -> str:
        if self.ok:
            return "Plan valide : toutes les règles sont respectées."
        lines = [f"{len(self.violations)} règle(s) enfreinte(s) :"]
        lines += [f"- [{v.rule}] {v.message}" for v in self.violations]
        return "\n".join(lines)


class _Checker:
    def __init__(self, problem: ItineraryProblem, plan: Plan) -> None:
        self.pb = problem
        self.plan = plan
        self.out: list[Violation] = []
        self.stops = {c.id: c for c in problem.candidates}
        self.vans = {v.id: v for v in problem.vans}
        self.slots = {s.name: s for s in problem.slots}
        self.bases = {b.id: b for b in problem.bases}
        self.excluded = {sid: reason for sid, _, reason in problem.excluded}
        self.fixed = {f.key: f for f in problem.fixed}

    def add(self, rule: str, message: str) -> None:
        self.out.append(Violation(rule, message))

    # -- calendar ----------------------------------------------------------------------------
    def day_exists(self, van: Van, date: dt.date) -> str | None:
        """None when the van works that date, else the French reason."""
        cal = self.pb.calendar
        d = cal.index_of(date)
        if d is None:
            return "hors de l'horizon"
        info = cal.days[d]
        if info.public_holiday is not None:
            return f"jour férié ({info.public_holiday})"
        if date in cal.closed:
            return "date fermée"
        if date in self.pb.unavailable(van):
            return "véhicule indisponible"
        if date.weekday() not in van.working_days:
            return "jour non travaillé"
        people = {p.id: p for p in self.pb.people}
        if any(
            pid in people and date.weekday() not in people[pid].working_days for pid in van.crew
        ):
            return "un membre de l'équipe ne travaille pas ce jour"
        return None

    def check_people(self, visits: list[Visit]) -> None:
        """Each resource out only on its crew's weekdays; a person on one resource a day."""
        people = {p.id: p for p in self.pb.people}
        out: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
        for v in visits:
            out[(v.van, v.date)].add(v.van)
        on: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
        for van_id, date in sorted(out):
            for pid in self.vans[van_id].crew:
                person = people.get(pid)
                if person is None or date.weekday() not in person.working_days:
                    self.add(
                        "crew-day",
                        f"{van_id} le {date} : {pid} ne travaille pas le "
                        f"{WEEKDAYS_FR[date.weekday()]}.",
                    )
                on[(pid, date)].append(van_id)
        for (pid, date), vans in sorted(on.items()):
            if len(vans) > 1:
                self.add(
                    "person-twice",
                    f"{pid} le {date} : sur {' et '.join(vans)} le même jour.",
                )

    def in_period(self, stop: Candidate, date: dt.date) -> bool:
        d = self.pb.calendar.index_of(date)
        if d is None or stop.period == "always":
            return True
        holiday = self.pb.calendar.days[d].school_holiday is not None
        return holiday if stop.period == "school_holidays" else not holiday

    # -- visits ------------------------------------------------------------------------------
    def check_visit(self, v: Visit) -> bool:
        if v.stop_id in self.excluded or v.commune in self.excluded:
            self.add(
                "excluded",
                f"{v.stop_id} le {v.date} : commune exclue par le responsable, visitée quand même.",
            )
            return False
        stop, van, slot = self.stops.get(v.stop_id), self.vans.get(v.van), self.slots.get(v.slot)
        if stop is None or van is None or slot is None:
            self.add(
                "unknown", f"Visite {v.stop_id} {v.date} : arrêt, véhicule ou créneau inconnu."
            )
            return False
        why = self.day_exists(van, v.date)
        if why is not None:
            self.add("day-closed", f"{v.stop_id} le {v.date} ({van.id}) : {why}.")
        start, end = slot.start_s, slot.end_s
        window = stop.window_min
        if window is not None:
            start, end = max(start, window[0] * 60), min(end, window[1] * 60)
            if v.start_s < window[0] * 60 or v.end_s > window[1] * 60:
                self.add(
                    "window",
                    f"{v.stop_id} le {v.date} : séance {v.start_s}-{v.end_s} s hors de la "
                    f"plage de l'événement {window[0] * 60}-{window[1] * 60} s.",
                )
        service = end - start if stop.service_s is None else stop.service_s
        if v.start_s != start or v.end_s != v.start_s + service or v.end_s > slot.end_s:
            self.add(
                "times",
                f"{v.stop_id} le {v.date} : séance {v.start_s}-{v.end_s} s au lieu de "
                f"{start}-{start + service} s (créneau {slot.name}).",
            )
        if van.kind not in SERVED_BY[CandidateKind(stop.kind)]:
            self.add(
                "resource-kind",
                f"{v.stop_id} le {v.date} : séance de type {stop.kind} tenue par "
                f"{van.label}, qui ne peut pas la tenir.",
            )
        if stop.dates and v.date not in stop.dates:
            self.add(
                "dates",
                f"{v.stop_id} le {v.date} : hors de ses dates "
                f"({', '.join(d.isoformat() for d in sorted(stop.dates))}).",
            )
        if stop.daylight:
            up, down = daylight_min(stop.lon, stop.lat, v.date)
            if v.start_s < up * 60 or v.end_s > down * 60:
                self.add(
                    "daylight",
                    f"{v.stop_id} le {v.date} : maraude {v.start_s // 60} - {v.end_s // 60} min "
                    f"hors du jour ({up} - {down} min après minuit).",
                )
        wd = v.date.weekday()
        if not stop.hours.is_open(wd, v.start_s // 60, -(-v.end_s // 60)):
            self.add("hours", f"{v.stop_id} le {v.date} : hôte fermé pendant la séance.")
        if stop.market_day is not None and wd != stop.market_day:
            self.add("market-day", f"{v.stop_id} le {v.date} : hors du jour de marché.")
        if v.date in self.pb.cancelled(stop):
            self.add("cancelled", f"{v.stop_id} le {v.date} : visite annulée mais planifiée.")
        if not self.in_period(stop, v.date):
            self.add("period", f"{v.stop_id} le {v.date} : hors de sa période ({stop.period}).")
        self.check_pin(stop, v)
        needs = stop.needs | (self.pb.van_needs if van.kind == "vehicule" else frozenset())
        if not needs <= stop.amenities | stop.unverified:
            self.add("needs", f"{v.stop_id} : besoins {sorted(needs)} non satisfaits.")
        expected = to_check_text(needs & stop.unverified)
        if v.to_check != expected:
            self.add(
                "to-check",
                f"{v.stop_id} le {v.date} : « à vérifier » {v.to_check!r} au lieu de {expected!r}.",
            )
        base = self.bases[van.base].location
        if not (self.pb.reachable[base, stop.location] and self.pb.reachable[stop.location, base]):
            self.add("unreachable", f"{v.stop_id} : inaccessible depuis la base {van.base}.")
        return True

    def check_pin(self, stop: Candidate, v: Visit) -> None:
        wanted = []
        if stop.pin_weekday is not None and v.date.weekday() != stop.pin_weekday:
            wanted.append(f"le {WEEKDAYS_FR[stop.pin_weekday]}")
        if stop.pin_slot is not None and v.slot != self.pb.slots[stop.pin_slot].name:
            wanted.append(f"créneau {self.pb.slots[stop.pin_slot].name}")
        if stop.pin_van is not None and v.van != stop.pin_van:
            wanted.append(f"véhicule {stop.pin_van}")
        if wanted:
            self.add(
                "pin",
                f"{v.stop_id} le {v.date} ({WEEKDAYS_FR[v.date.weekday()]}, {v.slot}, {v.van}) : "
                f"épinglé {', '.join(wanted)}.",
            )

    def check_week_caps(self, visits: list[Visit]) -> None:
        sessions: dict[tuple[str, int], int] = defaultdict(int)
        for v in visits:
            sessions[(v.van, (v.date - self.pb.calendar.start).days // 7)] += 1
        for (van_id, week), n in sorted(sessions.items()):
            cap = self.vans[van_id].sessions_per_week
            if cap is not None and n > cap:
                self.add(
                    "van-week-cap",
                    f"{van_id}, semaine {week + 1} de l'horizon : {n} séances pour {cap} au plus.",
                )

    def check_days(self, visits: list[Visit]) -> None:
        by_day: dict[tuple[str, dt.date], list[Visit]] = defaultdict(list)
        for v in visits:
            by_day[(v.van, v.date)].append(v)
        declared = {(d.van, d.date): d for d in self.plan.days}
        for key in declared.keys() - by_day.keys():
            self.add("day-mismatch", f"Journée {key[0]} {key[1]} déclarée sans visite.")
        dist = self.pb.distances
        for (van_id, date), day_visits in sorted(by_day.items()):
            van = self.vans[van_id]
            dur = self.pb.durations_for(van)
            day_visits.sort(key=lambda x: self.slots[x.slot].start_s)
            slot_names = [x.slot for x in day_visits]
            if len(set(slot_names)) != len(slot_names):
                self.add("slot-double", f"{van_id} le {date} : deux visites dans un même créneau.")
            ids = [x.stop_id for x in day_visits]
            if len(set(ids)) != len(ids):
                self.add("stop-twice-day", f"{van_id} le {date} : un arrêt visité deux fois.")
            base = self.bases[van.base].location
            locs = [self.stops[x.stop_id].location for x in day_visits]
            path = [base, *locs, base]
            drive = sum(int(dur[a, b]) for a, b in zip(path, path[1:], strict=False))
            metres = sum(int(dist[a, b]) for a, b in zip(path, path[1:], strict=False))
            leave = day_visits[0].start_s - int(dur[base, locs[0]])
            for prev, cur, a, b in zip(day_visits, day_visits[1:], locs, locs[1:], strict=False):
                arrive = prev.end_s + int(dur[a, b])
                if arrive > cur.start_s:
                    self.add(
                        "arrival", f"{van_id} le {date} : {cur.stop_id} atteint après le début."
                    )
                if cur.arrival_s != arrive:
                    self.add("day-mismatch", f"{van_id} le {date} : arrivée {cur.stop_id} fausse.")
            if day_visits[0].arrival_s > day_visits[0].start_s:
                self.add("arrival", f"{van_id} le {date} : arrivée après le début.")
            ret = day_visits[-1].end_s + int(dur[locs[-1], base])
            work = drive + sum(x.end_s - x.start_s for x in day_visits)
            if leave < van.start_s or ret > van.end_s:
                self.add("shift", f"{van_id} le {date} : journée {leave}-{ret} s hors du service.")
            if ret - leave > van.max_span_s:
                self.add("span", f"{van_id} le {date} : amplitude {ret - leave} s trop longue.")
            if work > van.max_work_s:
                self.add("work", f"{van_id} le {date} : travail {work} s au-delà du maximum.")
            if van.max_drive_s is not None and drive > van.max_drive_s:
                self.add(
                    "drive-per-day",
                    f"{van_id} le {date} : {drive / 60:.0f} min de conduite pour "
                    f"{van.max_drive_min} min au plus.",
                )
            decl = declared.get((van_id, date))
            if decl is None or (
                decl.drive_s,
                decl.drive_m,
                decl.leave_base_s,
                decl.return_base_s,
                tuple(decl.stops),
            ) != (drive, metres, leave, ret, tuple(ids)):
                self.add("day-mismatch", f"{van_id} le {date} : journée déclarée différente.")

    # -- fixed visits (locked, moved) ------------------------------------------------------
    def origin(self, v: Visit) -> tuple[dt.date, str, str] | None | str:
        """The origin ``v`` declares (None: not moved; text: unreadable)."""
        try:
            return v.origin
        except ValueError:
            return v.moved_from

    def check_fixed(self, visits: list[Visit]) -> None:
        held = {(v.date, v.van, v.slot, v.stop_id) for v in visits}
        for fv in sorted(self.fixed.values(), key=lambda x: x.key):
            if fv.key not in held:
                what = "verrouillée" if fv.locked else "déplacée"
                self.add(
                    "fixed",
                    f"{fv.stop_id} le {fv.date} ({fv.van}, {fv.slot}) : visite {what} par le "
                    "responsable absente du plan.",
                )
        for v in visits:
            f = self.fixed.get((v.date, v.van, v.slot, v.stop_id))
            if v.locked != (f is not None and f.locked):
                said = (
                    "marquée verrouillée sans verrou du responsable"
                    if v.locked
                    else "verrouillée par le responsable mais non marquée"
                )
                self.add("locked", f"{v.stop_id} le {v.date} ({v.van}) : {said}.")
            expected = f.origin if f is not None else None
            if self.origin(v) != expected:
                self.add(
                    "moved",
                    f"{v.stop_id} le {v.date} ({v.van}) : déplacée du {v.moved_from or '-'} "
                    f"au lieu de {expected[0] if expected else '-'} (déplacements du "
                    "responsable).",
                )

    def at_origin(self, v: Visit) -> Visit:
        """``v`` at the place it holds in its stop's regularity (a moved visit: its origin)."""
        f = self.fixed.get((v.date, v.van, v.slot, v.stop_id))
        if f is None or f.origin is None or self.origin(v) != f.origin:
            return v
        date, van, slot = f.origin
        return dataclasses.replace(v, date=date, van=van, slot=slot)

    # -- frequencies, dropped, KPIs --------------------------------------------------------
    def check_frequencies(self, visits: list[Visit]) -> None:
        by_stop: dict[str, list[Visit]] = defaultdict(list)
        for v in visits:
            if v.stop_id in self.stops:
                by_stop[v.stop_id].append(self.at_origin(v))
        cal = self.pb.calendar
        for sid, vs in by_stop.items():
            stop = self.stops[sid]
            period = stop.frequency.period_weeks if stop.frequency is not None else None
            if period is None:
                if len(vs) > 1:
                    self.add(
                        "frequency-single", f"{sid} : {len(vs)} visites pour une visite unique."
                    )
                continue
            if len({(v.van, v.slot, v.date.weekday()) for v in vs}) > 1:
                self.add("periodic-slot", f"{sid} : jour, créneau ou véhicule change.")
                continue
            if stop.dates:
                if len({(v.van, v.slot) for v in vs}) > 1:
                    self.add("periodic-slot", f"{sid} : créneau ou véhicule change.")
                self.check_dated(stop, vs)
                continue
            step = 7 * period
            idx = sorted(cal.index_of(v.date) or 0 for v in vs)
            if any((b - a) % step for a, b in zip(idx, idx[1:], strict=False)) or len(
                set(idx)
            ) < len(idx):
                self.add(
                    "periodic-spacing", f"{sid} : visites non espacées de {period} semaine(s)."
                )
                continue
            van = self.vans[vs[0].van]
            # a repetition whose visit was cancelled (re-planning) is missing for a reason
            cancelled = self.pb.cancelled(stop)
            for d in range(idx[0] % step, cal.n_days, step):
                date = cal.days[d].date
                if (
                    d not in idx
                    and date not in cancelled
                    and self.day_exists(van, date) is None
                    and self.in_period(stop, date)
                ):
                    self.add("periodic-missing", f"{sid} : passage du {date} manquant sans raison.")

    def check_dated(self, stop: Candidate, vs: list[Visit]) -> None:
        """A periodic stop with dates: one visit on each of its dates the resource works."""
        van = self.vans[vs[0].van]
        held = {v.date for v in vs}
        for date in sorted(stop.dates - held):
            if (
                self.pb.calendar.index_of(date) is not None
                and date not in self.pb.cancelled(stop)
                and self.day_exists(van, date) is None
                and self.in_period(stop, date)
            ):
                self.add("periodic-missing", f"{stop.id} : passage du {date} manquant sans raison.")

    def check_dropped(self, visits: list[Visit]) -> None:
        visited = {v.stop_id for v in visits}
        dropped = {d.stop_id: d for d in self.plan.dropped}
        for sid in visited & dropped.keys():
            self.add("dropped-and-visited", f"{sid} : à la fois planifié et écarté.")
        for sid, stop in self.stops.items():
            if sid not in visited and sid not in dropped:
                rule = "required-missing" if stop.required else "dropped-missing"
                self.add(rule, f"{sid} : ni planifié ni écarté avec une raison.")
        for d in self.plan.dropped:
            if not d.reason.strip():
                self.add("dropped-missing", f"{d.stop_id} : écarté sans raison.")
        for sid, reason in sorted(self.excluded.items()):
            if sid not in dropped or dropped[sid].reason != reason:
                self.add(
                    "excluded-unreported",
                    f"{sid} : exclue par le responsable mais absente des non planifiés "
                    f"(raison attendue « {reason} »).",
                )

    def check_kpis(self, visits: list[Visit]) -> None:
        kpis: dict[str, Any] = self.plan.kpis
        need = sum(self.stops[v.stop_id].need for v in visits if v.stop_id in self.stops)
        if abs(float(kpis.get("need_served", -1)) - need) > NEED_TOL * max(1, len(visits)):
            self.add(
                "kpi", f"Besoin servi déclaré {kpis.get('need_served')} au lieu de {need:.3f}."
            )
        drive = sum(d.drive_s for d in self.plan.days)
        if int(kpis.get("drive_s", -1)) != drive:
            self.add("kpi", f"Temps de conduite déclaré {kpis.get('drive_s')} au lieu de {drive}.")

    def run(self) -> ValidationReport:
        pb, plan = self.pb, self.plan
        if plan.start != pb.calendar.start or plan.weeks != pb.calendar.weeks:
            self.add("horizon", f"Horizon {plan.start} x {plan.weeks} sem. différent du problème.")
        good = [v for v in plan.visits if self.check_visit(v)]
        self.check_days(good)
        self.check_frequencies(good)
        self.check_week_caps(good)
        self.check_people(good)
        self.check_fixed(good)
        self.check_dropped(good)
        self.check_kpis(good)
        return ValidationReport(tuple(self.out))


def validate_plan(problem: ItineraryProblem, plan: Plan | dict[str, Any]) -> ValidationReport:
    """Check ``plan`` (a Plan or its ``plan.json`` dict) against ``problem``."""
    if isinstance(plan, dict):
        plan = Plan.from_json(plan)
    return _Checker(problem, plan).run()
