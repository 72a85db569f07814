"""A manager's move of one visit: checked on the spot, then applied by the minimal re-plan.

:func:`check_move` answers at once (no solver run) whether a ``move_visit`` change fits the
plan: every other visit stays where it is (as in a minimal re-plan), the visit leaves its place
and :func:`~planner.itinerary.placement.place_verdict` says whether it fits the new one, with
the precise French reason when it does not (« le partenaire Mairie est fermé le jeudi
après-midi », « le créneau est déjà pris par ... », « journée trop longue ... ») and, as a hint,
the free places that fit. The minimal re-plan places its moves with the same code
(:func:`keep_visits`, then :func:`place_moves`), so an accepted check is an accepted re-plan;
:func:`check_replan` runs that first half of a re-plan (the service refuses a change before it
queues a job).
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.errors import InvalidProblemError
from planner.itinerary.fixed import FixedVisit, VisitKey, place_fr
from planner.itinerary.grid import Grid
from planner.itinerary.placement import (
    MoveVerdict,
    indices,
    place_fixed,
    place_verdict,
    position_at,
    refusal,
)
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.replan_changes import Change, prepare
from planner.itinerary.replan_check import LOCKED, LOCKED_HINT, find_visit, lock_key, lock_keys
from planner.itinerary.replan_diff import key
from planner.itinerary.schedule import Schedule


def _left(grid: Grid, old: Visit) -> frozenset[int]:
    """The position the visit ``old`` leaves (not worth listing as a place it could go)."""
    return position_at(grid, old.date, old.van, old.slot)


def keep_visits(
    grid: Grid, schedule: Schedule, plan: Plan, *, skip: frozenset[tuple] = frozenset()
) -> list[Visit]:
    """Lock every visit of ``plan`` (but those of ``skip`` keys) that still fits; return the
    others (the visits the changes displaced)."""
    pb = grid.problem
    index = {c.id: i for i, c in enumerate(pb.candidates)}
    vans = {v.id: i for i, v in enumerate(pb.vans)}
    slots = {s.name: i for i, s in enumerate(pb.slots)}
    affected: list[Visit] = []
    for visit in sorted(plan.visits, key=lambda v: (v.date, v.van, slots.get(v.slot, 0))):
        if key(visit) in skip:
            continue
        c = index.get(visit.stop_id)
        d = pb.calendar.index_of(visit.date)
        p = None if c is None or d is None else grid.position(vans[visit.van], d, slots[visit.slot])
        if c is None or p is None or not grid.fit[c, p] or schedule.insertion(c, p) is None:
            affected.append(visit)
            continue
        schedule.put(c, p)
        schedule.locked.add(p)
    return affected


def place_moves(schedule: Schedule, moves: Iterable[tuple[Visit, FixedVisit]]) -> None:
    """Put each moved visit at its new place (locked); a French error when one does not fit."""
    grid = schedule.grid
    for old, f in moves:
        c, v, d, s = indices(grid, f)
        verdict = place_verdict(schedule, c, v, d, s, skip=_left(grid, old))
        if not verdict.ok:
            raise refusal(f, grid.problem.candidates[c].name, verdict)
        p = grid.position(v, d, s)
        assert p is not None
        schedule.put(c, p)
        schedule.locked.add(p)


def check_move(
    problem: ItineraryProblem, plan: Plan, change: Change, *, locked: Iterable[VisitKey] = ()
) -> MoveVerdict:
    """Whether ``change`` (a ``move_visit``) fits ``plan`` with every other visit in place.

    Parameters
    ----------
    problem
        The problem ``plan`` was made for.
    plan
        The plan whose visit moves.
    change
        The move: ``stop_id``, ``dates = {from}``, ``van`` when ambiguous, ``to_date``,
        ``to_slot``, ``to_van``.
    locked
        Visit keys ``(date, van, stop_id)`` locked on top of the plan's locked visits.

    Returns
    -------
    MoveVerdict
        ``ok``, or the French reason and a hint (the free places that fit). A locked visit
        is refused (« Visite verrouillée : déverrouillez-la d'abord »).

    Raises
    ------
    InvalidProblemError, NotFoundError
        A malformed move: not a move, a stop or visit the plan does not hold, a date outside
        the horizon, an unknown slot or van (French, with what is valid).
    """
    if change.kind != "move_visit":
        raise InvalidProblemError(
            f"Vérification d'un déplacement : changement {change.kind} reçu.",
            hint="Vérifiez un changement move_visit.",
        )
    old = find_visit(plan, str(change.stop_id), min(change.dates), change.van)
    if lock_key(old) in lock_keys(plan, locked):
        where = f"{old.stop_name}, {old.stop_id}, {place_fr(old.date, old.slot)}, {old.van}"
        return MoveVerdict(False, f"{LOCKED} ({where})", LOCKED_HINT)
    prepared = prepare(problem, [change], plan, locked=locked)
    schedule = Schedule(Grid(prepared.problem))
    keep_visits(schedule.grid, schedule, plan, skip=frozenset({key(old)}))
    c, v, d, s = indices(schedule.grid, prepared.moves[0][1])
    return place_verdict(schedule, c, v, d, s, skip=_left(schedule.grid, old))


def check_replan(
    problem: ItineraryProblem,
    plan: Plan,
    changes: list[Change],
    *,
    mode: str = "minimal",
    locked: Iterable[VisitKey] = (),
) -> None:
    """Refuse (French error) changes whose moves or locks the re-plan could not place: the
    first half of :func:`planner.itinerary.replan.replan`, without the repair or the solve."""
    prepared = prepare(problem, changes, plan, locked=locked)
    schedule = Schedule(Grid(prepared.problem))
    if mode == "full":
        place_fixed(schedule)
        return
    skip = frozenset(key(old) for old, _ in prepared.moves)
    keep_visits(schedule.grid, schedule, plan, skip=skip)
    place_moves(schedule, prepared.moves)
