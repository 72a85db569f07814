"""Re-planning after a change: a stop cancelled (every date or some), a date closed, a van down.

Two modes (:data:`MODES`):

- ``minimal`` (default): the plan keeps its word. Every visit the change does not touch stays
  exactly where it was (same date, van, slot and session times; only its arrival time moves
  when its day's route gains or loses a stop). A cancelled visit is removed and not replaced
  (the manager cancelled it). Visits of single stops that lost their place to a closed date or
  a van down are re-inserted in a free position when one fits (*moved*); repetitions of
  periodic stops that fall on a closed date or a cancelled date are skipped (their pattern
  keeps its weekday, slot and van); a periodic stop that lost every visit to a closure takes a
  new pattern. Freed positions stay free unless ``fill_freed=True``: then they are offered to
  unplanned stops (*added*). It is off by default because a manager who cancels or closes a
  date has usually already told partners and young people about the other visits, and a new
  visit appearing in the calendar is a change they did not ask for.
- ``full``: the changed horizon is solved again from scratch (the solver and time limit of the
  original plan); anything may move.

Either way the result lists what changed (:mod:`.replan_diff`): ``Plan.changes`` in the plan
document, with French labels, and a one-sentence summary in the plan's notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.assemble import REASON_CANCELLED, assemble
from planner.itinerary.bound import gap_pct, upper_bound
from planner.itinerary.event_ids import carry
from planner.itinerary.greedy import insert_all, single_candidates, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import Pattern, dated_days, place_periodic
from planner.itinerary.plan import Dropped, Plan, PlanChange, SolverInfo, Visit
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.replan_check import check_cancel_in_plan, check_in_horizon, check_van
from planner.itinerary.replan_diff import changes_of, compare, summary_fr
from planner.itinerary.schedule import Schedule
from planner.itinerary.solver import DEFAULT_SOLVER, SOLVERS, solve

KINDS = ("cancel_stop", "close_date", "van_down")
MODES = ("minimal", "full")
NOTE_MINIMAL = (
    "Re-planification minimale : les places libérées ne sont pas proposées aux arrêts non "
    "planifiés (demandez fill_freed pour les remplir, ou une re-planification complète)."
)


@dataclass(frozen=True)
class Change:
    """One change.

    ``cancel_stop`` (``stop_id``; ``dates``: only the visits of those dates, none: every visit
    of the stop), ``close_date`` (``dates``, all vans or one ``van``) or ``van_down`` (``van``;
    ``dates``: those days only, none: the whole horizon).
    """

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
        if self.kind == "cancel_stop" and not self.stop_id:
            raise InvalidProblemError(
                "Annulation d'arrêt : identifiant de l'arrêt (stop_id) manquant.",
                hint="Donnez le stop_id de l'arrêt à annuler (champ stop_id de plan.json).",
            )
        if self.kind == "cancel_stop" and self.van is not None:
            raise InvalidProblemError(
                f"Annulation d'arrêt : véhicule {self.van!r} inattendu (une visite annulée "
                "l'est pour tous les véhicules).",
                hint="Retirez « van » ; pour un véhicule en panne, utilisez van_down.",
            )
        if self.kind != "cancel_stop" and self.stop_id is not None:
            raise InvalidProblemError(
                f"Changement {self.kind} : stop_id {self.stop_id!r} inattendu (seule "
                "l'annulation d'arrêt, cancel_stop, vise un arrêt).",
                hint="Retirez « stop_id », ou utilisez cancel_stop avec ses dates.",
            )
        if self.kind == "close_date" and not self.dates:
            raise InvalidProblemError(
                "Fermeture de date : aucune date donnée.",
                hint="Donnez au moins une date du plan dans « dates » (AAAA-MM-JJ).",
            )
        if self.kind == "van_down" and self.van is None:
            raise InvalidProblemError(
                "Véhicule en panne : identifiant du véhicule manquant.",
                hint="Précisez le véhicule concerné.",
            )


@dataclass(frozen=True)
class ReplanResult:
    """The new plan, the changed problem it is valid for, and what changed.

    ``changes`` (also ``plan.changes``) is the JSON-ready, French-labelled list; ``kept``,
    ``moved``, ``removed``, ``added`` and ``retimed`` are the same difference as visits.
    """

    plan: Plan
    problem: ItineraryProblem
    mode: str
    kept: tuple[Visit, ...]
    moved: tuple[tuple[Visit, Visit], ...]
    removed: tuple[Visit, ...]
    added: tuple[Visit, ...]
    retimed: tuple[tuple[Visit, Visit], ...]
    changes: tuple[PlanChange, ...]
    summary: str

    def describe_fr(self) -> str:
        return self.summary

    def diff(self) -> dict[str, Any]:
        """The difference as plain JSON: mode, counts, summary and the change records."""
        return {
            "mode": self.mode,
            "summary": self.summary,
            "counts": {
                "kept": len(self.kept),
                "moved": len(self.moved),
                "removed": len(self.removed),
                "added": len(self.added),
                "retimed": len(self.retimed),
            },
            "changes": [c.to_json() for c in self.changes],
        }


def _check_dates(problem: ItineraryProblem, ch: Change) -> None:
    days = problem.calendar.days
    check_in_horizon(ch.dates, days[0].date, days[-1].date)


def _check_cancel(problem: ItineraryProblem, plan: Plan | None, ch: Change) -> None:
    if ch.stop_id not in {c.id for c in problem.candidates}:
        raise NotFoundError(
            f"Arrêt {ch.stop_id!r} inconnu : impossible de l'annuler.",
            hint="Vérifiez l'identifiant (champ stop_id de plan.json).",
        )
    if plan is not None:
        check_cancel_in_plan(plan, ch)


def apply_changes(
    problem: ItineraryProblem, changes: list[Change], plan: Plan | None = None
) -> tuple[ItineraryProblem, frozenset[str]]:
    """The changed problem and the ids of stops cancelled on every date (removed from the
    candidates); a stop cancelled on some dates stays, with those dates in ``stop_cancelled``.
    With ``plan``, a cancellation must name a planned stop and dates it is visited.
    """
    cancelled: set[str] = set()
    by_date: dict[str, frozenset[dt.date]] = dict(problem.stop_cancelled)
    vans = [v.id for v in problem.vans]
    unavailable = dict(problem.van_unavailable)
    calendar = problem.calendar
    horizon = frozenset(d.date for d in calendar.days)
    for ch in changes:
        _check_dates(problem, ch)
        if ch.kind == "cancel_stop":
            _check_cancel(problem, plan, ch)
            if ch.dates:
                by_date[str(ch.stop_id)] = by_date.get(str(ch.stop_id), frozenset()) | ch.dates
            else:
                cancelled.add(str(ch.stop_id))
            continue
        check_van(ch.van, vans)
        if ch.kind == "close_date" and ch.van is None:
            calendar = calendar.with_closed(ch.dates)
        else:
            van = str(ch.van)
            unavailable[van] = unavailable.get(van, frozenset()) | (ch.dates or horizon)
    new = problem.replace(
        candidates=tuple(c for c in problem.candidates if c.id not in cancelled),
        van_unavailable=unavailable,
        calendar=calendar,
        stop_cancelled={k: v for k, v in by_date.items() if k not in cancelled},
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
        skipped = tuple(
            d for d in dated_days(grid, cand) or range(d0 % step, n_days, step) if d not in days
        )
        out[c] = Pattern(c, v, s, d0 % step, step, tuple(positions), skipped)
    return out


def _repair(
    grid: Grid, plan: Plan, *, fill_freed: bool, cancelled_on: set[str]
) -> tuple[Schedule, dict[int, Pattern], list[int]]:
    """Minimal repair: keep, re-place what a closure displaced, optionally fill freed places."""
    pb = grid.problem
    schedule = Schedule(grid)
    affected = _keep(grid, schedule, plan)
    # a visit cancelled on its date is gone on purpose: never re-placed
    displaced = [v for v in affected if v.date not in pb.stop_cancelled.get(v.stop_id, ())]
    patterns = _patterns(grid, schedule)
    lost_periodic = [
        c
        for c, cand in enumerate(pb.candidates)
        if cand.frequency is not None
        and cand.frequency.period_weeks is not None
        and schedule.count[c] == 0
        and cand.id not in cancelled_on
        and any(v.stop_id == cand.id for v in displaced)
    ]
    new_patterns, failed = place_periodic(schedule, lost_periodic)
    patterns.update(new_patterns)
    singles = set(single_candidates(schedule))
    free = [p for p in range(grid.n_positions) if schedule.assign[p] < 0]
    index = {c.id: i for i, c in enumerate(pb.candidates)}
    moved = [index[v.stop_id] for v in displaced if v.stop_id in index]
    insert_all(schedule, [c for c in moved if c in singles], free)
    if fill_freed:
        insert_all(schedule, value_order(schedule, sorted(singles)), free)
    return schedule, patterns, failed


def _base_solver(name: str) -> str:
    """The solver of a plan's ``solver.name`` (re-plans are named ``replan(<solver>)``)."""
    while name.startswith("replan(") and name.endswith(")"):
        name = name[len("replan(") : -1]
    return name if name in SOLVERS else DEFAULT_SOLVER


def replan(
    problem: ItineraryProblem,
    plan: Plan,
    changes: list[Change],
    *,
    mode: str = "minimal",
    fill_freed: bool = False,
    seed: int = 0,
) -> ReplanResult:
    """Apply ``changes`` to ``plan``: a minimal repair (default) or a ``full`` re-solve.

    Parameters
    ----------
    problem
        The problem ``plan`` was made for (before the changes).
    plan
        The plan to repair.
    changes
        What happened; every stop, van and date is checked against the plan (French errors).
    mode
        ``minimal`` keeps every unaffected visit; ``full`` solves the changed horizon again.
    fill_freed
        Minimal mode: offer the freed places to unplanned stops (off by default).
    seed
        Seed of a full re-solve.

    Returns
    -------
    ReplanResult
        The new plan (with ``changes`` and a summary note), the changed problem, the diff.
    """
    if mode not in MODES:
        raise InvalidProblemError(
            f"Mode de re-planification {mode!r} inconnu (attendu : {', '.join(MODES)}).",
            hint="minimal garde les visites non touchées ; full recalcule tout l'horizon.",
        )
    t0 = time.perf_counter()
    new_problem, cancelled = apply_changes(problem, changes, plan)
    cancelled_on = {
        sid
        for sid, dates in new_problem.stop_cancelled.items()
        if {v.date for v in plan.visits if v.stop_id == sid} <= dates
    }
    if mode == "full":
        new_plan = solve(
            new_problem,
            solver=_base_solver(plan.solver.name),
            time_limit=plan.solver.time_limit_s or 10.0,
            seed=seed,
            source=plan.source,
        )
        new_plan = dataclasses.replace(
            new_plan,
            dropped=tuple(
                dataclasses.replace(d, reason=REASON_CANCELLED) if d.stop_id in cancelled_on else d
                for d in new_plan.dropped
            ),
        )
    else:
        grid = Grid(new_problem)
        schedule, patterns, failed = _repair(
            grid, plan, fill_freed=fill_freed, cancelled_on=cancelled_on
        )
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
            grid,
            schedule,
            patterns=patterns,
            failed_periodic=failed,
            solver=info,
            cancelled=frozenset(cancelled_on),
            source=plan.source,
            extra_notes=() if fill_freed else (NOTE_MINIMAL,),
        )
    names = {v.stop_id: v.stop_name for v in plan.visits}
    extra = tuple(
        Dropped(c, names.get(c, c), REASON_CANCELLED, problem.candidate(c).required)
        for c in sorted(cancelled)
    )
    new_plan = dataclasses.replace(new_plan, dropped=new_plan.dropped + extra)
    return _result(new_problem, plan, new_plan, mode, cancelled)


def _result(
    problem: ItineraryProblem, old: Plan, new: Plan, mode: str, cancelled: frozenset[str]
) -> ReplanResult:
    diff = compare(old, new)
    dates: dict[str, frozenset[dt.date] | None] = dict(problem.stop_cancelled)
    dates.update({c: None for c in cancelled})
    changes = changes_of(problem, diff, cancelled=dates, full=mode == "full")
    summary = summary_fr(diff, changes)
    plan = carry(old, dataclasses.replace(new, notes=(*new.notes, summary)), diff, changes)
    changes = plan.changes
    return ReplanResult(
        plan, problem, mode, diff.kept, diff.moved, diff.removed, diff.added, diff.retimed,
        changes, summary,
    )  # fmt: skip
