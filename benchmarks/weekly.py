"""Weekly itinerary benchmark: every solver mode against the day-by-day greedy baseline.

Cases (start Monday 2 March 2026, a school-term month in zone A):

* ``demo-marches-de-bourgogne``, ``demo-creusot-montceau``: the embedded demo, 4 weeks, 2 vans;
* ``marches-35-hubs``: the Marches de Bourgogne demo planned by need (``method="need"``) where
  the 35 communes of largest need are fortnightly stops (70 of the 80 half-days of the 4
  weeks), the others one optional visit: a stress case for moving whole periodic patterns;
* with ``../shared`` present, three larger Marches de Bourgogne cases: ``marches-8-weeks``
  (8 weeks), ``marches-4-vans`` (4 vans, two per base) and ``marches-500-communes`` (the nearest
  EPCIs of the region added, by centroid distance to the head office, until 500 communes).

Every case but ``marches-35-hubs`` is built by ``territory_problem``'s default method
(``circuits``: regular hubs sized from the vans' capacity, then exploration visits).

Methods (``planner.itinerary.solver.SOLVERS``): ``greedy`` (the baseline), ``local``
(construction + ruin-and-recreate), ``pyvrp`` and ``ortools`` (construction, the generic routing
core with that solver, then ruin-and-recreate); ``default`` in a line marks ``DEFAULT_SOLVER``.

Prints one JSON line per case and method: ``{"case", "method", "need_served", "drive_h",
"objective", "bound", "gap_pct", "time_s", "iterations"}``, plus ``drive_ratio`` (method drive /
greedy drive), ``communes``, ``visits`` and ``periodic_planned`` (periodic stops planned / asked)
on the non-greedy lines. The bound is the valid bound of
:mod:`planner.itinerary.bound`.

Usage: ``python -m benchmarks.weekly [--time-limit S] [--seed 0] [--only CASE ...]
[--methods greedy local pyvrp ortools]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from benchmarks import SHARED
from geo_data.demo import demo_spec_path, load_demo_territory
from planner.itinerary.plan import Plan
from planner.itinerary.problem import Frequency, ItineraryProblem
from planner.itinerary.solver import DEFAULT_SOLVER, DEFAULT_TIME_LIMIT, SOLVERS, solve
from planner.territory import Territory
from planner.workflows.need import need_table
from planner.workflows.planning import territory_problem

START = dt.date(2026, 3, 2)
TARGET_COMMUNES = 500
#: fortnightly stops of the ``marches-35-hubs`` case
HUBS = 35
#: methods in print order (the baseline first)
METHODS = ("greedy", "local", "pyvrp", "ortools")


def _four_vans(territory):
    vans = []
    for van in territory.vans:
        vans.append(van)
        vans.append(dataclasses.replace(van, id=f"{van.id}-bis"))
    return dataclasses.replace(territory, vans=tuple(vans))


def _five_hundred(territory):
    """The Marches territory grown with the nearest EPCIs of the region to ~500 communes."""
    import geopandas as gpd
    import numpy as np

    from geo_data.loader import build_territory
    from geo_data.official import load_official
    from geo_data.spec import read_spec

    spec = read_spec(demo_spec_path("marches-de-bourgogne"))
    official = load_official(folder=SHARED / "geo_data")
    head = next(b for b in territory.bases if b.kind == "siege")
    members = official.epci  # one row per commune: epci, epci_name, epci_type
    chosen = list(spec.epci)
    count = int(members["epci"].isin(chosen).sum())
    centres = official.contours.to_crs("EPSG:2154").geometry.centroid
    centres = centres[centres.index.isin(members.index)]
    head_xy = (
        gpd.GeoSeries.from_xy([head.lon], [head.lat], crs="EPSG:4326").to_crs("EPSG:2154").iloc[0]
    )
    rows = []
    for code, group in members[members["epci_type"] == "CC"].groupby("epci"):
        if code in chosen:
            continue
        pts = centres[centres.index.isin(group.index)]
        if pts.empty:
            continue
        km = float(np.hypot(pts.x.mean() - head_xy.x, pts.y.mean() - head_xy.y)) / 1000
        rows.append((km, str(code), len(group)))
    for _, code, n in sorted(rows):
        if count >= TARGET_COMMUNES:
            break
        chosen.append(code)
        count += n
    grown = dataclasses.replace(spec, id="marches-500-communes", epci=tuple(chosen))
    return build_territory(grown, official)


def hub_rule(territory: Territory, count: int = HUBS) -> Callable[[Any], Frequency | None]:
    """Frequency rule: the ``count`` communes of largest need fortnightly, the others once."""
    scores = need_table(territory).frame["score"]
    hubs = set(scores.sort_values(ascending=False, kind="stable").index[:count])
    return lambda row: Frequency.FORTNIGHTLY if row.name in hubs else None


def case_options(name: str, territory: Territory) -> dict[str, Any]:
    """Options of ``territory_problem`` for case ``name`` (the hubs' frequency rule)."""
    if name != "marches-35-hubs":
        return {}
    return {"method": "need", "frequency_rule": hub_rule(territory)}


def cases(only: set[str] | None) -> list[tuple[str, Territory, int]]:
    """``(name, territory, weeks)`` of each case asked for (options: :func:`case_options`)."""
    out: list[tuple[str, Territory, int]] = []
    want = lambda name: only is None or name in only  # noqa: E731
    marches = load_demo_territory("marches-de-bourgogne")
    if want("demo-marches-de-bourgogne"):
        out.append(("demo-marches-de-bourgogne", marches, 4))
    if want("demo-creusot-montceau"):
        out.append(("demo-creusot-montceau", load_demo_territory("creusot-montceau"), 4))
    if want("marches-35-hubs"):
        out.append(("marches-35-hubs", marches, 4))
    if not SHARED.is_dir():
        print("../shared absent : cas étendus ignorés", file=sys.stderr)
        return out
    if want("marches-8-weeks"):
        out.append(("marches-8-weeks", marches, 8))
    if want("marches-4-vans"):
        out.append(("marches-4-vans", _four_vans(marches), 4))
    if want("marches-500-communes"):
        out.append(("marches-500-communes", _five_hundred(marches), 4))
    return out


def periodic_planned(problem: ItineraryProblem, plan: Plan) -> str:
    """``planned / periodic stops`` of ``plan`` (periodic: weekly, fortnightly, monthly)."""
    periodic = {
        c.id for c in problem.candidates if c.frequency is not None and c.frequency.period_weeks
    }
    planned = {v.stop_id for v in plan.visits} & periodic
    return f"{len(planned)}/{len(periodic)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--methods", nargs="*", choices=SOLVERS, default=list(METHODS))
    args = parser.parse_args()
    methods = [m for m in METHODS if m in args.methods]
    for name, territory, weeks in cases(set(args.only) if args.only else None):
        options = case_options(name, territory)
        problem = territory_problem(territory, start=START, weeks=weeks, **options)
        greedy = solve(problem, solver="greedy", time_limit=args.time_limit, seed=args.seed)
        for method in methods:
            plan = (
                greedy
                if method == "greedy"
                else solve(problem, solver=method, time_limit=args.time_limit, seed=args.seed)
            )
            line = {
                "case": name,
                "method": method,
                "need_served": plan.kpis["need_served"],
                "drive_h": plan.kpis["drive_h"],
                "objective": plan.solver.objective,
                "bound": plan.solver.bound,
                "gap_pct": round(plan.solver.gap_pct, 3),
                "time_s": round(plan.solver.time_s, 2),
                "iterations": plan.solver.iterations,
            }
            if method != "greedy":
                line["drive_ratio"] = round(
                    plan.kpis["drive_h"] / max(greedy.kpis["drive_h"], 1e-9), 3
                )
                line["communes"] = len(problem.candidates)
                line["visits"] = plan.kpis["visits"]
                line["periodic_planned"] = periodic_planned(problem, plan)
            if method == DEFAULT_SOLVER:
                line["default"] = True
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
