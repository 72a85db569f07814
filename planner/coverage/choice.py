"""Exact coverage choice: maximal covering, set covering and p-median (OR-Tools, SCIP).

All three models are integer programs solved by a MIP backend shipped with OR-Tools 9.15 through
``pywraplp`` (SCIP by default; CBC and HiGHS also work) with a relative gap of 0, so the status
``OPTIMAL`` is a proof of optimality. (CP-SAT was tried first: it needs minutes to prove the
p-median optimum that the LP-based solvers prove in a tenth of a second.) When the time limit
stops the search first, the best solution found is returned with status ``FEASIBLE`` and the
caller decides. Costs and weights are integers
(see :class:`~planner.coverage.problem.CoverageProblem`).

- **MCLP** (Church & ReVelle 1974): choose ``k`` sites maximising the weight of demand within
  ``within`` of a chosen site. ``already_covered`` rows (served by fixed contact points) count as
  covered without a van stop, so the model spends stops on the rest.
- **LSCP** (Toregas et al. 1971): fewest sites so that every target row is within ``within``.
- **p-median** (Hakimi 1964): choose ``p`` sites minimising the weighted cost from each demand row
  to its nearest chosen site.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from planner.coverage.problem import CoverageProblem
from planner.errors import InfeasibleError, InvalidProblemError

BACKENDS = ("SCIP", "CBC", "HIGHS")
_STATUS = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE"}


@dataclass(frozen=True)
class SolverOptions:
    """MIP settings: backend, time limit (s). SCIP and CBC are deterministic."""

    backend: str = "SCIP"
    time_limit: float = 60.0

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise InvalidProblemError(
                f"Solveur inconnu {self.backend!r} ; attendu l'un de {', '.join(BACKENDS)}.",
                hint="SCIP est fourni avec OR-Tools et convient par défaut.",
            )
        if not self.time_limit > 0:
            raise InvalidProblemError(
                f"La limite de temps du solveur doit être > 0 s, reçu {self.time_limit}.",
                hint="Par exemple 60 secondes.",
            )


@dataclass(frozen=True, eq=False)
class CoverageSolution:
    """Result of a coverage model.

    Attributes
    ----------
    model
        ``"mclp"``, ``"lscp"`` or ``"p_median"``.
    status
        ``"OPTIMAL"`` (proven) or ``"FEASIBLE"`` (time limit reached first).
    selected
        Column indices of the chosen sites, ascending.
    objective
        Covered weight (MCLP), number of sites (LSCP) or weighted cost (p-median), integers.
    assignment
        Per demand row, the column of the nearest chosen reachable site (-1 when none).
    covered
        Per demand row, True when within the service limit (MCLP/LSCP; for p-median, True when
        any chosen site is reachable).
    """

    model: str
    status: str
    selected: tuple[int, ...]
    selected_ids: tuple[str, ...]
    objective: int
    assignment: np.ndarray
    covered: np.ndarray
    covered_weight: int
    total_weight: int
    wall_time: float
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def coverage_share(self) -> float:
        """Covered weight / total weight (0 when the total is 0)."""
        return self.covered_weight / self.total_weight if self.total_weight else 0.0

    def mean_cost(self, costs: Any, weights: Any) -> float:
        """Weighted mean cost of the assignment, evaluated on any cost matrix of the same shape.

        Lets a caller re-evaluate a solution found on integer costs against the original
        (for example floating-point) matrix.
        """
        c = np.asarray(costs, dtype=float)
        w = np.asarray(weights, dtype=float)
        rows = np.flatnonzero(self.assignment >= 0)
        if not rows.size or w[rows].sum() == 0:
            return float("nan")
        return float((w[rows] * c[rows, self.assignment[rows]]).sum() / w[rows].sum())

    def to_records(self, problem: CoverageProblem) -> list[dict[str, Any]]:
        """One plain dict per demand row: assigned site, cost, covered flag."""
        out = []
        for i, did in enumerate(problem.demand_ids):
            j = int(self.assignment[i])
            out.append(
                {
                    "demand_id": did,
                    "weight": int(problem.weights[i]),
                    "site_id": problem.site_ids[j] if j >= 0 else None,
                    "cost": int(problem.costs[i, j]) if j >= 0 else None,
                    "covered": bool(self.covered[i]),
                }
            )
        return out


def _check_limit(within: int) -> int:
    if not np.isfinite(within) or within <= 0:
        raise InvalidProblemError(
            f"Le seuil de couverture doit être strictement positif, reçu {within}.",
            hint="Donnez un temps en secondes (ex. 1200 pour 20 min) ou une distance en mètres.",
        )
    return int(within)


def _check_count(k: int, problem: CoverageProblem, name: str) -> int:
    if int(k) != k or k < 1:
        raise InvalidProblemError(
            f"Le nombre d'arrêts « {name} » doit être un entier >= 1, reçu {k}.",
            hint="Choisissez au moins un arrêt.",
        )
    if k > problem.n_sites:
        raise InvalidProblemError(
            f"On demande {k} arrêts mais il n'y a que {problem.n_sites} sites candidats.",
            hint=f"Choisissez au plus {problem.n_sites} arrêts ou ajoutez des candidats.",
        )
    return int(k)


def _new_solver(options: SolverOptions) -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver(options.backend)
    if solver is None:  # pragma: no cover - depends on the OR-Tools build
        raise InvalidProblemError(
            f"Le solveur {options.backend} n'est pas disponible dans cette version d'OR-Tools.",
            hint=f"Essayez l'un de {', '.join(BACKENDS)}.",
        )
    solver.SuppressOutput()
    solver.SetTimeLimit(int(options.time_limit * 1000))
    return solver


def _solve(solver: pywraplp.Solver, options: SolverOptions) -> str:
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    code = solver.Solve(params)
    if code == pywraplp.Solver.INFEASIBLE:
        raise InfeasibleError(
            "Le modèle de couverture n'a aucune solution.",
            hint="Augmentez le seuil ou le nombre d'arrêts, ou ajoutez des sites candidats.",
        )
    if code not in _STATUS:
        raise InfeasibleError(
            f"Aucune solution trouvée dans la limite de {options.time_limit} s (code {code}).",
            hint="Augmentez la limite de temps.",
        )
    return _STATUS[code]


def _chosen(y: list[pywraplp.Variable]) -> tuple[int, ...]:
    return tuple(j for j, v in enumerate(y) if v.solution_value() > 0.5)


def _assign(problem: CoverageProblem, selected: tuple[int, ...]) -> np.ndarray:
    """Nearest chosen reachable site per row (-1 if none)."""
    n = problem.n_demand
    if not selected:
        return np.full(n, -1, dtype=np.int64)
    cols = np.asarray(selected)
    sub = np.where(problem.reachable[:, cols], problem.costs[:, cols], np.iinfo(np.int64).max)
    best = sub.argmin(axis=1)
    ok = problem.reachable[np.arange(n), cols[best]]
    return np.where(ok, cols[best], -1).astype(np.int64)


def _result(
    problem: CoverageProblem,
    model: str,
    status: str,
    selected: tuple[int, ...],
    objective: int,
    covered: np.ndarray,
    started: float,
    params: dict[str, Any],
) -> CoverageSolution:
    assignment = _assign(problem, selected)
    covered = np.asarray(covered, dtype=bool)
    for arr in (assignment, covered):
        arr.setflags(write=False)
    return CoverageSolution(
        model=model,
        status=status,
        selected=selected,
        selected_ids=tuple(problem.site_ids[j] for j in selected),
        objective=int(objective),
        assignment=assignment,
        covered=covered,
        covered_weight=int(problem.weights[covered].sum()),
        total_weight=int(problem.weights.sum()),
        wall_time=time.perf_counter() - started,
        params=params,
    )


def maximal_covering(
    problem: CoverageProblem,
    *,
    k: int,
    within: int,
    already_covered: Any = None,
    options: SolverOptions | None = None,
) -> CoverageSolution:
    """Choose ``k`` sites covering the most weight within ``within`` (MCLP).

    ``already_covered`` (bool per row) marks demand served by fixed contact points: it is
    counted as covered and does not drive the choice.
    """
    started = time.perf_counter()
    options = options or SolverOptions()
    limit, k = _check_limit(within), _check_count(k, problem, "k")
    cover = problem.within(limit)
    pre = np.zeros(problem.n_demand, bool) if already_covered is None else already_covered
    pre = np.asarray(pre, dtype=bool)
    if pre.shape != (problem.n_demand,):
        raise InvalidProblemError(
            f"« already_covered » doit avoir {problem.n_demand} valeurs, reçu {pre.shape}.",
            hint="Un booléen par point de demande.",
        )
    solver = _new_solver(options)
    y = [solver.BoolVar(f"y{j}") for j in range(problem.n_sites)]
    solver.Add(solver.Sum(y) == k)
    terms = []
    for i in np.flatnonzero(~pre & (problem.weights > 0) & cover.any(axis=1)):
        z = solver.NumVar(0.0, 1.0, f"z{i}")  # integral at the optimum: y are binary
        solver.Add(z <= solver.Sum([y[j] for j in np.flatnonzero(cover[i])]))
        terms.append(int(problem.weights[i]) * z)
    solver.Maximize(solver.Sum(terms))
    status = _solve(solver, options)
    selected = _chosen(y)
    covered = pre | cover[:, list(selected)].any(axis=1)
    gained = int(problem.weights[covered & ~pre].sum())
    params = {"k": k, "within": limit, "unit": problem.unit}
    return _result(problem, "mclp", status, selected, gained, covered, started, params)


def set_covering(
    problem: CoverageProblem,
    *,
    within: int,
    targets: Any = None,
    options: SolverOptions | None = None,
) -> CoverageSolution:
    """Fewest sites so that every target row is within ``within`` of one (LSCP).

    ``targets`` (bool per row) defaults to every row. A target that no site can reach within
    the limit raises :class:`InfeasibleError` naming it.
    """
    started = time.perf_counter()
    options = options or SolverOptions()
    limit = _check_limit(within)
    cover = problem.within(limit)
    tgt = np.ones(problem.n_demand, bool) if targets is None else np.asarray(targets, bool)
    lonely = np.flatnonzero(tgt & ~cover.any(axis=1))
    if lonely.size:
        names = ", ".join(problem.demand_ids[i] for i in lonely[:5])
        raise InfeasibleError(
            f"{lonely.size} point(s) cible(s) hors de portée de tout site dans la limite "
            f"{limit} {problem.unit} : {names}.",
            hint="Augmentez le seuil, ajoutez un site candidat proche, ou retirez ces cibles.",
        )
    solver = _new_solver(options)
    y = [solver.BoolVar(f"y{j}") for j in range(problem.n_sites)]
    for i in np.flatnonzero(tgt):
        solver.Add(solver.Sum([y[j] for j in np.flatnonzero(cover[i])]) >= 1)
    solver.Minimize(solver.Sum(y))
    status = _solve(solver, options)
    selected = _chosen(y)
    covered = np.asarray(cover[:, list(selected)].any(axis=1))
    params = {"within": limit, "unit": problem.unit, "targets": int(tgt.sum())}
    return _result(problem, "lscp", status, selected, len(selected), covered, started, params)


def p_median(
    problem: CoverageProblem,
    *,
    p: int,
    options: SolverOptions | None = None,
) -> CoverageSolution:
    """Choose ``p`` sites minimising the weighted cost to the nearest chosen site.

    Every row with a positive weight must reach at least one candidate; otherwise
    :class:`InfeasibleError` names it.
    """
    started = time.perf_counter()
    options = options or SolverOptions()
    p = _check_count(p, problem, "p")
    rows = np.flatnonzero(problem.weights > 0)
    lonely = rows[~problem.reachable[rows].any(axis=1)]
    if lonely.size:
        names = ", ".join(problem.demand_ids[i] for i in lonely[:5])
        raise InfeasibleError(
            f"{lonely.size} point(s) de demande sans aucun site accessible : {names}.",
            hint="Ajoutez un site candidat accessible ou retirez ces points.",
        )
    solver = _new_solver(options)
    y = [solver.BoolVar(f"y{j}") for j in range(problem.n_sites)]
    solver.Add(solver.Sum(y) == p)
    objective = solver.Objective()
    for i in rows:
        cols = np.flatnonzero(problem.reachable[i])
        # Continuous assignment: with binary y, each row's cheapest open site is optimal.
        x = [solver.NumVar(0.0, 1.0, f"x{i}_{j}") for j in cols]
        solver.Add(solver.Sum(x) == 1)
        w = int(problem.weights[i])
        for xv, j in zip(x, cols, strict=True):
            solver.Add(xv <= y[j])
            objective.SetCoefficient(xv, float(w * int(problem.costs[i, j])))
    objective.SetMinimization()
    status = _solve(solver, options)
    selected = _chosen(y)
    assignment = _assign(problem, selected)
    served = rows[assignment[rows] >= 0]
    objective_value = int(
        (problem.weights[served] * problem.costs[served, assignment[served]]).sum()
    )
    covered = np.asarray(problem.reachable[:, list(selected)].any(axis=1))
    params = {"p": p, "unit": problem.unit}
    return _result(problem, "p_median", status, selected, objective_value, covered, started, params)
