"""Re-planning after a change: a stop cancelled (every date or some), a date closed, a van down,
a visit moved by the manager (the changes: :mod:`.replan_changes`).

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
  A visit the manager moves (``move_visit``) leaves its place and takes the new one, every
  other visit staying where it is; its old and new days are re-timed. A move that does not fit
  is refused with the precise reason (:func:`.move.check_move` answers the same before).
- ``full``: the changed horizon is solved again from scratch (the solver and time limit of the
  original plan); anything may move but the fixed visits (:mod:`.fixed`).

Locked visits (the plan's ``Visit.locked`` and the ``locked`` keys) are kept exactly in both
modes and stay locked in the new plan; a change that would take one from its place is refused
(« Visite verrouillée : déverrouillez-la d'abord »). Visits the manager moved stay where they
were moved (a full re-plan keeps them too).

Either way the result lists what changed (:mod:`.replan_diff`): ``Plan.changes`` in the plan
document, with French labels, and a one-sentence summary in the plan's notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from planner.errors import InvalidProblemError
from planner.itinerary.assemble import REASON_CANCELLED, assemble
from planner.itinerary.bound import gap_pct, upper_bound
from planner.itinerary.event_ids import carry
from planner.itinerary.fixed import VisitKey
from planner.itinerary.greedy import insert_all, single_candidates, value_order
from planner.itinerary.grid import Grid
from planner.itinerary.move import keep_visits, place_moves
from planner.itinerary.periodic import Pattern, dated_days, place_periodic
from planner.itinerary.plan import Dropped, Plan, PlanChange, SolverInfo, Visit
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.replan_changes import KINDS, Change, Prepared, apply_changes, prepare
from planner.itinerary.replan_diff import changes_of, compare, key, summary_fr
from planner.itinerary.schedule import Schedule
from planner.itinerary.solver import DEFAULT_SOLVER, SOLVERS, solve

__all__ = ["KINDS", "MODES", "Change", "ReplanResult", "apply_changes", "replan"]

MODES = ("minimal", "full")
NOTE_MINIMAL = (
    "Re-planification minimale : les places libérées ne sont pas proposées aux arrêts non "
    "planifiés (demandez fill_freed pour les remplir, ou une re-planification complète)."
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


def _pattern_places(grid: Grid) -> dict[int, tuple[int, int, int]]:
    """(van, day, slot) where each position's fixed visit counts for its stop's regularity:
    the origin of a moved visit (positions absent: the position itself)."""
    pb = grid.problem
    vans = {v.id: i for i, v in enumerate(pb.vans)}
    slots = {s.name: i for i, s in enumerate(pb.slots)}
    out: dict[int, tuple[int, int, int]] = {}
    for f in pb.fixed:
        d = pb.calendar.index_of(f.date)
        p = None if d is None else grid.position(vans[f.van], d, slots[f.slot])
        if p is None or f.origin is None:
            continue
        date, van, slot = f.origin
        day = pb.calendar.index_of(date)
        if day is not None:
            out[p] = (vans[van], day, slots[slot])
    return out


def _patterns(grid: Grid, schedule: Schedule) -> dict[int, Pattern]:
    """Patterns of periodic stops rebuilt from their kept visits (for skipped dates); a moved
    visit counts at its origin."""
    out: dict[int, Pattern] = {}
    n_days = grid.problem.calendar.n_days
    places = _pattern_places(grid)
    for c, cand in enumerate(grid.problem.candidates):
        period = cand.frequency.period_weeks if cand.frequency is not None else None
        positions = schedule.positions_of(c)
        if period is None or not positions:
            continue
        step = 7 * period
        where = [places.get(p) or grid.vanday_of(p) for p in positions]
        v, d0, s = where[0]
        days = {d for _, d, _ in where}
        skipped = tuple(
            d for d in dated_days(grid, cand) or range(d0 % step, n_days, step) if d not in days
        )
        out[c] = Pattern(c, v, s, d0 % step, step, tuple(positions), skipped)
    return out


def _repair(
    grid: Grid, plan: Plan, prepared: Prepared, *, fill_freed: bool, cancelled_on: set[str]
) -> tuple[Schedule, dict[int, Pattern], list[int]]:
    """Minimal repair: keep, put the moves, re-place what a closure displaced, optionally fill
    freed places."""
    pb = grid.problem
    schedule = Schedule(grid)
    moving = frozenset(key(old) for old, _ in prepared.moves)
    affected = keep_visits(grid, schedule, plan, skip=moving)
    place_moves(schedule, prepared.moves)
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
    locked: Iterable[VisitKey] = (),
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
    locked
        Visit keys ``(date, van, stop_id)`` to lock on top of the plan's locked visits: the
        new plan keeps them exactly (both modes) and carries their locks; a change that
        touches one is refused.

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
    prepared = prepare(problem, changes, plan, locked=locked)
    new_problem, cancelled = prepared.problem, prepared.cancelled
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
            grid, plan, prepared, fill_freed=fill_freed, cancelled_on=cancelled_on
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
    return _result(new_problem, plan, new_plan, mode, cancelled, prepared)


def _result(
    problem: ItineraryProblem,
    old: Plan,
    new: Plan,
    mode: str,
    cancelled: frozenset[str],
    prepared: Prepared,
) -> ReplanResult:
    asked = {f.key: key(v) for v, f in prepared.moves}
    diff = compare(old, new, pairs=asked)
    dates: dict[str, frozenset[dt.date] | None] = dict(problem.stop_cancelled)
    dates.update({c: None for c in cancelled})
    changes = changes_of(
        problem, diff, cancelled=dates, full=mode == "full", asked=frozenset(asked)
    )
    summary = summary_fr(diff, changes)
    plan = carry(old, dataclasses.replace(new, notes=(*new.notes, summary)), diff, changes)
    changes = plan.changes
    return ReplanResult(
        plan, problem, mode, diff.kept, diff.moved, diff.removed, diff.added, diff.retimed,
        changes, summary,
    )  # fmt: skip
