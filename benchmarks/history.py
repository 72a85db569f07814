"""Does the plan learn where young people were found? A small village with a strong history
against a larger commune with none (issue #11, item 5).

Case: the Marches de Bourgogne demo, 4 weeks from Monday 7 September 2026, its 2 vans. For each
pair (``--pairs``, default 3): a *village* of 8 to 20 estimated 16-25 and a *town* of 60 or more,
both outside the 15 min of every fixed contact point, more than 25 min apart, neither with any
session in the demo's history. The village then gets a strong record: ``SESSIONS`` van sessions
in the last school year with ``REPERES`` repérés each (the demo's mean is about 0.5); the town
keeps none. Both territories (history as is, history with the record) are planned with regular
circuits (:mod:`planner.workflows.circuits`) twice, side by side in one run:

* ``learned``: the default, expected repérés learned from the history move the values;
* ``population``: ``history_weight = 0``, the population-only values.

Prints one JSON line per pair and method: visits of the village and of the town, their
frequencies and values of one visit, the plan's expected repérés; then a French summary: the
village receives more visits than the town with the learned values (goal), and the ratio of
the village's visits learned / population-only. The history is the synthetic demo one
(« données fictives ») plus the planted record: the benchmark shows the mechanism, not a field
result.

Usage: ``python -m benchmarks.history [--pairs 3] [--time-limit 10] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pandas as pd

from geo_data.demo import load_demo_territory
from planner.itinerary.solver import solve
from planner.matrix import travel_matrix
from planner.taxonomy import Approach
from planner.territory import ACTIVITY_COLUMNS, Territory
from planner.workflows.circuits import HISTORY_WEIGHT, circuit_problem
from planner.workflows.expected import expected_table, plan_expectation
from planner.workflows.need import need_table
from planner.workflows.planning import territory_problem
from planner.workflows.territory_arrays import commune_points, fixed_matrix

START = dt.date(2026, 9, 7)
TODAY = dt.date(2026, 8, 31)
SESSIONS = 10
REPERES = 5
CONTACTS = 8
VILLAGE_YOUNG = (8.0, 20.0)
TOWN_YOUNG = 60.0
APART_S = 25 * 60


def pairs(territory: Territory, n: int) -> list[tuple[str, str]]:
    """``n`` (village, town) pairs as described in the module docstring, largest towns first."""
    to_fixed = fixed_matrix(territory)
    covered = (to_fixed.reachable & (to_fixed.durations <= 900)).any(axis=1)
    communes = territory.communes.assign(_covered=covered)
    seen = set(territory.activity["commune"].astype(str))
    free = communes[~communes["_covered"] & ~communes.index.astype(str).isin(seen)]
    villages = free[free["young"].between(*VILLAGE_YOUNG)].sort_values("young")
    towns = free[free["young"] >= TOWN_YOUNG].sort_values("young", ascending=False)
    codes = [str(c) for c in territory.communes.index]
    pts = commune_points(territory)
    between = travel_matrix(pts, pts).durations
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for town in map(str, towns.index):
        for village in map(str, villages.index):
            if village in used:
                continue
            if between[codes.index(village), codes.index(town)] > APART_S:
                out.append((village, town))
                used.add(village)
                break
        if len(out) == n:
            break
    return out


def with_record(territory: Territory, village: str) -> Territory:
    """``territory`` with ``SESSIONS`` strong van sessions in ``village`` last school year."""
    months = [dt.date(2025, m, 15) for m in (9, 10, 11, 12)] + [
        dt.date(2026, m, 15) for m in (1, 2, 3, 4, 5, 6)
    ]
    days = [months[i % len(months)] for i in range(SESSIONS)]
    rows = pd.DataFrame(
        {
            "period_start": days,
            "period_end": days,
            "place_id": [f"record-{village}"] * SESSIONS,
            "commune": [village] * SESSIONS,
            "approach": [Approach.VEHICULE_ITINERANT.value] * SESSIONS,
            "sessions": [1] * SESSIONS,
            "contacts": [CONTACTS] * SESSIONS,
            "reperes": [REPERES] * SESSIONS,
            "mobilises": [2] * SESSIONS,
        },
        columns=list(ACTIVITY_COLUMNS),
    )
    activity = pd.concat([territory.activity, rows], ignore_index=True)
    return replace(territory, activity=activity)


def measure(
    territory: Territory, village: str, town: str, method: str, *, time_limit: float, seed: int
) -> dict[str, Any]:
    """Plan ``territory`` with ``method`` and report the village's and the town's visits."""
    need = need_table(territory, today=TODAY)
    base = territory_problem(territory, start=START, weeks=4, need=need, method="need", today=TODAY)
    weight = HISTORY_WEIGHT if method == "learned" else 0.0
    table = expected_table(territory, today=TODAY)
    problem, _ = circuit_problem(base, territory, need, expected=table, history_weight=weight)
    plan = solve(problem, time_limit=time_limit, seed=seed)
    by_id = {c.id: c for c in problem.candidates}
    visits = {code: sum(v.commune == code for v in plan.visits) for code in (village, town)}
    names = territory.communes["name"]
    young = territory.communes["young"]

    def side(code: str) -> dict[str, Any]:
        cand = by_id.get(code)
        freq = None if cand is None or cand.frequency is None else cand.frequency.value
        return {
            "code": code,
            "name": str(names[code]),
            "young": round(float(young[code]), 1),
            "visits": visits[code],
            "frequency": freq,
            "value_per_visit": None if cand is None else cand.need,
            "expected_reperes_per_session": round(table.per_session(code, START.month)[0], 3),
        }

    expectation = plan_expectation(table, plan)
    return {
        "method": method,
        "village": side(village),
        "town": side(town),
        "plan_expected_reperes": round(expectation.reperes, 2),
        "label": expectation.label,
    }


def summary(lines: list[dict[str, Any]]) -> str:
    """The French summary: village vs town visits per pair and method, and the goal."""
    out = [
        f"{'village (jeunes)':<34}{'ville (jeunes)':<34}{'méthode':<12}{'séances village':>16}"
        f"{'séances ville':>14}"
    ]
    ok = []
    by_pair: dict[str, dict[str, dict[str, Any]]] = {}
    for x in lines:
        v, t = x["village"], x["town"]
        village = f"{v['name']} ({v['young']})"
        town = f"{t['name']} ({t['young']})"
        out.append(f"{village:<34}{town:<34}{x['method']:<12}{v['visits']:>16}{t['visits']:>14}")
        by_pair.setdefault(v["code"], {})[x["method"]] = x
        if x["method"] == "learned":
            ok.append(v["visits"] > t["visits"])
    ratios = []
    for methods in by_pair.values():
        if {"learned", "population"} <= set(methods):
            pop = methods["population"]["village"]["visits"]
            got = methods["learned"]["village"]["visits"]
            ratios.append(f"{got}/{pop}")
    out.append(
        f"Objectif : le village au fort historique reçoit plus de séances que la ville sans "
        f"historique (valeurs apprises) : {sum(ok)}/{len(ok)} paires "
        f"[{'OK' if ok and all(ok) else 'ÉCHEC'}]."
    )
    out.append(f"Séances du village, apprises / population seule : {', '.join(ratios)}.")
    if lines:
        out.append(
            f"Historique : {lines[0]['label']} de la démo, plus {SESSIONS} séances de "
            f"{REPERES} repérés plantées au village."
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    territory = load_demo_territory("marches-de-bourgogne")
    lines = []
    for village, town in pairs(territory, args.pairs):
        recorded = with_record(territory, village)
        for method in ("population", "learned"):
            line = measure(
                recorded, village, town, method, time_limit=args.time_limit, seed=args.seed
            )
            print(json.dumps(line, ensure_ascii=False), flush=True)
            lines.append(line)
    print(summary(lines), flush=True)
    if not lines:
        print("Aucune paire village / ville trouvée.", flush=True)


if __name__ == "__main__":
    main()
