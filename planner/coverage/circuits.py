"""Regular circuits: which stops become regular (hubs), how often, from the vans' capacity.

A mixed-integer program (OR-Tools ``pywraplp``, SCIP, as :mod:`.choice`) over candidate stops
``j`` and communes ``i``. Each candidate gets at most one frequency ``f`` (``weekly``,
``fortnightly``, ``monthly``), costing ``sessions[f]`` half-day sessions of the horizon; the
sessions of all hubs fit the ``budget`` (the horizon's van half-days minus the exploration share
and the pinned sessions).

Value (maximised), in need-weighted young people (``demand[i]`` = estimated 16-25 of commune
``i`` x its need score / 100, so that a town of 3,000 counts as such)::

    sum_i demand[i] * (u[i] + SECOND_WEIGHT * s[i] + MONTHLY_WEIGHT * m[i])
    + sum_j,f x[j,f] * sessions[f] * (bonus[j] - DRIVE_WEIGHT * drive_h[j])

``u[i]`` (0-1) is a first *regular* presence within the access time (a weekly or fortnightly hub,
or a fixed contact point), ``s[i]`` a second one (a weekly hub counts twice: diminishing
returns, so a second presence where one exists is worth ``SECOND_WEIGHT`` of a first), ``m[i]``
a monthly-only presence (``MONTHLY_WEIGHT``; ``u[i] + m[i] <= 1``). ``bonus[j]`` is a value per
session the caller adds (the expected repérés the history promises, in demand units);
``drive_h[j]`` the hours one session costs in driving (a one-way trip from the nearest base,
since a van day shares its round trip between two stops).

Weights and their grounds:

* ``SECOND_WEIGHT = 0.25``: a second regular presence mostly serves the same young people; some
  come more easily to the second place (another weekday, a closer village).
* ``MONTHLY_WEIGHT = 0.4``: a monthly stop is announced and recurring, but a four-week gap is too
  long for the second contact that re-engages (the field report): it counts less than half.
* ``DRIVE_WEIGHT = 20``: one hour of driving per session costs as much as reaching twenty
  need-weighted young people regularly. Measured on the Marches de Bourgogne demo (4 weeks, 2
  vans, the engine at its default settings): 10 gives 99.3 % regular reach for 0.57 h of
  driving per session, 20 gives 98.5 % for 0.49 h, 30 gives 97.0 % for 0.47 h.
* ``FILL_SLACK = 2``: hubs use their whole budget (up to two sessions), so that driving only
  decides *which* hubs, not whether the regular circuit exists; exploration keeps its share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from planner.errors import InvalidProblemError

HUB_FREQUENCIES = ("weekly", "fortnightly", "monthly")
SECOND_WEIGHT = 0.25
MONTHLY_WEIGHT = 0.4
DRIVE_WEIGHT = 20.0
#: the hubs use the whole budget but this many sessions (the rest goes to exploration)
FILL_SLACK = 2
#: relative MIP gap accepted (the value is an estimate; 0.1 % is far below its precision)
MIP_GAP = 1e-3
_STATUS = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE"}


def sessions_per_frequency(weeks: int) -> dict[str, int]:
    """Sessions a hub of each frequency takes over ``weeks`` weeks (at least one)."""
    if weeks <= 0:
        raise InvalidProblemError(
            f"Horizon de {weeks} semaine(s) invalide pour les circuits réguliers.",
            hint="Planifiez au moins une semaine.",
        )
    return {
        "weekly": weeks,
        "fortnightly": math.ceil(weeks / 2),
        "monthly": math.ceil(weeks / 4),
    }


@dataclass(frozen=True, eq=False)
class CircuitInputs:
    """The arrays of the circuit choice (rows: communes; columns: candidate stops).

    Parameters
    ----------
    access
        ``(n_communes, n_candidates)`` bool: commune ``i`` lies within the access time of
        candidate ``j``'s place.
    demand
        Need-weighted young of each commune (>= 0).
    fixed
        Communes within the access time of a fixed contact point (a regular presence already).
    drive_h
        Driving hours one session of each candidate costs (>= 0).
    allowed
        Per candidate, the hub frequencies it may get (empty: never a hub).
    sessions
        Sessions each hub frequency takes over the horizon.
    budget
        Sessions available to hubs (forced hubs included).
    bonus
        Extra value per session of each candidate (default 0).
    forced
        Candidate index -> frequency it must get (pinned stops, forced frequencies).
    """

    access: np.ndarray
    demand: np.ndarray
    fixed: np.ndarray
    drive_h: np.ndarray
    allowed: Sequence[tuple[str, ...]]
    sessions: Mapping[str, int]
    budget: int
    bonus: np.ndarray | None = None
    forced: Mapping[int, str] | None = None

    def __post_init__(self) -> None:
        access = np.asarray(self.access, dtype=bool)
        object.__setattr__(self, "access", access)
        if access.ndim != 2:
            raise InvalidProblemError(
                f"Matrice d'accès communes x arrêts attendue, reçu {access.shape}.",
                hint="Une ligne par commune, une colonne par arrêt candidat.",
            )
        n, m = access.shape
        for what, arr, size in (
            ("demande", self.demand, n),
            ("couverture fixe", self.fixed, n),
            ("conduite par séance", self.drive_h, m),
            ("bonus par séance", self.bonus if self.bonus is not None else np.zeros(m), m),
        ):
            if np.asarray(arr).shape != (size,):
                raise InvalidProblemError(
                    f"Circuits : {what} de forme {np.asarray(arr).shape}, attendu ({size},).",
                    hint="Un nombre par commune (demande, couverture) ou par arrêt (conduite).",
                )
        demand = np.asarray(self.demand, dtype=float)
        if (~np.isfinite(demand)).any() or (demand < 0).any():
            raise InvalidProblemError(
                "Circuits : demande négative ou manquante.",
                hint="Jeunes estimés x score de besoin / 100, positifs ou nuls.",
            )
        if len(self.allowed) != m:
            raise InvalidProblemError(
                f"Circuits : {len(self.allowed)} listes de fréquences pour {m} arrêts.",
                hint="Une liste (éventuellement vide) par arrêt candidat.",
            )
        unknown = {f for fs in self.allowed for f in fs} - set(HUB_FREQUENCIES)
        unknown |= set((self.forced or {}).values()) - set(HUB_FREQUENCIES)
        if unknown:
            raise InvalidProblemError(
                f"Circuits : fréquence(s) {', '.join(sorted(unknown))} inconnue(s) "
                f"(attendu {', '.join(HUB_FREQUENCIES)}).",
                hint="Les arrêts réguliers sont hebdomadaires, bimensuels ou mensuels.",
            )
        if self.budget < 0:
            raise InvalidProblemError(
                f"Circuits : budget de {self.budget} séances négatif.",
                hint="Le budget est le nombre de demi-journées des véhicules sur l'horizon.",
            )


@dataclass(frozen=True)
class CircuitChoice:
    """The hubs chosen: frequency per candidate (None: not a hub) and what they reach."""

    frequency: tuple[str | None, ...]
    #: demand value each hub brings (its share of the communes it covers), per candidate
    hub_value: np.ndarray
    #: per commune: 0 none, 1 monthly only, 2 one regular presence, 3 two or more
    level: np.ndarray
    sessions_used: int
    budget: int
    objective: float
    status: str
    time_s: float

    @property
    def hubs(self) -> list[int]:
        return [j for j, f in enumerate(self.frequency) if f is not None]


def choose_circuits(inputs: CircuitInputs, *, time_limit: float = 20.0) -> CircuitChoice:
    """Solve the circuit MIP (see the module docstring); forced hubs are always chosen."""
    access = inputs.access
    n, m = access.shape
    demand = np.asarray(inputs.demand, dtype=float)
    fixed = np.asarray(inputs.fixed, dtype=bool)
    bonus = np.zeros(m) if inputs.bonus is None else np.asarray(inputs.bonus, dtype=float)
    drive = np.asarray(inputs.drive_h, dtype=float)
    forced = dict(inputs.forced or {})
    sessions = inputs.sessions
    forced_sessions = sum(sessions[f] for f in forced.values())
    if forced_sessions > inputs.budget:
        raise InvalidProblemError(
            f"Les arrêts imposés demandent {forced_sessions} séances pour {inputs.budget} "
            "disponibles sur l'horizon.",
            hint="Réduisez les fréquences imposées ou les épingles, ou ajoutez des semaines.",
        )
    solver = pywraplp.Solver.CreateSolver("SCIP")
    solver.SetTimeLimit(int(time_limit * 1000))
    x: dict[tuple[int, str], pywraplp.Variable] = {}
    for j in range(m):
        options = (forced[j],) if j in forced else inputs.allowed[j]
        for f in options:
            x[j, f] = solver.BoolVar(f"x_{j}_{f}")
        if j in forced:
            solver.Add(x[j, forced[j]] == 1)
        elif len(options) > 1:
            solver.Add(sum(x[j, f] for f in options) <= 1)
    used = sum(sessions[f] * var for (_, f), var in x.items())
    solver.Add(used <= inputs.budget)
    most = sum(
        max((sessions[f] for f in ((forced[j],) if j in forced else inputs.allowed[j])), default=0)
        for j in range(m)
    )
    solver.Add(used >= min(inputs.budget, most) - FILL_SLACK)
    by_col: dict[int, list[tuple[str, pywraplp.Variable]]] = {}
    for (j, f), var in x.items():
        by_col.setdefault(j, []).append((f, var))
    objective = solver.Objective()
    for (j, f), var in x.items():
        objective.SetCoefficient(var, sessions[f] * (bonus[j] - DRIVE_WEIGHT * drive[j]))
    for i in range(n):
        cols = [int(j) for j in np.flatnonzero(access[i])]
        regular = [
            (2 if f == "weekly" else 1, v)
            for j in cols
            for f, v in by_col.get(j, [])
            if f != "monthly"
        ]
        monthly = [v for j in cols for f, v in by_col.get(j, []) if f == "monthly"]
        base = 1 if fixed[i] else 0
        if demand[i] <= 0 or (not regular and not monthly and not base):
            continue
        u = solver.NumVar(0, 1, f"u_{i}")
        s = solver.NumVar(0, 1, f"s_{i}")
        solver.Add(u <= base + sum(w * v for w, v in regular))
        solver.Add(u + s <= base + sum(w * v for w, v in regular))
        objective.SetCoefficient(u, demand[i])
        objective.SetCoefficient(s, SECOND_WEIGHT * demand[i])
        if monthly:
            mo = solver.NumVar(0, 1, f"m_{i}")
            solver.Add(mo <= sum(monthly))
            solver.Add(u + mo <= 1)
            objective.SetCoefficient(mo, MONTHLY_WEIGHT * demand[i])
    objective.SetMaximization()
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, MIP_GAP)
    status = solver.Solve(params)
    if status not in _STATUS:
        raise InvalidProblemError(
            "Le choix des arrêts réguliers n'a pas trouvé de solution.",
            hint="Vérifiez les arrêts imposés et le nombre de séances disponibles.",
        )
    frequency: list[str | None] = [None] * m
    for (j, f), var in x.items():
        if var.solution_value() > 0.5:
            frequency[j] = f
    level, hub_value = _levels(inputs, frequency)
    used = sum(sessions[f] for f in frequency if f is not None)
    return CircuitChoice(
        frequency=tuple(frequency),
        hub_value=hub_value,
        level=level,
        sessions_used=used,
        budget=inputs.budget,
        objective=float(solver.Objective().Value()),
        status=_STATUS[status],
        time_s=solver.wall_time() / 1000,
    )


def _levels(
    inputs: CircuitInputs, frequency: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Per commune its presence level; per hub its share of the value of the communes it
    covers (a commune's value split evenly among the hubs that reach it)."""
    access = inputs.access
    demand = np.asarray(inputs.demand, dtype=float)
    weight = np.array([2 if f == "weekly" else 1 if f == "fortnightly" else 0 for f in frequency])
    monthly = np.array([f == "monthly" for f in frequency])
    regular_count = access.astype(int) @ weight + np.asarray(inputs.fixed, dtype=int)
    monthly_count = access.astype(int) @ monthly.astype(int)
    level = np.where(
        regular_count >= 2, 3, np.where(regular_count == 1, 2, np.where(monthly_count > 0, 1, 0))
    )
    value_i = np.where(
        regular_count >= 1,
        demand * (1 + SECOND_WEIGHT * (regular_count >= 2)),
        np.where(monthly_count > 0, MONTHLY_WEIGHT * demand, 0.0),
    )
    contributors = access.astype(float) * (weight + monthly)[None, :]
    total = contributors.sum(axis=1) + np.asarray(inputs.fixed, dtype=float)
    share = np.divide(value_i, total, out=np.zeros_like(value_i), where=total > 0)
    hub_value = contributors.T @ share
    return level, hub_value


def marginal_value(inputs: CircuitInputs, choice: CircuitChoice) -> np.ndarray:
    """Value of one more (single) visit of each candidate given the hubs and fixed points: the
    demand of the communes it reaches, at ``SECOND_WEIGHT`` where a regular presence exists."""
    demand = np.asarray(inputs.demand, dtype=float)
    weight = np.where(choice.level >= 2, SECOND_WEIGHT, 1.0)
    return inputs.access.astype(float).T @ (demand * weight)
