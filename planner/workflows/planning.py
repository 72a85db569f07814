"""Plan a territory: build its itinerary problem, solve it, re-check a plan document.

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
from planner.itinerary.check import ValidationReport, validate_plan
from planner.itinerary.plan import Plan
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.solver import DEFAULT_SOLVER, solve
from planner.matrix import path_geometry
from planner.territory import Territory
from planner.workflows.itinerary_input import itinerary_problem
from planner.workflows.need import need_table
from planner.workflows.rules import with_overrides


def territory_problem(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    today: dt.date | None = None,
    need: NeedTable | None = None,
    overrides: dict[str, Any] | None = None,
    **options: Any,
) -> ItineraryProblem:
    """The itinerary problem of ``territory`` (options: see
    :func:`~planner.workflows.itinerary_input.itinerary_problem`) under the plan's rule
    ``overrides`` (:func:`~planner.workflows.rules.with_overrides`).

    ``need``: the territory's need table when the caller has it; otherwise computed with the
    same road ``network`` option (activity checked against the current date). ``today`` only
    lets the problem say that ``start`` is in the past.
    """
    territory = with_overrides(territory, overrides)
    if need is None:
        need = need_table(territory, network=options.get("network"))
    return itinerary_problem(territory, need, start=start, weeks=weeks, today=today, **options)


def plan_territory(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    time_limit: float = 60.0,
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
    problem = territory_problem(
        territory,
        start=start,
        weeks=weeks,
        today=today or dt.date.today(),
        need=need,
        overrides=overrides,
        **options,
    )
    source = plan_source(spec or territory.id, start, weeks, overrides)
    return solve(problem, solver=solver, time_limit=time_limit, seed=seed, source=source)


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
    )
    return validate_plan(problem, document)
