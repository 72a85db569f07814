"""Plan a territory: build its itinerary problem, solve it, re-check a plan document.

Travel times are the declared estimate unless a road ``network`` is given in the options. The
need table (the value of a visit) is computed once here unless the caller passes the one it
already has (``milo demo`` after coverage, the service's cache).
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
from planner.workflows.explain import attach_explanations
from planner.workflows.itinerary_input import itinerary_problem
from planner.workflows.need import need_table


def territory_problem(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    today: dt.date | None = None,
    need: NeedTable | None = None,
    **options: Any,
) -> ItineraryProblem:
    """The itinerary problem of ``territory`` (options: see
    :func:`~planner.workflows.itinerary_input.itinerary_problem`).

    ``need``: the territory's need table when the caller has it; otherwise computed with the
    same road ``network`` option (activity checked against the current date). ``today`` only
    lets the problem say that ``start`` is in the past.
    """
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
    **options: Any,
) -> Plan:
    """Plan ``weeks`` weeks of ``territory`` from ``start``.

    ``spec`` (a spec path or a demo slug) is stored in ``plan.json`` so that ``milo validate``
    can rebuild the problem; ``today`` (default: the real date) lets the plan say that a start
    date is in the past.
    """
    problem = territory_problem(
        territory, start=start, weeks=weeks, today=today or dt.date.today(), need=need, **options
    )
    source = {"spec": spec or territory.id, "start": start.isoformat(), "weeks": weeks}
    plan = solve(problem, solver=solver, time_limit=time_limit, seed=seed, source=source)
    return attach_explanations(territory, problem, plan, need=need, network=options.get("network"))


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
    plan's horizon (independent of the solver)."""
    problem = territory_problem(
        territory,
        start=dt.date.fromisoformat(document["start"]),
        weeks=int(document["weeks"]),
    )
    return validate_plan(problem, document)
