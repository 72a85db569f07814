"""Whether one visit fits one place of a working schedule, and if not, the precise French reason.

:func:`place_verdict` answers for stop ``c`` at (van, day, slot) of a :class:`Schedule`: the
van-day exists (public holiday, closed date, van unavailable, day not worked), the stop fits
the position (the grid's filters, :meth:`Grid.misfit`, said for that day and slot: « le
partenaire Mairie est fermé le jeudi après-midi »), the slot is free, the stop is not already
visited that van-day, no person of the crew is out on another resource that date, the van has
sessions left that week, and the day's timing holds (« journée trop longue : 10 h 40 de travail
pour 10 h au plus »). It is what a manager's move is checked with (:mod:`.move`) and what places
the fixed visits of a full re-plan (:func:`place_fixed`). The answer is the same as
:meth:`Schedule.insertion` (which says only yes or no).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.errors import InvalidProblemError
from planner.fleet import WEEKDAYS_FR
from planner.itinerary.assemble import skip_reason
from planner.itinerary.fixed import FixedVisit, date_fr, place_fr, slot_fr
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import Pattern, dated_days
from planner.itinerary.plan_schema import hhmm
from planner.itinerary.schedule import Schedule

#: places listed in a hint
MAX_PLACES = 5
PERIOD_FR = {"school_term": "en période scolaire", "school_holidays": "en vacances scolaires"}


@dataclass(frozen=True)
class MoveVerdict:
    """``ok``, or the French ``reason`` it does not fit and a ``hint`` (places that fit)."""

    ok: bool
    reason: str | None = None
    hint: str | None = None

    def to_json(self) -> dict[str, object]:
        if self.ok:
            return {"ok": True}
        return {"ok": False, "reason": self.reason, "hint": self.hint}


def _duration(seconds: int) -> str:
    """``10 h 40`` / ``45 min``."""
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


def misfit_reason(grid: Grid, c: int, v: int, d: int, s: int, tag: str) -> str:
    """The French reason filter ``tag`` of :meth:`Grid.fit_steps` keeps ``c`` out of the
    position (van ``v``, day ``d``, slot ``s``)."""
    pb = grid.problem
    cand, van, slot = pb.candidates[c], pb.vans[v], pb.slots[s]
    date = pb.calendar.days[d].date
    when = f"le {WEEKDAYS_FR[date.weekday()]} {slot_fr(slot.name)}"
    start, length = grid.start[c][s], grid.service[c][s]
    if tag == "hours":
        who = f"le partenaire {cand.host}" if cand.host else "le lieu"
        return f"{who} est fermé {when} (ouvert : {cand.hours.describe_fr()})"
    if tag == "service":
        return (
            f"la séance ({_duration(length)}) ne tient pas dans le créneau {slot_fr(slot.name)} "
            f"({hhmm(slot.start_s)}-{hhmm(slot.end_s)})"
        )
    if tag == "window":
        w = cand.window_min or (0, 0)
        return (
            f"la plage horaire de l'événement ({hhmm(w[0] * 60)}-{hhmm(w[1] * 60)}) ne laisse "
            f"pas de séance dans le créneau {slot_fr(slot.name)}"
        )
    if tag == "resource":
        return f"{van.label} ne peut pas tenir une séance de type {cand.kind}"
    if tag == "dates":
        days = ", ".join(date_fr(x) for x in sorted(cand.dates))
        return f"la séance n'a lieu qu'à ses dates ({days})"
    if tag == "market":
        return f"l'arrêt suit le marché du {WEEKDAYS_FR[cand.market_day or 0]}"
    if tag == "period":
        return f"l'arrêt n'a lieu qu'{PERIOD_FR.get(cand.period, cand.period)}"
    if tag == "pin":
        wanted = []
        if cand.pin_weekday is not None:
            wanted.append(f"le {WEEKDAYS_FR[cand.pin_weekday]}")
        if cand.pin_slot is not None:
            wanted.append(f"le {slot_fr(pb.slots[cand.pin_slot].name)}")
        if cand.pin_van is not None:
            wanted.append(f"avec {cand.pin_van}")
        return f"l'arrêt est épinglé {', '.join(wanted)} (règle du responsable)"
    if tag == "cancelled":
        return f"la visite de l'arrêt est annulée le {date_fr(date)}"
    if tag == "daylight":
        return (
            f"la maraude ({hhmm(start)}-{hhmm(start + length)}) sortirait du jour le "
            f"{date_fr(date)}"
        )
    if tag == "needs":
        needs = sorted(cand.needs | pb.needs_of(van))
        return f"le lieu n'offre pas ce que demande une séance de {van.label} ({', '.join(needs)})"
    if tag == "unreachable":
        return f"lieu inaccessible depuis la base de {van.label}"
    if tag == "too_far":
        return f"trop loin de la base de {van.label} pour tenir dans sa journée de service"
    return (  # drive_cap
        f"l'aller-retour depuis la base dépasse la conduite maximale de {van.label} "
        f"({van.max_drive_min} min par jour)"
    )


def timing_reason(grid: Grid, v: int, visits: list[tuple[int, int]]) -> str | None:
    """The first limit the day of van ``v`` visiting ``(slot, candidate)`` pairs breaks."""
    pb = grid.problem
    van = pb.vans[v]
    t = grid.day_timing(v, visits)
    if t.feasible:
        return None
    for (s, c), arrival in zip(visits, t.arrivals, strict=True):
        if arrival > grid.start[c][s]:
            return (
                f"{pb.candidates[c].name} serait atteint à {hhmm(arrival)}, après le début de "
                f"sa séance ({hhmm(grid.start[c][s])})"
            )
    if t.leave_s < van.start_s:
        return (
            f"départ de la base à {hhmm(t.leave_s)}, avant le début du service "
            f"({hhmm(van.start_s)})"
        )
    if t.return_s > van.end_s:
        return f"retour à la base à {hhmm(t.return_s)}, après la fin du service ({hhmm(van.end_s)})"
    if t.return_s - t.leave_s > van.max_span_s:
        return (
            f"journée trop longue : amplitude de {_duration(t.return_s - t.leave_s)} pour "
            f"{_duration(van.max_span_s)} au plus"
        )
    if t.work_s > van.max_work_s:
        return (
            f"journée trop longue : {_duration(t.work_s)} de travail pour "
            f"{_duration(van.max_work_s)} au plus"
        )
    return (
        f"journée trop longue : {_duration(t.drive_s)} de conduite pour "
        f"{van.max_drive_min} min au plus ({van.label})"
    )


def _schedule_reason(schedule: Schedule, c: int, p: int) -> str | None:
    """Why ``c`` cannot take the free position ``p`` it fits (None: it can)."""
    grid = schedule.grid
    pb = grid.problem
    k, s = divmod(p, grid.n_slots)
    v, d = grid.vandays[k]
    van = pb.vans[v]
    if schedule.day_n[k] == 0 and schedule.crew_busy(k):
        for j in grid.conflicts[k]:
            if schedule.day_n[j]:
                other = pb.vans[grid.vandays[j][0]]
                who = ", ".join(sorted(set(van.crew) & set(other.crew)))
                return f"{who} est déjà sur {other.label} ce jour-là"
    if schedule.capped and schedule.week_full(k):
        return (
            f"{van.label} a déjà ses {van.sessions_per_week} séances de la semaine "
            f"{grid.week_of[k] + 1} de l'horizon"
        )
    visits = schedule.day_visits(k, extra=(s, c))
    twice = [x for x, y in visits if y == c and x != s]
    if twice:
        other_slot = slot_fr(pb.slots[twice[0]].name)
        return f"l'arrêt est déjà visité ce jour-là par {van.label} ({other_slot})"
    why = timing_reason(grid, v, visits)
    if why is not None:
        return why
    if schedule.insertion(c, p) is None:  # a rule above should have said why
        return "la journée ne tient plus avec cette visite"
    return None


def free_places(
    schedule: Schedule, c: int, *, skip: frozenset[int] = frozenset(), limit: int = MAX_PLACES
) -> list[str]:
    """French places (« jeudi 8 mai matin (V1) ») where ``c`` could go now, in date order
    (but the positions of ``skip``)."""
    grid = schedule.grid
    pb = grid.problem
    order = sorted(range(grid.n_positions), key=lambda p: (grid.vanday_of(p)[1], p))
    out: list[str] = []
    for p in order:
        if p in skip or schedule.assign[p] >= 0 or not grid.fit[c, p]:
            continue
        if schedule.insertion(c, p) is None:
            continue
        v, d, s = grid.vanday_of(p)
        out.append(f"{place_fr(pb.calendar.days[d].date, pb.slots[s].name)} ({pb.vans[v].id})")
        if len(out) == limit:
            break
    return out


def places_hint(schedule: Schedule, c: int, *, skip: frozenset[int] = frozenset()) -> str:
    name = schedule.grid.problem.candidates[c].name
    places = free_places(schedule, c, skip=skip)
    if not places:
        return (
            f"Aucune autre place libre ne convient à {name} sur l'horizon : libérez d'abord un "
            "créneau (annulez ou déplacez une visite), ou laissez la visite où elle est."
        )
    return f"Places libres qui conviennent à {name} : {', '.join(places)}."


def place_verdict(
    schedule: Schedule, c: int, v: int, d: int, s: int, *, skip: frozenset[int] = frozenset()
) -> MoveVerdict:
    """Whether stop ``c`` can take van ``v``'s slot ``s`` on day ``d`` of ``schedule`` now
    (the hint of a refusal lists the free places that fit, but the positions of ``skip``: the
    place a moved visit leaves)."""
    grid = schedule.grid
    pb = grid.problem
    date = pb.calendar.days[d].date
    p = grid.position(v, d, s)
    reason: str | None
    if p is None:
        label = pb.vans[v].label
        why = skip_reason(grid, v, d)
        reason = f"{label[0].lower()}{label[1:]} n'a pas de tournée le {date_fr(date)} : {why}"
    elif not grid.fit[c, p]:
        reason = misfit_reason(grid, c, v, d, s, grid.misfit(c, p) or "too_far")
    elif schedule.assign[p] >= 0:
        other = pb.candidates[schedule.assign[p]]
        reason = f"le créneau est déjà pris par {other.name} ({other.id})"
    else:
        reason = _schedule_reason(schedule, c, p)
    if reason is None:
        return MoveVerdict(True)
    return MoveVerdict(False, reason, places_hint(schedule, c, skip=skip))


def position_at(grid: Grid, date: dt.date, van: str, slot: str) -> frozenset[int]:
    """The position of ``(date, van, slot)`` (empty when the grid has none)."""
    pb = grid.problem
    d = pb.calendar.index_of(date)
    v = next((i for i, x in enumerate(pb.vans) if x.id == van), None)
    s = next((i for i, x in enumerate(pb.slots) if x.name == slot), None)
    p = None if d is None or v is None or s is None else grid.position(v, d, s)
    return frozenset() if p is None else frozenset({p})


def indices(grid: Grid, f: FixedVisit) -> tuple[int, int, int, int]:
    """(candidate, van, day, slot) of a fixed visit (its names are checked by the problem)."""
    pb = grid.problem
    c = next(i for i, x in enumerate(pb.candidates) if x.id == f.stop_id)
    v = next(i for i, x in enumerate(pb.vans) if x.id == f.van)
    s = next(i for i, x in enumerate(pb.slots) if x.name == f.slot)
    d = pb.calendar.index_of(f.date)
    if d is None:
        raise InvalidProblemError(
            f"Visite fixée {f.stop_id} le {f.date.isoformat()} : hors de l'horizon.",
            hint="Fixez une visite d'une date du plan.",
        )
    return c, v, d, s


def refusal(f: FixedVisit, name: str, verdict: MoveVerdict) -> InvalidProblemError:
    """The error of a fixed visit that does not fit (French: which visit, why, where instead)."""
    what = "verrouillée" if f.locked else "déplacée"
    return InvalidProblemError(
        f"Visite {what} de {name} ({f.stop_id}) le {place_fr(f.date, f.slot)} ({f.van}) "
        f"impossible : {verdict.reason}.",
        hint=verdict.hint or "",
    )


def place_fixed(schedule: Schedule) -> tuple[dict[int, Pattern], frozenset[int]]:
    """Put the problem's fixed visits on ``schedule`` (locked), and the other repetitions of
    each periodic stop among them on the pattern of their origin; return those patterns and
    the stops with a fixed visit (the solver plans none of them again).

    Raises :class:`InvalidProblemError` with the precise reason when one does not fit.
    """
    grid = schedule.grid
    pb = grid.problem
    by_stop: dict[int, list[tuple[FixedVisit, int]]] = {}
    for f in sorted(pb.fixed, key=lambda x: x.key):
        c, v, d, s = indices(grid, f)
        verdict = place_verdict(schedule, c, v, d, s)
        if not verdict.ok:
            raise refusal(f, pb.candidates[c].name, verdict)
        p = grid.position(v, d, s)
        assert p is not None
        schedule.put(c, p)
        schedule.locked.add(p)
        by_stop.setdefault(c, []).append((f, p))
    patterns: dict[int, Pattern] = {}
    for c, placed in by_stop.items():
        freq = pb.candidates[c].frequency
        if freq is not None and freq.period_weeks is not None:
            patterns[c] = _fixed_pattern(schedule, c, placed, 7 * freq.period_weeks)
    return patterns, frozenset(by_stop)


def _fixed_pattern(
    schedule: Schedule, c: int, placed: list[tuple[FixedVisit, int]], step: int
) -> Pattern:
    """The pattern of periodic stop ``c`` through its fixed visits' places (their origins)."""
    grid = schedule.grid
    pb = grid.problem
    date, van_id, slot_name = placed[0][0].pattern_place
    v = next(i for i, x in enumerate(pb.vans) if x.id == van_id)
    s = next(i for i, x in enumerate(pb.slots) if x.name == slot_name)
    d0 = (pb.calendar.index_of(date) or 0) % step
    held = {pb.calendar.index_of(f.pattern_place[0]): p for f, p in placed}
    positions: list[int] = []
    skipped: list[int] = []
    for d in dated_days(grid, pb.candidates[c]) or range(d0, pb.calendar.n_days, step):
        if d in held:
            positions.append(held[d])
            continue
        p = grid.position(v, d, s)
        if p is None or not grid.fit[c, p]:
            skipped.append(d)
            continue
        verdict = place_verdict(schedule, c, v, d, s)
        if not verdict.ok:
            cand = pb.candidates[c]
            raise InvalidProblemError(
                f"{cand.name} ({cand.id}) : sa visite régulière du "
                f"{place_fr(pb.calendar.days[d].date, slot_name)} ({van_id}) ne tient plus à "
                f"côté des visites fixées : {verdict.reason}.",
                hint="Déverrouillez ou déplacez autrement la visite qui prend sa place.",
            )
        schedule.put(c, p)
        schedule.locked.add(p)
        positions.append(p)
    schedule.pattern_of[c] = tuple(positions)
    return Pattern(c, v, s, d0, step, tuple(positions), tuple(skipped))
