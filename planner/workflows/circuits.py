"""Regular circuits for a territory's itinerary problem (the default planning method).

From the problem built by :mod:`.itinerary_input` (one candidate per commune, its host place,
the travel matrix), :func:`circuit_problem` (on the van stops only: partner sessions, maraudes
and events keep their own values, :mod:`.approaches`):

1. counts the horizon's sessions: the vans' half-day positions (``Van.sessions_per_week`` caps
   a van's week), keeps ``rules.exploration_share`` of them for exploration and gives the rest
   (minus nothing: pinned and forced stops are inside) to regular stops;
2. measures, for every commune, which candidate places and fixed contact points lie within the
   access time (``rules.access_min``, default 15 min, by the problem's travel-time method:
   the declared estimate unless a road network is given);
3. solves the circuit choice (:func:`planner.coverage.circuits.choose_circuits`): hubs and their
   frequency, forced ones kept (pins, ``rules.frequency``), forbidden ones avoided
   (``rules.forbid``);
4. rewrites the candidates: a hub gets its frequency (same weekday, slot and van each time) and
   the value of one visit = its share of the need-weighted young it reaches regularly divided by
   its sessions; every other candidate is an optional single visit (exploration) worth the
   need-weighted young it reaches, counted at ``SECOND_WEIGHT`` where a regular presence exists,
   times a novelty factor ``1 / (1 + past sessions / NOVELTY_SESSIONS)`` so that places never or
   rarely visited are explored first.

History (:mod:`planner.workflows.expected`): every session's value also gains
``HISTORY_WEIGHT`` x (the repérés per session learned at the place over the horizon's months -
the population-only expectation), so that a place where young people were actually found
(more than its population says) gets regular visits, and one where few were found fewer. The
need-weighted young already count the population: only what the history adds is added.

The result says what it did (``CircuitReport``) and the problem's notes carry it in French.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from planner.coverage.circuits import (
    HUB_FREQUENCIES,
    CircuitChoice,
    CircuitInputs,
    choose_circuits,
    marginal_value,
    sessions_per_frequency,
)
from planner.coverage.need import NeedTable
from planner.itinerary.grid import Grid
from planner.itinerary.problem import Candidate, Frequency, ItineraryProblem
from planner.matrix import TravelMatrix, travel_matrix
from planner.rules import FREQUENCY_FR, PlanningRules
from planner.territory import Territory
from planner.workflows.expected import VAN, ExpectedTable, expected_table
from planner.workflows.explain import number_fr
from planner.workflows.territory_arrays import commune_codes, commune_points, fixed_matrix, young

#: past sessions at which a place's exploration value is halved
NOVELTY_SESSIONS = 4.0
#: value (need-weighted young reached regularly) of one more expected repéré per session: a
#: session of a demo hub reaches about 40 need-weighted young and finds about 2 repérés, so one
#: repéré is worth about 20 of them; 10 keeps the catchment first and the history second
HISTORY_WEIGHT = 10.0


@dataclass(frozen=True)
class CircuitReport:
    """What the circuit step decided, for notes, explanations and benchmarks."""

    choice: CircuitChoice
    positions: int
    exploration_share: float
    access_min: int
    #: per candidate (problem order): need-weighted young within the access time
    reach_demand: np.ndarray
    #: per candidate: estimated young within the access time
    reach_young: np.ndarray
    #: per candidate: past sessions held in its commune
    past_sessions: np.ndarray
    #: per candidate: repérés per session expected over the horizon (learned, population-only)
    expected: np.ndarray
    expected_population: np.ndarray
    expected_label: str

    def note_fr(self) -> str:
        hubs = [f for f in self.choice.frequency if f is not None]
        counts = {f: hubs.count(f) for f in HUB_FREQUENCIES if hubs.count(f)}
        detail = ", ".join(f"{n} {FREQUENCY_FR[f]}" for f, n in counts.items()) or "aucun"
        return (
            f"Circuits réguliers : {len(hubs)} arrêts réguliers ({detail}), "
            f"{self.choice.sessions_used} séances sur {self.positions} demi-journées ; "
            f"{round(100 * self.exploration_share)} % des séances gardées pour explorer ; "
            f"un arrêt sert les communes à {self.access_min} min ou moins."
        )


def _history_why(learned: float, prior: float, label: str) -> tuple[str, ...]:
    """What the history says of a place, in French (nothing when it adds nothing)."""
    if abs(learned - prior) < 0.05:
        return ()
    return (
        f"historique ({label}) : {number_fr(learned, 1)} repérés attendus par séance, "
        f"{number_fr(prior, 1)} d'après la seule population",
    )


def team_bound_dates(problem: ItineraryProblem) -> set[date]:
    """Dates a team must be out for a required session only teams hold (partner pins): on
    these dates a van that shares a person with the teams stays at its base."""
    cal = problem.calendar
    out: set[date] = set()
    for c in problem.candidates:
        if not c.required or c.served_by != frozenset({"equipe"}):
            continue
        if c.dates:
            out |= set(c.dates)
        elif c.pin_weekday is not None:
            step = c.frequency.period_weeks if c.frequency is not None else None
            days = [x.date for x in cal.days if x.weekday == c.pin_weekday]
            out |= set(days[:: step or 1] if step else days[:1])
    return out


def positions_per_van_week(grid: Grid, blocked: set[date] | None = None) -> int:
    """Positions of the horizon, each van's week capped at its ``sessions_per_week`` (vans
    only: teams hold partner sessions, maraudes and events, not van stops; a van sharing a
    person with a team loses the dates of the team's required sessions, ``blocked``: default
    :func:`team_bound_dates` of the grid's problem)."""
    pb = grid.problem
    team_crew = {p for v in pb.vans if v.kind == "equipe" for p in v.crew}
    bound = (team_bound_dates(pb) if blocked is None else blocked) if team_crew else set()
    per: dict[tuple[int, int], int] = {}
    for v, d in grid.vandays:
        if pb.vans[v].kind != "vehicule":
            continue
        if set(pb.vans[v].crew) & team_crew and pb.calendar.days[d].date in bound:
            continue
        key = (v, d // 7)
        per[key] = per.get(key, 0) + grid.n_slots
    total = 0
    for (v, _), n in per.items():
        cap = pb.vans[v].sessions_per_week
        total += n if cap is None else min(n, cap)
    return total


def _past_sessions(territory: Territory, codes: list[str]) -> np.ndarray:
    activity = territory.activity
    if not len(activity):
        return np.zeros(len(codes))
    by = activity.groupby(activity["commune"].astype(str))["sessions"].sum()
    return np.array([float(by.get(c, 0.0)) for c in codes])


def horizon_expectation(
    problem: ItineraryProblem, table: ExpectedTable
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate, repérés per van session expected over the horizon's open days (learned,
    population-only), from ``table``."""
    cal = problem.calendar
    months = [cal.days[d].date.month for d in range(cal.n_days) if cal.is_open(d)]
    months = months or [cal.start.month]
    codes = [c.commune or c.id for c in problem.candidates]
    known = set(table.model.codes)
    rows = [code if code in known else None for code in codes]
    learned = np.zeros(len(codes))
    prior = np.zeros(len(codes))
    for month in sorted(set(months)):
        weight = months.count(month) / len(months)
        have = [code for code in rows if code is not None]
        if not have:
            break
        k = len(have)
        got, _ = table.model.predict(have, [month] * k, [VAN] * k)
        pop, _ = table.model.predict(have, [month] * k, [VAN] * k, kind="population_factors")
        mask = np.array([code is not None for code in rows])
        learned[mask] += weight * got
        prior[mask] += weight * pop
    return learned, prior


def circuit_inputs(
    problem: ItineraryProblem,
    territory: Territory,
    need: NeedTable,
    *,
    rules: PlanningRules,
    network: Any = None,
    to_fixed: TravelMatrix | None = None,
    bonus: np.ndarray | None = None,
    blocked: set[date] | None = None,
) -> tuple[CircuitInputs, Grid, np.ndarray, int]:
    """The circuit arrays of ``problem`` (see the module docstring), its grid, the communes ->
    candidates access matrix and the horizon's positions."""
    grid = Grid(problem)
    cands = problem.candidates
    access_s = rules.access_s
    places = np.array([(c.lon, c.lat) for c in cands], dtype=float).reshape(-1, 2)
    to_cands = travel_matrix(commune_points(territory), places, network=network)
    access = np.asarray(to_cands.reachable, bool) & (np.asarray(to_cands.durations) <= access_s)
    fixed_m = to_fixed if to_fixed is not None else fixed_matrix(territory, network=network)
    near_fixed = np.asarray(fixed_m.reachable, bool) & (np.asarray(fixed_m.durations) <= access_s)
    fixed = np.asarray(near_fixed.any(axis=1), dtype=bool)
    codes = commune_codes(territory)
    scores = need.frame["score"].reindex(codes).fillna(0.0).to_numpy(dtype=float)
    demand = young(territory) * scores / 100.0
    base_locs = sorted({problem.base_of(v).location for v in problem.vans})
    one_way = np.asarray(problem.durations)[np.ix_(base_locs, [c.location for c in cands])]
    drive_h = one_way.min(axis=0) / 3600.0 if len(cands) else np.zeros(0)
    weeks = problem.calendar.weeks
    sessions = sessions_per_frequency(weeks)
    positions = positions_per_van_week(grid, blocked)
    forced: dict[int, str] = {}
    allowed: list[tuple[str, ...]] = []
    for j, c in enumerate(cands):
        code = c.commune or c.id
        freq = c.frequency.value if c.frequency is not None else None
        if c.required and freq in HUB_FREQUENCIES:  # pinned (or imposed) regular stop
            forced[j] = freq
        elif rules.frequency.get(code) in HUB_FREQUENCIES:
            forced[j] = rules.frequency[code]
        fits = grid.never_reason[j] is None
        options = rules.allowed(code) if code not in rules.frequency else ()
        allowed.append(tuple(f for f in options if f in HUB_FREQUENCIES) if fits else ())
    budget = max(
        int((1.0 - rules.exploration_share) * positions),
        sum(sessions[f] for f in forced.values()),
    )
    inputs = CircuitInputs(
        access=access,
        demand=demand,
        fixed=fixed,
        drive_h=drive_h,
        allowed=allowed,
        sessions=sessions,
        budget=budget,
        forced=forced,
        bonus=bonus,
    )
    return inputs, grid, access, positions


def circuit_problem(
    problem: ItineraryProblem,
    territory: Territory,
    need: NeedTable,
    *,
    rules: PlanningRules | None = None,
    network: Any = None,
    to_fixed: TravelMatrix | None = None,
    time_limit: float = 20.0,
    expected: ExpectedTable | None = None,
    today: date | None = None,
    history_weight: float = HISTORY_WEIGHT,
) -> tuple[ItineraryProblem, CircuitReport]:
    """``problem`` with regular circuits (see the module docstring) and what was decided.

    ``expected``: the territory's expected repérés (default: fitted on its whole history,
    ``today`` refusing history dated after it); ``history_weight`` 0 ignores the history (the
    population-only values, for comparison)."""
    rules = rules or territory.rules
    others = tuple(c for c in problem.candidates if c.kind != "commune")
    whole = problem
    problem = problem.replace(
        candidates=tuple(c for c in problem.candidates if c.kind == "commune")
    )
    table = expected if expected is not None else expected_table(territory, today=today)
    learned, prior = horizon_expectation(problem, table)
    bonus = history_weight * (learned - prior)
    inputs, _, access, positions = circuit_inputs(
        problem,
        territory,
        need,
        rules=rules,
        network=network,
        to_fixed=to_fixed,
        bonus=bonus,
        blocked=team_bound_dates(whole),
    )
    choice = choose_circuits(inputs, time_limit=time_limit)
    codes = [c.commune or c.id for c in problem.candidates]
    past = _past_sessions(territory, codes)
    novelty = 1.0 / (1.0 + past / NOVELTY_SESSIONS)
    single = np.maximum(marginal_value(inputs, choice) * novelty + bonus, 0.0)
    sessions = inputs.sessions
    young_c = young(territory)
    reach_young = access.astype(float).T @ young_c
    uncovered = access.astype(float).T @ (young_c * (choice.level < 2))
    out: list[Candidate] = []
    for j, c in enumerate(problem.candidates):
        f = choice.frequency[j]
        catchment = (
            f"{number_fr(float(reach_young[j]))} jeunes de 16 à 25 ans estimés à "
            f"{rules.access_min} min ou moins"
        )
        history = _history_why(float(learned[j]), float(prior[j]), table.label)
        history += tuple(w for w in c.why if w.startswith("besoin "))  # the commune's own score
        if f is not None:
            value = float(choice.hub_value[j]) / sessions[f] + float(bonus[j])
            pinned = c.pin_weekday is not None
            how = (
                f"arrêt {'épinglé' if pinned else 'régulier'} {FREQUENCY_FR[f]} "
                "(même jour, même créneau, même véhicule)"
            )
            if not pinned and codes[j] in rules.frequency:
                how += ", fréquence imposée par le responsable"
            why = (how, catchment, *history)
            out.append(replace(c, frequency=Frequency(f), need=round(max(value, 0.0), 3), why=why))
        else:
            keep = c.frequency if c.frequency is Frequency.ONCE else None
            forced_once = rules.frequency.get(codes[j]) == "once"
            explore = (
                "exploration : "
                f"{number_fr(float(uncovered[j]))} jeunes sans présence régulière à "
                f"{rules.access_min} min ou moins"
            )
            if past[j] == 0:
                explore += ", lieu jamais visité"
            out.append(
                replace(
                    c,
                    frequency=Frequency.ONCE if forced_once else keep,
                    required=c.required or forced_once,
                    need=round(float(single[j]), 3),
                    why=(explore, catchment, *history),
                )
            )
    demand = np.asarray(inputs.demand, dtype=float)
    report = CircuitReport(
        choice=choice,
        positions=positions,
        exploration_share=rules.exploration_share,
        access_min=rules.access_min,
        reach_demand=access.astype(float).T @ demand,
        reach_young=reach_young,
        past_sessions=past,
        expected=learned,
        expected_population=prior,
        expected_label=table.label,
    )
    notes = (*problem.notes, report.note_fr())
    return whole.replace(candidates=(*out, *others), notes=notes), report
