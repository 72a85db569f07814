"""An exact model (CP-SAT) of the weekly itinerary problem, for small cases.

It optimises the engine's objective (``NEED_POINTS * need served - DRIVE_POINTS * drive``, need
points rounded per visit as in :class:`.schedule.Schedule`) under the engine's rules, taken
from the same :class:`.grid.Grid` rather than re-derived, so that its optimum is a true
reference for the heuristic of :mod:`.solver`:

* **Van days as columns.** A van day holds at most one stop per slot, so with the usual two
  half-day slots it has at most two stops. Every feasible *day tuple* (which stop in which slot,
  no stop twice) of every van-day is enumerated and timed exactly by
  :meth:`.grid.Grid.day_timing` (shift, span, work, arrivals before each slot start), with its
  exact drive as cost; the model picks at most one tuple per van-day. This is exact without any
  time or subtour constraint and stays small (about 20 stops give at most ``21 * 20 + 1`` tuples
  per van-day), which an arc model would not beat at this size.
* **Single stops** (no frequency or ``once``) get at most one visit.
* **Periodic stops** choose at most one *pattern*, built as in :mod:`.periodic` (van, slot,
  first day ``d0 < 7 w``, every fit repetition planned, the others skipped), and are visited
  exactly at its positions.
* **Required stops** come first (lexicographically, as the engine serves them first): the model
  maximises ``M * required stops served + objective`` with ``M`` above any objective spread.

Every plan of the engine is a solution of this model, hence ``engine objective <= exact
objective <= valid bound`` (:mod:`.bound`) whenever no required stop is left out. The model is
refused beyond ``MAX_CANDIDATES`` stops, ``MAX_VANDAYS`` van-days or ``MAX_TUPLES`` day tuples.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from planner.errors import InvalidProblemError
from planner.itinerary.assemble import assemble
from planner.itinerary.bound import gap_pct, upper_bound
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import Pattern, pattern_options
from planner.itinerary.plan import Plan, SolverInfo
from planner.itinerary.problem import DRIVE_POINTS, ItineraryProblem
from planner.itinerary.schedule import Schedule

#: size limits of the exact model (the issue's "small cases": about 20 stops, 2 weeks, 2 vans)
MAX_CANDIDATES = 25
MAX_VANDAYS = 28
MAX_TUPLES = 60_000
DEFAULT_TIME_LIMIT = 60.0

DayTuple = tuple[tuple[int, int], ...]  # ((slot, candidate), ...) in slot order


def _refuse(what: str, got: int, limit: int) -> InvalidProblemError:
    return InvalidProblemError(
        f"Modèle exact : {got} {what} reçus, au plus {limit} acceptés (petits cas seulement).",
        hint="Réduisez le problème ou utilisez un autre solveur "
        "(planner.itinerary.solver.solve, par défaut ortools).",
    )


def check_size(problem: ItineraryProblem, grid: Grid | None = None) -> Grid:
    """Raise a French :class:`InvalidProblemError` when the problem is too large.

    Returns the problem's grid (``grid`` when given).
    """
    if len(problem.candidates) > MAX_CANDIDATES:
        raise _refuse("arrêts candidats", len(problem.candidates), MAX_CANDIDATES)
    grid = grid if grid is not None else Grid(problem)
    if len(grid.vandays) > MAX_VANDAYS:
        raise _refuse("journées-véhicule", len(grid.vandays), MAX_VANDAYS)
    return grid


def day_tuples(grid: Grid, k: int, allowed: list[set[int]]) -> list[tuple[DayTuple, int]]:
    """Every feasible non-empty day tuple of van-day ``k`` with its drive (s).

    ``allowed[s]`` holds the candidates that may fill slot ``s`` of that day.
    """
    v = grid.vandays[k][0]
    out: list[tuple[DayTuple, int]] = []

    def extend(s: int, chosen: list[tuple[int, int]]) -> None:
        if s == grid.n_slots:
            if chosen:
                timing = grid.day_timing(v, chosen)
                if timing.feasible:
                    out.append((tuple(chosen), timing.drive_s))
            return
        extend(s + 1, chosen)
        used = {c for _, c in chosen}
        for c in sorted(allowed[s] - used):
            extend(s + 1, [*chosen, (s, c)])

    extend(0, [])
    return out


class _Model:
    """The CP-SAT model of one grid: day tuples, patterns and the objective."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        pb = grid.problem
        self.model = cp_model.CpModel()
        empty = Schedule(grid)
        self.points = [empty.points(c) for c in range(len(pb.candidates))]
        # on an empty schedule, the engine's pattern options are every pattern of the stop
        self.patterns: dict[int, list[Pattern]] = {}
        for c, cand in enumerate(pb.candidates):
            period = cand.frequency.period_weeks if cand.frequency is not None else None
            if period is not None:
                self.patterns[c] = pattern_options(empty, c, period)
        allowed_at = [
            {c for c in range(len(pb.candidates)) if grid.fit[c, p]}
            for p in range(grid.n_positions)
        ]
        self.tuples: list[list[tuple[DayTuple, int]]] = []
        total = 0
        for k in range(len(grid.vandays)):
            n = grid.n_slots
            tuples = day_tuples(grid, k, allowed_at[k * n : (k + 1) * n])
            total += len(tuples)
            if total > MAX_TUPLES:
                raise _refuse("journées possibles (arrêts par créneau)", total, MAX_TUPLES)
            self.tuples.append(tuples)
        self._build()

    def _build(self) -> None:
        grid, m = self.grid, self.model
        pb = grid.problem
        visit: dict[tuple[int, int], list[cp_model.IntVar]] = {}  # (c, p) -> tuple vars
        self.x: list[list[cp_model.IntVar]] = []
        drive_vars: list[cp_model.IntVar] = []
        drive_coefs: list[int] = []
        for k, tuples in enumerate(self.tuples):
            xs = [m.new_bool_var(f"x{k}_{i}") for i in range(len(tuples))]
            m.add_at_most_one(xs)
            self.x.append(xs)
            for var, (tup, drive) in zip(xs, tuples, strict=True):
                drive_vars.append(var)
                drive_coefs.append(int(drive))
                for s, c in tup:
                    visit.setdefault((c, k * grid.n_slots + s), []).append(var)
        self.z: dict[int, list[cp_model.IntVar]] = {}
        served: dict[int, cp_model.LinearExpr] = {}
        need_vars: list[cp_model.IntVar] = []
        need_coefs: list[int] = []
        for c in range(len(pb.candidates)):
            at = {p: vs for (cc, p), vs in visit.items() if cc == c}
            if c in self.patterns:
                zs = [m.new_bool_var(f"z{c}_{i}") for i in range(len(self.patterns[c]))]
                m.add_at_most_one(zs)
                self.z[c] = zs
                covered: dict[int, list[cp_model.IntVar]] = {}
                for z, pat in zip(zs, self.patterns[c], strict=True):
                    for p in pat.positions:
                        covered.setdefault(p, []).append(z)
                    need_vars.append(z)
                    need_coefs.append(self.points[c] * len(pat.positions))
                for p in at.keys() | covered.keys():
                    m.add(
                        cp_model.LinearExpr.sum(at.get(p, []))
                        == cp_model.LinearExpr.sum(covered.get(p, []))
                    )
                served[c] = cp_model.LinearExpr.sum(zs)
            else:
                every = [var for vs in at.values() for var in vs]
                m.add(cp_model.LinearExpr.sum(every) <= 1)
                need_vars += every
                need_coefs += [self.points[c]] * len(every)
                served[c] = cp_model.LinearExpr.sum(every)
        self.objective = cp_model.LinearExpr.weighted_sum(
            need_vars + drive_vars, need_coefs + [-DRIVE_POINTS * d for d in drive_coefs]
        )
        required = [served[c] for c, cand in enumerate(pb.candidates) if cand.required]
        self.weight = 0
        if required:
            most_drive = sum(max((int(d) for _, d in ts), default=0) for ts in self.tuples)
            spread = sum(max(0, p) for p in self.points) * grid.n_positions + most_drive
            self.weight = int(spread) + 1
            m.maximize(self.weight * cp_model.LinearExpr.sum(required) + self.objective)
        else:
            m.maximize(self.objective)

    def schedule(self, solver: cp_model.CpSolver) -> tuple[Schedule, dict[int, Pattern]]:
        grid = self.grid
        schedule = Schedule(grid)
        for k, xs in enumerate(self.x):
            for var, (tup, _) in zip(xs, self.tuples[k], strict=True):
                if solver.boolean_value(var):
                    for s, c in tup:
                        schedule.put(c, k * grid.n_slots + s)
        chosen: dict[int, Pattern] = {}
        for c, zs in self.z.items():
            for z, pat in zip(zs, self.patterns[c], strict=True):
                if solver.boolean_value(z):
                    chosen[c] = pat
                    schedule.pattern_of[c] = pat.positions
        return schedule, chosen


def solve_exact(
    problem: ItineraryProblem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = 1,
) -> tuple[Plan, bool]:
    """Solve a small ``problem`` exactly with CP-SAT; return the plan and whether it is proven.

    Parameters
    ----------
    time_limit
        Seconds given to CP-SAT; past it the best plan found is returned, not proven.
    workers
        CP-SAT search workers (1: deterministic and fair on a shared machine).

    Returns
    -------
    plan, proven
        ``plan.solver.name == "exact"``; ``plan.solver.bound`` is the tighter of the valid bound
        of :mod:`.bound` and CP-SAT's proven bound (equal to the objective when proven).
        ``proven`` is True when CP-SAT proved the plan optimal.
    """
    if time_limit <= 0:
        raise InvalidProblemError(
            f"Limite de temps {time_limit!r} s invalide (attendu > 0).",
            hint="Donnez un nombre de secondes positif, par exemple 60.",
        )
    if workers < 1:
        raise InvalidProblemError(
            f"Nombre de fils {workers!r} invalide (attendu >= 1).",
            hint="Donnez 1 pour un résultat reproductible.",
        )
    t0 = time.perf_counter()
    grid = check_size(problem)
    model = _Model(grid)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    # the LP relaxation of the day-tuple model is tight: level 2 proves in seconds what the
    # default level does not prove in a minute (20 stops, 2 weeks)
    solver.parameters.linearization_level = 2
    status = solver.solve(model.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        schedule, chosen = Schedule(grid), dict[int, Pattern]()
        proven = False
    else:
        schedule, chosen = model.schedule(solver)
        proven = status == cp_model.OPTIMAL
    bound = upper_bound(grid)
    if model.weight == 0 and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = min(bound, math.floor(solver.best_objective_bound + 1e-6))
    failed = [c for c, pats in model.patterns.items() if not pats]
    info = SolverInfo(
        name="exact",
        seed=0,
        time_s=time.perf_counter() - t0,
        time_limit_s=float(time_limit),
        objective=schedule.objective,
        bound=bound,
        gap_pct=gap_pct(schedule.objective, bound),
        iterations=int(solver.num_branches),
    )
    note = (
        "Modèle exact (CP-SAT) : optimum prouvé."
        if proven
        else f"Modèle exact (CP-SAT) : optimum non prouvé en {time_limit:g} s "
        f"(statut {solver.status_name(status)})."
    )
    plan = assemble(
        grid, schedule, patterns=chosen, failed_periodic=failed, solver=info, extra_notes=(note,)
    )
    return plan, proven
