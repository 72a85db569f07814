"""Plan a territory: build its itinerary problem, solve it, re-check a plan document.

The default method, ``circuits``, makes regular circuits: hubs and their frequency sized from
the vans' capacity, valued by the need-weighted young within the access time, then exploration
(:mod:`planner.workflows.circuits`); ``need`` is the earlier method (a visit worth its
commune's need score), kept for comparison.

Travel times are the declared estimate unless a road ``network`` is given in the options. The
need table (the value of a visit) is computed once here unless the caller passes the one it
already has (``milo demo`` after coverage, the service's cache). A plan's ``overrides`` of the
manager's rules (:func:`~planner.workflows.rules.with_overrides`) are stored in its
``source`` so that re-checking and re-planning rebuild the same problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.coverage.need import NeedTable
from planner.errors import InvalidProblemError
from planner.itinerary.check import ValidationReport, validate_plan
from planner.itinerary.plan import Plan
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.solver import DEFAULT_SOLVER, DEFAULT_TIME_LIMIT, solve
from planner.matrix import TravelMatrix, path_geometry
from planner.rules import PlanningRules
from planner.territory import Territory
from planner.workflows.circuits import circuit_problem
from planner.workflows.expected import ExpectedTable, expected_table, with_expectation
from planner.workflows.explain import attach_explanations
from planner.workflows.itinerary_input import itinerary_problem
from planner.workflows.need import need_table
from planner.workflows.rules import with_overrides
from planner.workflows.territory_arrays import fixed_matrix

#: planning methods: ``circuits`` (regular hubs sized from capacity, then exploration; the
#: default) or ``need`` (the earlier method: one candidate per commune valued at its need score,
#: QPV weekly, large communes fortnightly, kept for comparison in ``benchmarks/reach.py``)
METHODS = ("circuits", "need")


def territory_problem(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    today: dt.date | None = None,
    need: NeedTable | None = None,
    method: str = "circuits",
    rules: PlanningRules | None = None,
    to_fixed: TravelMatrix | None = None,
    overrides: dict[str, Any] | None = None,
    expected: ExpectedTable | None = None,
    **options: Any,
) -> ItineraryProblem:
    """The itinerary problem of ``territory`` (options: see
    :func:`~planner.workflows.itinerary_input.itinerary_problem`) under the plan's rule
    ``overrides`` (:func:`~planner.workflows.rules.with_overrides`).

    ``need``: the territory's need table when the caller has it; otherwise computed with the
    same road ``network`` option (activity checked against the current date). ``today`` only
    lets the problem say that ``start`` is in the past. ``method``: see :data:`METHODS`;
    ``rules``: the manager's rules (default: the territory's spec rules); ``to_fixed``: the
    communes -> fixed contact points matrix when the caller has it; ``expected``: the
    territory's learned repérés when the caller has them (the circuits' history values).
    """
    if method not in METHODS:
        raise InvalidProblemError(
            f"Méthode de planification {method!r} inconnue (attendu {', '.join(METHODS)}).",
            hint="circuits (arrêts réguliers puis exploration) par défaut.",
        )
    territory = with_overrides(territory, overrides)
    network = options.get("network")
    if method == "circuits" and to_fixed is None:
        to_fixed = fixed_matrix(territory, network=network)
    if need is None:
        need = need_table(territory, to_fixed, network=network)
    problem = itinerary_problem(territory, need, start=start, weeks=weeks, today=today, **options)
    if method == "need":
        return problem
    problem, _ = circuit_problem(
        problem, territory, need, rules=rules, network=network, to_fixed=to_fixed, expected=expected
    )
    return problem


def plan_territory(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    solver: str = DEFAULT_SOLVER,
    spec: str = "",
    today: dt.date | None = None,
    need: NeedTable | None = None,
    overrides: dict[str, Any] | None = None,
    **options: Any,
) -> Plan:
    """Plan ``weeks`` weeks of ``territory`` from ``start`` (``overrides``: see
    :func:`territory_problem`).

    ``spec`` (a spec path or a demo slug) is stored in ``plan.json`` so that ``milo validate``
    can rebuild the problem; ``today`` (default: the real date) lets the plan say that a start
    date is in the past.
    """
    # what the problem, the expectation and the explanations share, computed once
    territory = with_overrides(territory, overrides)
    network = options.get("network")
    to_fixed = fixed_matrix(territory, network=network)
    if need is None:
        need = need_table(territory, to_fixed, network=network)
    expected = expected_table(territory)
    problem = territory_problem(
        territory,
        start=start,
        weeks=weeks,
        today=today or dt.date.today(),
        need=need,
        to_fixed=to_fixed,
        expected=expected,
        **options,
    )
    source = plan_source(spec or territory.id, start, weeks, overrides)
    if options.get("method", "circuits") != "circuits":
        source["method"] = options["method"]
    source["data_sources"] = list(territory.sources)
    plan = solve(problem, solver=solver, time_limit=time_limit, seed=seed, source=source)
    plan = with_expectation(expected, plan)
    return attach_explanations(
        territory, problem, plan, need=need, network=network, to_fixed=to_fixed
    )


def plan_source(
    spec: str, start: dt.date, weeks: int, overrides: dict[str, Any] | None
) -> dict[str, Any]:
    """What ``plan.json`` records to rebuild its problem (``overrides`` only when given)."""
    source: dict[str, Any] = {"spec": spec, "start": start.isoformat(), "weeks": weeks}
    if overrides:
        source["overrides"] = overrides
    return source


def route_geometries(plan: Plan, network: Any) -> list[list[list[float]]]:
    """For each van day of ``plan``: the lon/lat line base -> stops -> base along the roads."""
    where = {v.stop_id: (v.lon, v.lat) for v in plan.visits}
    lines = []
    for day in plan.days:
        base = plan.van_bases[day.van]
        points = [base, *(where[s] for s in day.stops), base]
        line: list[list[float]] = []
        for a, b in zip(points, points[1:], strict=False):
            part = path_geometry(a, b, network=network).lonlat.tolist()
            line += part if not line else part[1:]
        lines.append(line)
    return lines


def check_plan_document(document: dict[str, Any], territory: Territory) -> ValidationReport:
    """Re-check a ``plan.json`` document against the problem rebuilt from ``territory`` and the
    plan's horizon and rule overrides (independent of the solver)."""
    problem = territory_problem(
        territory,
        start=dt.date.fromisoformat(document["start"]),
        weeks=int(document["weeks"]),
        overrides=(document.get("source") or {}).get("overrides"),
        method=(document.get("source") or {}).get("method", "circuits"),
    )
    return validate_plan(problem, document)
