"""Re-planning after a change: a stop cancelled, a date closed, a van down.

Every visit the change does not touch stays exactly where it was (same date, van, slot). Visits
of single stops that lost their place are re-inserted in free positions when one fits (they
*moved*); repetitions of periodic stops that fall on a closed date are skipped (their pattern
keeps its weekday and slot); a periodic stop that lost every visit takes a new pattern. Free
positions are then offered to unplanned stops (*added*). Nothing else moves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.assemble import REASON_CANCELLED, assemble
from planner.itinerary.bound import gap_pct, upper_bound
from planner.itinerary.greedy import insert_all, single_candidates, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import Pattern, place_periodic
from planner.itinerary.plan import Dropped, Plan, SolverInfo, Visit
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.schedule import Schedule

KINDS = ("cancel_stop", "close_date", "van_down")


@dataclass(frozen=True)
class Change:
    """One change: ``cancel_stop`` (stop_id), ``close_date`` (date, optional van) or
    ``van_down`` (van, optional dates; all the horizon when empty)."""

    kind: str
    stop_id: str | None = None
    van: str | None = None
    dates: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidProblemError(
                f"Changement {self.kind!r} inconnu (attendu : {', '.join(KINDS)}).",
                hint="Annulez un arrêt, fermez une date ou déclarez un véhicule en panne.",
            )


@dataclass(frozen=True)
class ReplanResult:
    """The new plan and what changed relative to the old one."""

    plan: Plan
    problem: ItineraryProblem
    kept: tuple[Visit, ...]
    moved: tuple[tuple[Visit, Visit], ...]
    removed: tuple[Visit, ...]
    added: tuple[Visit, ...]

    def describe_fr(self) -> str:
        return (
            f"{len(self.kept)} visite(s) inchangée(s), {len(self.moved)} déplacée(s), "
            f"{len(self.removed)} supprimée(s), {len(self.added)} ajoutée(s)."
        )


def apply_changes(
    problem: ItineraryProblem, changes: list[Change]
) -> tuple[ItineraryProblem, frozenset[str]]:
    """The changed problem and the ids of cancelled stops (removed from the candidates)."""
    ids = {c.id for c in problem.candidates}
    cancelled: set[str] = set()
    vans = [v.id for v in problem.vans]
    unavailable = dict(problem.van_unavailable)
    calendar = problem.calendar
    horizon = [d.date for d in calendar.days]
    for ch in changes:
        for date in ch.dates:
            if calendar.index_of(date) is None:
                raise InvalidProblemError(
                    f"Date {date.isoformat()} hors de l'horizon du plan "
                    f"({horizon[0].isoformat()} - {horizon[-1].isoformat()}).",
                    hint="Donnez une date comprise dans les semaines planifiées.",
                )
        if ch.kind == "cancel_stop":
            if ch.stop_id not in ids:
                raise NotFoundError(
                    f"Arrêt {ch.stop_id!r} inconnu : impossible de l'annuler.",
                    hint="Vérifiez l'identifiant (champ stop_id de plan.json).",
                )
            cancelled.add(str(ch.stop_id))
            continue
        if ch.van is not None and ch.van not in vans:
            raise NotFoundError(
                f"Véhicule {ch.van!r} inconnu.", hint=f"Véhicules : {', '.join(vans)}."
            )
        if ch.kind == "close_date" and ch.van is None:
            calendar = calendar.with_closed(ch.dates)
        else:
            if ch.van is None:
                raise InvalidProblemError(
                    "Véhicule en panne : identifiant du véhicule manquant.",
                    hint="Précisez le véhicule concerné.",
                )
            dates = ch.dates or frozenset(horizon)
            unavailable[ch.van] = unavailable.get(ch.van, frozenset()) | dates
    new = problem.replace(
        candidates=tuple(c for c in problem.candidates if c.id not in cancelled),
        van_unavailable=unavailable,
        calendar=calendar,
    )
    return new, frozenset(cancelled)


def _keep(grid: Grid, schedule: Schedule, plan: Plan) -> list[Visit]:
    """Lock every old visit that still fits; return the affected ones."""
    pb = grid.problem
    index = {c.id: i for i, c in enumerate(pb.candidates)}
    vans = {v.id: i for i, v in enumerate(pb.vans)}
    slots = {s.name: i for i, s in enumerate(pb.slots)}
    affected: list[Visit] = []
    for visit in sorted(plan.visits, key=lambda v: (v.date, v.van, slots.get(v.slot, 0))):
        c = index.get(visit.stop_id)
        d = pb.calendar.index_of(visit.date)
        p = None if c is None or d is None else grid.position(vans[visit.van], d, slots[visit.slot])
        if c is None or p is None or not grid.fit[c, p] or schedule.insertion(c, p) is None:
            affected.append(visit)
            continue
        schedule.put(c, p)
        schedule.locked.add(p)
    return affected


def _patterns(grid: Grid, schedule: Schedule) -> dict[int, Pattern]:
    """Patterns of periodic stops rebuilt from their kept visits (for skipped dates)."""
    out: dict[int, Pattern] = {}
    n_days = grid.problem.calendar.n_days
    for c, cand in enumerate(grid.problem.candidates):
        period = cand.frequency.period_weeks if cand.frequency is not None else None
        positions = schedule.positions_of(c)
        if period is None or not positions:
            continue
        step = 7 * period
        v, d0, s = grid.vanday_of(positions[0])
        days = {grid.vanday_of(p)[1] for p in positions}
        skipped = tuple(d for d in range(d0 % step, n_days, step) if d not in days)
        out[c] = Pattern(c, v, s, d0 % step, step, tuple(positions), skipped)
    return out


def replan(
    problem: ItineraryProblem,
    plan: Plan,
    changes: list[Change],
    *,
    seed: int = 0,
) -> ReplanResult:
    """Apply ``changes`` and repair ``plan`` without moving unaffected visits."""
    t0 = time.perf_counter()
    new_problem, cancelled = apply_changes(problem, changes)
    grid = Grid(new_problem)
    schedule = Schedule(grid)
    affected = _keep(grid, schedule, plan)
    patterns = _patterns(grid, schedule)
    lost_periodic = [
        c
        for c, cand in enumerate(new_problem.candidates)
        if cand.frequency is not None
        and cand.frequency.period_weeks is not None
        and schedule.count[c] == 0
        and any(v.stop_id == cand.id for v in affected)
    ]
    new_patterns, failed = place_periodic(schedule, lost_periodic)
    patterns.update(new_patterns)
    singles = single_candidates(schedule)
    free = [p for p in range(grid.n_positions) if schedule.assign[p] < 0]
    index = {c.id: i for i, c in enumerate(new_problem.candidates)}
    displaced = [index[v.stop_id] for v in affected if v.stop_id in index]
    insert_all(schedule, [c for c in displaced if c in set(singles)], free)
    insert_all(schedule, value_order(schedule, singles), free)
    bound = upper_bound(grid)
    info = SolverInfo(
        name=f"replan({plan.solver.name})",
        seed=seed,
        time_s=time.perf_counter() - t0,
        time_limit_s=plan.solver.time_limit_s,
        objective=schedule.objective,
        bound=bound,
        gap_pct=gap_pct(schedule.objective, bound),
    )
    new_plan = assemble(
        grid, schedule, patterns=patterns, failed_periodic=failed, solver=info, source=plan.source
    )
    old_by_stop = {c: [v for v in plan.visits if v.stop_id == c] for c in cancelled}
    extra = tuple(
        Dropped(
            c,
            old_by_stop[c][0].stop_name if old_by_stop[c] else c,
            REASON_CANCELLED,
            problem.candidate(c).required,
        )
        for c in sorted(cancelled)
    )
    new_plan = dataclasses.replace(new_plan, dropped=new_plan.dropped + extra)
    return _diff(new_problem, plan, new_plan, affected)


def _diff(problem: ItineraryProblem, old: Plan, new: Plan, affected: list[Visit]) -> ReplanResult:
    key = lambda v: (v.date, v.van, v.slot, v.stop_id)  # noqa: E731
    old_keys = {key(v) for v in old.visits}
    affected_keys = {key(v) for v in affected}
    kept = tuple(v for v in new.visits if key(v) in old_keys)
    fresh = [v for v in new.visits if key(v) not in old_keys]
    moved: list[tuple[Visit, Visit]] = []
    removed: list[Visit] = []
    fresh_by_stop = {v.stop_id: v for v in fresh}
    for v in affected:
        target = fresh_by_stop.pop(v.stop_id, None)
        if target is not None and key(v) in affected_keys:
            moved.append((v, target))
        else:
            removed.append(v)
    moved_new = {key(b) for _, b in moved}
    added = tuple(v for v in fresh if key(v) not in moved_new)
    return ReplanResult(new, problem, kept, tuple(moved), tuple(removed), added)
