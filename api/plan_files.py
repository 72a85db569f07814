"""Itinerary plans at the edge: plan a Territory, write and validate plan files.

``planner.itinerary`` stays pure; this module is the only one that touches files for plans.
The CLI (``milo plan``, ``milo validate``, ``milo demo``) calls these functions.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from planner.errors import DataSourceError
from planner.itinerary.export import plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.solver import DEFAULT_SOLVER, solve
from planner.matrix import path_geometry
from planner.validate import ValidationReport, validate_plan

PLAN_FILES = ("plan.json", "plan.csv", "plan.ics", "plan.gpx")


def territory_problem(
    territory: Any, *, start: dt.date, weeks: int, today: dt.date | None = None, **options: Any
) -> ItineraryProblem:
    """The itinerary problem of ``territory`` (travel times: declared estimate)."""
    return ItineraryProblem.from_territory(
        territory, start=start, weeks=weeks, today=today, **options
    )


def plan_territory(
    territory: Any,
    *,
    start: dt.date,
    weeks: int,
    time_limit: float = 60.0,
    seed: int = 0,
    solver: str = DEFAULT_SOLVER,
    spec: str = "",
    today: dt.date | None = None,
    **options: Any,
) -> Plan:
    """Plan ``weeks`` weeks of ``territory`` from ``start``.

    ``spec`` (a spec path or a demo slug) is stored in ``plan.json`` so that ``milo validate``
    can rebuild the problem; ``today`` (default: the real date) lets the plan say that a start
    date is in the past.
    """
    problem = territory_problem(
        territory, start=start, weeks=weeks, today=today or dt.date.today(), **options
    )
    source = {"spec": spec or territory.id, "start": start.isoformat(), "weeks": weeks}
    return solve(problem, solver=solver, time_limit=time_limit, seed=seed, source=source)


def route_geometries(plan: Plan, network: Any) -> list[list[list[float]]]:
    """For each van day of ``plan``: the lon/lat line base -> stops -> base along the roads."""
    where = {v.stop_id: (v.lon, v.lat) for v in plan.visits}
    lines = []
    for day in plan.to_json()["days"]:
        base = plan.van_bases[day["van"]]
        points = [base, *(where[s] for s in day["stops"]), base]
        line: list[list[float]] = []
        for a, b in zip(points, points[1:], strict=False):
            part = path_geometry(a, b, network=network).lonlat.tolist()
            line += part if not line else part[1:]
        lines.append(line)
    return lines


def write_plan_files(plan: Plan, out_dir: Path, *, network: Any = None) -> list[Path]:
    """Write plan.json, plan.csv, plan.ics and plan.gpx into ``out_dir``; return their paths.

    With a road ``network``, each day of plan.json carries its route ``geometry`` (lon/lat
    list) for the maps; without one, maps draw dashed straight lines marked "trajet estimé".
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in PLAN_FILES]
    doc = plan.to_json()
    if network is not None:
        for day, line in zip(doc["days"], route_geometries(plan, network), strict=True):
            day["geometry"] = line
    paths[0].write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(plan_to_csv(plan), encoding="utf-8")
    paths[2].write_bytes(plan_to_ics(plan))
    paths[3].write_text(plan_to_gpx(plan), encoding="utf-8")
    return paths


def read_plan(path: Path) -> dict[str, Any]:
    """The ``plan.json`` document at ``path``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataSourceError(
            f"Plan {path} illisible ({exc.__class__.__name__}).",
            hint="Donnez le fichier plan.json écrit par « milo plan ».",
        ) from None


def validate_plan_file(path: Path, territory: Any) -> ValidationReport:
    """Re-check ``path`` against the problem rebuilt from ``territory`` and the plan's horizon.

    The caller opens the territory named in ``plan.json`` (``source.spec``).
    """
    doc = read_plan(path)
    problem = territory_problem(
        territory,
        start=dt.date.fromisoformat(doc["start"]),
        weeks=int(doc["weeks"]),
    )
    return validate_plan(problem, doc)
