"""Explanations of a plan: why each stop is in it, where each commune is reached, what is left out.

Pure: a :class:`~planner.itinerary.plan.Plan`, its
:class:`~planner.itinerary.problem.ItineraryProblem` and the reach arrays of
:mod:`planner.itinerary.reach` (communes -> the plan's stops, communes -> fixed contact points)
in, the three tables of the plan out (``stops``, ``communes``, ``unplanned``, defined in
:mod:`planner.itinerary.plan_schema`). The glue that reads a territory is
:mod:`planner.workflows.explain`.

Presences follow :mod:`planner.itinerary.reach`: a *regular* presence is a stop visited at
least every two weeks on average, or a fixed contact point (base, fixed partner); a commune is
*reached* when its town hall point lies within the access time of a presence.

Why a candidate has no visit (``unplanned``), first that applies:

1. the manager excluded its commune: « exclue par le responsable »;
2. the engine's reason when it is not a matter of value (hours, needs, too far, cancelled...);
3. a fixed contact point within the access time: « servie par <point fixe> à N min »;
4. a regular stop of the plan within the access time: « à N min de l'arrêt régulier <X> »;
5. the engine found the trip worth less than the need: its reason;
6. otherwise « valeur plus faible que les arrêts retenus (capacité : N séances utilisées sur
   N) », the capacity being the vans' open half-days of the horizon (:func:`session_capacity`).
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from planner.errors import InvalidProblemError
from planner.itinerary.assemble import REASON_NOT_WORTH, REASON_OUTRANKED
from planner.itinerary.plan import CommuneReach, Plan, StopReason, Unplanned, Visit
from planner.itinerary.problem import Candidate, ItineraryProblem
from planner.itinerary.reach import ReachArrays, regular_stops
from planner.rules import FREQUENCY_FR

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EXCLUDED = "exclue par le responsable"
#: frequency label of a stop with no frequency (one optional visit)
OCCASIONAL = "ponctuelle"
REGULAR_STOP = "arrêt régulier"
OCCASIONAL_STOP = "arrêt ponctuel"
#: engine reasons that are a matter of value (the explanation says more than the engine)
VALUE_REASONS = (REASON_OUTRANKED, REASON_NOT_WORTH)
#: a place young people find the Mission Locale at: (name, French kind, seconds from a commune)
Presence = tuple[str, str, float]


@dataclass(frozen=True)
class Explanations:
    """The three explanation tables of a plan."""

    stops: tuple[StopReason, ...]
    communes: tuple[CommuneReach, ...]
    unplanned: tuple[Unplanned, ...]

    def attach(self, plan: Plan) -> Plan:
        """``plan`` carrying these tables."""
        return dataclasses.replace(
            plan, stops=self.stops, communes=self.communes, unplanned=self.unplanned
        )


def session_capacity(problem: ItineraryProblem) -> int:
    """Half-day sessions the vans can hold over the horizon: open working days x slots, capped
    by a van's ``sessions_per_week``."""
    n_slots = len(problem.slots)
    total = 0
    for van in problem.vans:
        per_week: dict[int, int] = defaultdict(int)
        off = problem.unavailable(van)
        for d, day in enumerate(problem.calendar.days):
            works = day.weekday in van.working_days and day.date not in off
            if works and problem.calendar.is_open(d):
                per_week[day.week] += n_slots
        cap = van.sessions_per_week
        total += sum(n if cap is None else min(n, cap) for n in per_week.values())
    return total


def minutes_fr(seconds: float) -> str:
    """``754`` -> ``"13 min"`` (rounded to the minute)."""
    return f"{round(seconds / 60):.0f} min"


def frequency_fr(candidate: Candidate | None) -> str:
    """French label of a candidate's frequency (``ponctuelle``: one optional visit)."""
    if candidate is None or candidate.frequency is None:
        return OCCASIONAL
    return FREQUENCY_FR[candidate.frequency.value]


def _same(values: Sequence[str]) -> str:
    """The common value of two or more visits, else ``""``."""
    return values[0] if len(values) >= 2 and len(set(values)) == 1 else ""


@dataclass(frozen=True)
class _Nearest:
    """Per commune row: the nearest column of a travel matrix among some columns."""

    column: np.ndarray  # int, -1 when none
    seconds: np.ndarray  # float, inf when none

    @classmethod
    def of(cls, durations: np.ndarray, reachable: np.ndarray, columns: np.ndarray) -> _Nearest:
        rows = durations.shape[0]
        if not len(columns):
            return cls(np.full(rows, -1), np.full(rows, np.inf))
        times = np.where(reachable[:, columns], durations[:, columns].astype(float), np.inf)
        best = np.argmin(times, axis=1)
        seconds = times[np.arange(rows), best]
        return cls(np.where(np.isfinite(seconds), columns[best], -1), seconds)


def explain_plan(
    plan: Plan,
    problem: ItineraryProblem,
    arrays: ReachArrays,
    *,
    fixed_names: Sequence[str],
    fixed_kinds: Sequence[str],
    need: Mapping[str, float],
    excluded: frozenset[str] = frozenset(),
    access_s: int = 900,
) -> Explanations:
    """The explanation tables of ``plan`` (see the module docstring).

    Parameters
    ----------
    arrays
        Communes -> the plan's stops and communes -> fixed contact points
        (:class:`~planner.itinerary.reach.ReachArrays`, rows in the communes' order).
    fixed_names, fixed_kinds
        Name and French kind (« base (siège) », « point fixe (France Services) »...) of each
        fixed contact point, in the columns' order of ``arrays.to_fixed``.
    need
        Commune code -> need score (0-100).
    excluded
        Communes the manager excluded.
    access_s
        Access time in seconds (the manager's, 15 min by default).
    """
    n_fixed = np.asarray(arrays.to_fixed.durations).shape[1]
    if len(fixed_names) != n_fixed or len(fixed_kinds) != n_fixed:
        raise InvalidProblemError(
            f"{len(fixed_names)} noms et {len(fixed_kinds)} types pour {n_fixed} points de "
            "contact fixes.",
            hint="Un nom et un type par colonne de la matrice vers les points fixes.",
        )
    if access_s <= 0:
        raise InvalidProblemError(
            f"Temps d'accès invalide : {access_s} s.",
            hint="Un temps d'accès strictement positif (900 s = 15 min par défaut).",
        )
    by_stop: dict[str, list[Visit]] = defaultdict(list)
    for v in plan.visits:
        by_stop[v.stop_id].append(v)
    missing = sorted(set(by_stop) - set(arrays.stop_ids))
    if missing:
        raise InvalidProblemError(
            f"Arrêts du plan absents de la matrice : {', '.join(missing[:5])}.",
            hint="Construisez la matrice vers les arrêts avec plan_stop_ids(plan).",
        )
    regular = set(regular_stops({s: len(v) for s, v in by_stop.items()}, plan.weeks))
    context = _Context(plan, problem, arrays, fixed_names, fixed_kinds, regular, access_s)
    unplanned = context.unplanned_rows(need, excluded)
    return Explanations(
        stops=tuple(context.stop_row(s, vs, need) for s, vs in by_stop.items()),
        communes=context.commune_rows(need, excluded, unplanned),
        unplanned=unplanned,
    )


class _Context:
    """The arrays one explanation reads, computed once."""

    def __init__(
        self,
        plan: Plan,
        problem: ItineraryProblem,
        arrays: ReachArrays,
        fixed_names: Sequence[str],
        fixed_kinds: Sequence[str],
        regular: set[str],
        access_s: int,
    ) -> None:
        self.plan, self.problem, self.arrays = plan, problem, arrays
        self.fixed_names, self.fixed_kinds = list(fixed_names), list(fixed_kinds)
        self.regular, self.access_s = regular, access_s
        self.candidates = {c.id: c for c in problem.candidates}
        self.row = {str(code): i for i, code in enumerate(arrays.codes)}
        self.stop_dur = np.asarray(arrays.to_stops.durations, dtype=float)
        self.stop_ok = np.asarray(arrays.to_stops.reachable, dtype=bool)
        fixed_dur = np.asarray(arrays.to_fixed.durations, dtype=float)
        fixed_ok = np.asarray(arrays.to_fixed.reachable, dtype=bool)
        self.stop_names = {v.stop_id: v.stop_name for v in plan.visits}
        visited = [j for j, s in enumerate(arrays.stop_ids) if s in self.stop_names]
        reg_cols = [j for j, s in enumerate(arrays.stop_ids) if s in regular]
        self.fixed = _Nearest.of(fixed_dur, fixed_ok, np.arange(fixed_dur.shape[1]))
        self.reg = _Nearest.of(self.stop_dur, self.stop_ok, np.asarray(reg_cols, dtype=int))
        self.any = _Nearest.of(self.stop_dur, self.stop_ok, np.asarray(visited, dtype=int))
        self.used = len(plan.visits)
        self.capacity = session_capacity(problem)

    # -- one planned stop --------------------------------------------------------------------
    def stop_row(self, stop_id: str, visits: list[Visit], need: Mapping[str, float]) -> StopReason:
        first = visits[0]
        cand = self.candidates.get(stop_id)
        j = list(self.arrays.stop_ids).index(stop_id)
        near = self.stop_ok[:, j] & (self.stop_dur[:, j] <= self.access_s)
        return StopReason(
            stop_id=stop_id,
            stop_name=first.stop_name,
            kind=first.kind,
            approach=first.approach,
            commune=first.commune,
            host=first.host,
            visits=len(visits),
            frequency=frequency_fr(cand),
            regular=stop_id in self.regular,
            weekday=_same([WEEKDAYS_FR[v.date.weekday()] for v in visits]),
            slot=_same([v.slot for v in visits]),
            van=", ".join(sorted({v.van for v in visits})),
            need=float(need.get(first.commune, first.need)),
            young_within=float(self.arrays.young[near].sum()),
            communes_within=int(near.sum()),
            why=cand.why if cand is not None else (),
        )

    # -- presences near a commune ------------------------------------------------------------
    def _fixed(self, i: int) -> Presence | None:
        j = int(self.fixed.column[i])
        if j < 0:
            return None
        return self.fixed_names[j], self.fixed_kinds[j], float(self.fixed.seconds[i])

    def _stop(self, nearest: _Nearest, i: int) -> Presence | None:
        j = int(nearest.column[i])
        if j < 0:
            return None
        stop = self.arrays.stop_ids[j]
        kind = REGULAR_STOP if stop in self.regular else OCCASIONAL_STOP
        return self.stop_names[stop], kind, float(nearest.seconds[i])

    def _presences(self, i: int | None) -> dict[str, Presence | None]:
        if i is None:
            return {"fixed": None, "regular": None, "any": None}
        return {
            "fixed": self._fixed(i),
            "regular": self._stop(self.reg, i),
            "any": self._stop(self.any, i),
        }

    def _near(self, p: Presence | None) -> bool:
        return p is not None and p[2] <= self.access_s

    @staticmethod
    def _closest(*options: Presence | None) -> Presence | None:
        found = [p for p in options if p is not None]
        return min(found, key=lambda p: p[2]) if found else None

    # -- one row per commune -----------------------------------------------------------------
    def commune_rows(
        self,
        need: Mapping[str, float],
        excluded: frozenset[str],
        unplanned: Sequence[Unplanned],
    ) -> tuple[CommuneReach, ...]:
        """One row per commune; an unreached commune's own unplanned stop gives its reason."""
        left_out = {u.commune: u.reason for u in unplanned}
        candidates = {c.commune for c in self.problem.candidates}
        rows = []
        for i, code in enumerate(map(str, self.arrays.codes)):
            p = self._presences(i)
            reg = self._closest(*(x for x in (p["fixed"], p["regular"]) if self._near(x)))
            occasional = p["any"] if self._near(p["any"]) else None
            by = reg or occasional or self._closest(p["fixed"], p["any"])
            why_not = ""
            if reg is None and occasional is None:
                why_not = self._why_not(code, by, code in candidates, left_out, excluded)
            rows.append(
                CommuneReach(
                    commune=code,
                    name=str(self.arrays.names[i]),
                    young=float(self.arrays.young[i]),
                    need=float(need.get(code, 0.0)),
                    reached=reg is not None or occasional is not None,
                    regular=reg is not None,
                    by=by[0] if by else "",
                    by_kind=by[1] if by else "",
                    minutes=round(by[2] / 60, 1) if by else None,
                    why_not=why_not,
                )
            )
        return tuple(sorted(rows, key=lambda r: -r.need))

    def _why_not(
        self,
        code: str,
        nearest: Presence | None,
        candidate: bool,
        left_out: Mapping[str, str],
        excluded: frozenset[str],
    ) -> str:
        far = f"aucun arrêt ni point fixe à {minutes_fr(self.access_s)} ou moins"
        if nearest is not None:  # beyond the access time: minutes rounded up
            far += f" (le plus proche : {nearest[0]}, à {math.ceil(nearest[2] / 60)} min)"
        if code in excluded:
            return f"{EXCLUDED} ; {far}"
        if code in left_out:
            return f"{far} ; arrêt retiré : {left_out[code]}"
        if not candidate:
            return f"{far} ; pas d'arrêt candidat dans la commune"
        return far

    # -- « non planifiés et pourquoi » -------------------------------------------------------
    def unplanned_rows(
        self, need: Mapping[str, float], excluded: frozenset[str]
    ) -> tuple[Unplanned, ...]:
        dropped = {d.stop_id: d.reason for d in self.plan.dropped}
        visited = set(self.stop_names)
        rows = [
            self._unplanned(
                c.id, c.commune, c.name, dropped.get(c.id, ""), need, excluded, c.kind, c.approach
            )
            for c in self.problem.candidates
            if c.id not in visited
        ]
        covered = {c.commune for c in self.problem.candidates} | {
            v.commune for v in self.plan.visits
        }
        names = dict(zip(map(str, self.arrays.codes), map(str, self.arrays.names), strict=True))
        rows += [
            self._unplanned(code, code, names[code], "", need, excluded)
            for code in sorted(excluded - covered)
            if code in names
        ]
        return tuple(sorted(rows, key=lambda r: -r.need))

    def _unplanned(
        self,
        stop_id: str,
        commune: str,
        name: str,
        engine: str,
        need: Mapping[str, float],
        excluded: frozenset[str],
        kind: str = "commune",
        approach: str = "vehicule_itinerant",
    ) -> Unplanned:
        i = self.row.get(commune)
        p = self._presences(i)
        by = self._closest(p["fixed"], p["any"])
        fixed, regular = p["fixed"], p["regular"]
        if kind != "commune":  # a partner session, maraude or event: its place, not the commune's
            by = None
            reason = (
                engine
                if engine and engine not in VALUE_REASONS
                else "valeur plus faible que les séances retenues (capacité : "
                f"{self.used} séances utilisées sur {self.capacity})"
            )
        elif commune in excluded:
            reason = EXCLUDED
        elif engine and engine not in VALUE_REASONS:
            reason = engine
        elif fixed is not None and fixed[2] <= self.access_s:
            by = fixed
            reason = f"servie par {fixed[0]} à {minutes_fr(fixed[2])}"
        elif regular is not None and regular[2] <= self.access_s:
            by = regular
            reason = f"à {minutes_fr(regular[2])} de l'{REGULAR_STOP} {regular[0]}"
        elif engine == REASON_NOT_WORTH:
            reason = engine
        else:
            reason = (
                f"valeur plus faible que les arrêts retenus (capacité : {self.used} séances "
                f"utilisées sur {self.capacity})"
            )
        return Unplanned(
            stop_id=stop_id,
            kind=kind,
            approach=approach,
            commune=commune,
            name=name,
            young=float(self.arrays.young[i]) if i is not None else 0.0,
            need=float(need.get(commune, 0.0)),
            reason=reason,
            engine_reason=engine,
            by=by[0] if by else "",
            minutes=round(by[2] / 60, 1) if by else None,
        )
