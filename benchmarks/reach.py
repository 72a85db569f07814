"""Reach benchmark: do the plans follow where young people are? (the measurement of issue #11).

Cases (start Monday 7 September 2026, the rentrée, so that runs are comparable):

* ``demo`` group: ``demo-marches-de-bourgogne`` and ``demo-creusot-montceau``, the embedded
  demo, 4 weeks, their 2 vans;
* ``weekly`` group: the larger cases of ``benchmarks/weekly.py`` (``marches-8-weeks``,
  ``marches-4-vans``, ``marches-500-communes``; they need ``../shared``);
* ``approaches`` group (issue #13, needs ``../shared``), from Monday 4 January 2027, 4 weeks:
  ``approches-creusot-montceau`` is ``geo_data/demo/specs/creusot-montceau-approches.toml``
  (one van and one team of two sharing a conseillère, three partner pins at France Services,
  a forum, two maraude places in the QPV Rives du Plessis and one maraude candidate per other
  QPV); ``approches-van-seul`` is its baseline as the planner knew it before: the team is a
  second van making commune stops (the same people: conseillère A is on one of the two each
day), no partner session, maraude or event.
  Each line carries the expected repérés and contacts per approach (``by_approach``) and the
  summary gives the ratio of the two cases' expected contacts.

Methods (:data:`METHODS`, one entry per planning method of
:func:`planner.workflows.planning.plan_territory`, only the time limit and the seed set here):
``need``, the method before regular circuits (one candidate per commune valued at its need
score, QPV weekly, large communes fortnightly, the rest one optional visit), and ``circuits``,
the default (regular hubs sized from capacity, then exploration, :mod:`planner.workflows.
circuits`).

Measured by :func:`planner.workflows.reach.territory_plan_reach` (see
:mod:`planner.itinerary.reach`): the share of the estimated 16-25 within 15 min (declared
estimate) of a regular presence (a stop visited at least every 2 weeks on average, or a base /
fixed contact point) and of any presence, the communes of 150+ young people without a regular
presence, driving hours and driving per visit, and the expected repérés (the estimate used and
the history's label, « données fictives » on the demo, are in every line).

Prints one JSON line per case and method on stdout, then a summary table and the issue's goals
on the Marches de Bourgogne demo (regular reach >= 85 %, driving per visit <= 0.56 h, every
commune of 150+ young people within 15 min of a regular presence), pass or fail per method.

Usage: ``python benchmarks/reach.py [--time-limit 20] [--seed 0] [--methods current,...]
[--cases demo,weekly]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.weekly import SHARED
from benchmarks.weekly import cases as weekly_cases
from geo_data.demo import DEMO_DIR
from geo_data.loader import load_territory
from planner.itinerary.plan import Plan
from planner.itinerary.reach import PlanReach
from planner.taxonomy import APPROACH_LABELS, Approach
from planner.territory import Territory
from planner.workflows.planning import plan_territory
from planner.workflows.reach import territory_plan_reach

START = dt.date(2026, 9, 7)
#: case groups -> case names (built by ``benchmarks.weekly.cases``)
CASE_GROUPS: dict[str, tuple[str, ...]] = {
    "demo": ("demo-marches-de-bourgogne", "demo-creusot-montceau"),
    "weekly": ("marches-8-weeks", "marches-4-vans", "marches-500-communes"),
    "approaches": ("approches-creusot-montceau", "approches-van-seul"),
}
#: cases that start on another date than START (their events and pins are in January)
CASE_START = {
    "approches-creusot-montceau": dt.date(2027, 1, 4),
    "approches-van-seul": dt.date(2027, 1, 4),
}
APPROACH_SPEC = DEMO_DIR / "specs" / "creusot-montceau-approches.toml"


def approach_cases(wanted: set[str]) -> list[tuple[str, Territory, int]]:
    """The ``approaches`` group's cases asked for (``../shared`` needed for the spec's data)."""
    if not wanted & set(CASE_GROUPS["approaches"]) or not SHARED.is_dir():
        return []
    case = load_territory(APPROACH_SPEC, data_dir=SHARED / "geo_data")
    out = []
    if "approches-creusot-montceau" in wanted:
        out.append(("approches-creusot-montceau", case, 4))
    if "approches-van-seul" in wanted:
        vans = tuple(dataclasses.replace(v, kind="vehicule") for v in case.vans)
        rules = dataclasses.replace(case.rules, partner_pins=(), events=())
        van_only = dataclasses.replace(case, vans=vans, maraudes=(), rules=rules)
        out.append(("approches-van-seul", van_only, 4))
    return out


GOAL_CASE = "demo-marches-de-bourgogne"
GOAL_REGULAR_PCT = 85.0
GOAL_DRIVE_PER_VISIT_H = 0.56

#: a planning method: (territory, start, weeks, time limit, seed) -> plan
Method = Callable[[Territory, dt.date, int, float, int], Plan]


def _method(name: str) -> Method:
    def plan(territory: Territory, start: dt.date, weeks: int, limit: float, seed: int) -> Plan:
        return plan_territory(
            territory, start=start, weeks=weeks, time_limit=limit, seed=seed, method=name
        )

    return plan


#: planning methods by name, in print order (the earlier method first)
METHODS: dict[str, Method] = {name: _method(name) for name in ("need", "circuits")}


def _names(text: str, known: Any, what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise SystemExit(
            f"{what} inconnu(s) : {', '.join(unknown) or '(aucun)'} ; "
            f"possibles : {', '.join(known)}."
        )
    return names


def measure(
    name: str, territory: Territory, weeks: int, method: str, *, time_limit: float, seed: int
) -> dict[str, Any]:
    """Plan one case with one method and measure the plan: the JSON line of the benchmark."""
    start = CASE_START.get(name, START)
    t0 = time.perf_counter()
    plan = METHODS[method](territory, start, weeks, time_limit, seed)
    plan_s = time.perf_counter() - t0
    reach: PlanReach = territory_plan_reach(territory, plan)
    return {
        "case": name,
        "method": method,
        "communes": len(territory.communes),
        "vans": len(territory.vans),
        "start": start.isoformat(),
        **reach.to_json(),
        "expected_contacts": plan.kpis.get("expected_contacts"),
        "by_approach": plan.kpis.get("expected_by_approach", {}),
        "time_s": round(plan_s, 2),
    }


def goals(line: dict[str, Any]) -> dict[str, bool]:
    """The issue's goals, pass or fail, for a line of the goal case."""
    per_visit = line["drive_per_visit_h"]
    return {
        f"atteinte régulière >= {GOAL_REGULAR_PCT:g} %": line["regular_reach_pct"]
        >= GOAL_REGULAR_PCT,
        f"conduite par séance <= {GOAL_DRIVE_PER_VISIT_H} h": per_visit is not None
        and per_visit <= GOAL_DRIVE_PER_VISIT_H,
        "communes de 150+ jeunes toutes à 15 min d'une présence régulière": not line[
            "unreached_150"
        ],
    }


def summary(lines: list[dict[str, Any]]) -> str:
    """The French summary table and the goals on the Marches demo."""
    head = (
        f"{'cas':<28}{'méthode':<10}{'régulier %':>11}{'toute %':>9}{'fixes %':>9}"
        f"{'bases %':>9}{'arrêts rég.':>12}{'séances':>9}{'conduite h':>11}{'h/séance':>10}"
        f"{'repérés':>9}{'150+ hors':>10}"
    )
    out = [head, "-" * len(head)]
    for x in lines:
        only = x["regular_reach_bases_only_pct"]
        bases = "-" if only is None else f"{only:.1f}"
        per_visit = "-" if x["drive_per_visit_h"] is None else f"{x['drive_per_visit_h']:.3f}"
        out.append(
            f"{x['case']:<28}{x['method']:<10}{x['regular_reach_pct']:>11.1f}"
            f"{x['any_reach_pct']:>9.1f}{x['fixed_reach_pct']:>9.1f}{bases:>9}"
            f"{x['regular_stops']:>5}/{x['stops']:<6}{x['visits']:>9}{x['drive_h']:>11.1f}"
            f"{per_visit:>10}{x['expected_reperes']:>9.1f}{len(x['unreached_150']):>10}"
        )
    out.append(
        "régulier : arrêt vu au moins une semaine sur deux ou point de contact fixe (bases et "
        "partenaires fixes) à 15 min ; toute : n'importe quel arrêt ; fixes : points fixes seuls ; "
        "bases : arrêts réguliers et bases de la Mission Locale seules."
    )
    if lines:
        labels: dict[str, list[str]] = {}
        for x in lines:
            labels.setdefault(x["reperes_label"], []).append(x["case"])
        which = " ; ".join(f"{k} : {', '.join(dict.fromkeys(v))}" for k, v in labels.items())
        out.append(f"Repérés attendus : {lines[0]['reperes_estimate']} ({which}).")
    out += approach_summary(lines)
    for x in lines:
        if x["case"] != GOAL_CASE:
            continue
        out.append(f"Objectifs sur {GOAL_CASE}, méthode {x['method']} :")
        for goal, ok in goals(x).items():
            out.append(f"  [{'OK' if ok else 'ÉCHEC'}] {goal}")
        out.append(
            f"  (atteinte régulière : {x['regular_reach_pct']:.1f} % avec les partenaires fixes, "
            f"{x['regular_reach_bases_only_pct']} % avec les seules bases ; "
            f"{x['drive_per_visit_h']} h de conduite par séance)"
        )
        for c in x["unreached_150"]:
            near = "aucune" if c["nearest_regular_min"] is None else f"{c['nearest_regular_min']}"
            out.append(f"    {c['name']} ({c['code']}) : {c['young']:.0f} jeunes, {near} min")
    return "\n".join(out)


def approach_summary(lines: list[dict[str, Any]]) -> list[str]:
    """Expected contacts and repérés per approach of each line that has several, and the
    ratio every approach / van only on the approaches case."""
    out: list[str] = []
    for x in lines:
        by = x.get("by_approach") or {}
        if not by or not x["case"].startswith("approches"):
            continue
        out.append(f"Par démarche, {x['case']} ({x['method']}) :")
        for approach, got in by.items():
            out.append(
                f"  {APPROACH_LABELS[Approach(approach)]:<40}{got['visits']:>4} séances"
                f"{got['contacts']:>9.1f} contacts{got['reperes']:>8.1f} repérés attendus"
            )
    totals = {
        (x["case"], x["method"]): x["expected_contacts"]
        for x in lines
        if x["case"].startswith("approches")
    }
    for method in dict.fromkeys(m for _, m in totals):
        every = totals.get(("approches-creusot-montceau", method))
        van = totals.get(("approches-van-seul", method))
        if every and van:
            out.append(
                f"Contacts attendus, toutes démarches / véhicule seul ({method}) : "
                f"{every:.1f} / {van:.1f} = {every / van:.2f}"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--cases", default=",".join(CASE_GROUPS))
    args = parser.parse_args()
    methods = _names(args.methods, METHODS, "Méthode(s)")
    wanted = {
        c for g in _names(args.cases, CASE_GROUPS, "Groupe(s) de cas") for c in CASE_GROUPS[g]
    }
    lines = []
    for name, territory, weeks in weekly_cases(wanted) + approach_cases(wanted):
        for method in methods:
            line = measure(
                name, territory, weeks, method, time_limit=args.time_limit, seed=args.seed
            )
            print(json.dumps(line, ensure_ascii=False), flush=True)
            lines.append(line)
    print(summary(lines), flush=True)


if __name__ == "__main__":
    main()
