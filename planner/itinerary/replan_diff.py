"""What a re-plan changed: the plain, JSON-ready difference between two plans of one horizon.

A visit is identified by ``(date, van, slot, stop_id)``. Between the old and the new plan, a
visit is *kept* (same key), *moved* (its stop lost a visit and gained one elsewhere: date, slot
or van changed), *removed* (lost, not replaced) or *added* (new, not replacing one). A kept
visit whose arrival time changed (its day's route gained or lost a stop) is also listed as
*retimed*: its session (slot start and end) is unchanged, only the arrival moves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from planner.itinerary.fixed import place_fr
from planner.itinerary.plan import Plan, PlanChange, Visit
from planner.itinerary.plan_schema import hhmm
from planner.itinerary.problem import ItineraryProblem

LABELS = {
    "cancelled": "visite annulée",
    "removed": "visite supprimée",
    "moved": "visite déplacée",
    "added": "visite ajoutée",
    "retimed": "arrivée modifiée",
}
REASON_ASKED = "annulée à la demande"
REASON_FULL = "re-planification complète de l'horizon"
REASON_NO_ROOM = "aucune place libre compatible pour la replacer"
REASON_SKIPPED = "répétition sautée : l'arrêt garde son jour, son créneau et son véhicule"
REASON_FREED = "place libérée proposée à un arrêt non planifié (fill_freed)"
REASON_REPLACED = "replacée à la place libre la moins coûteuse en trajet"
REASON_MOVE_ASKED = "déplacée à la demande du responsable"


def move_label(old: Visit, new: Visit) -> str:
    """« visite déplacée du mardi 6 mai matin au jeudi 8 mai après-midi » (and the new van
    when it changed)."""
    van = f" ({new.van})" if new.van != old.van else ""
    return (
        f"visite déplacée du {place_fr(old.date, old.slot)} au {place_fr(new.date, new.slot)}{van}"
    )


VKey = tuple[dt.date, str, str, str]


def key(v: Visit) -> VKey:
    """The identity of a visit in a plan."""
    return (v.date, v.van, v.slot, v.stop_id)


@dataclass(frozen=True)
class PlanDiff:
    """Visits kept, moved (old, new), removed, added and retimed (old, new) between two plans."""

    kept: tuple[Visit, ...]
    moved: tuple[tuple[Visit, Visit], ...]
    removed: tuple[Visit, ...]
    added: tuple[Visit, ...]
    retimed: tuple[tuple[Visit, Visit], ...]


def compare(old: Plan, new: Plan, *, pairs: Mapping[VKey, VKey] | None = None) -> PlanDiff:
    """Pair the visits of ``old`` and ``new`` (moves pair a stop's lost and gained visits;
    ``pairs`` maps a new visit to the old one it replaces: a manager's move)."""
    old_keys = {key(v) for v in old.visits}
    new_by_key = {key(v): v for v in new.visits}
    old_by_key = {key(v): v for v in old.visits}
    asked = {
        o: new_by_key[n]
        for n, o in (pairs or {}).items()
        if n in new_by_key and n not in old_keys and o in old_by_key and o not in new_by_key
    }
    taken = {key(v) for v in asked.values()}
    kept = tuple(v for v in new.visits if key(v) in old_keys)
    retimed = tuple(
        (v, new_by_key[key(v)])
        for v in old.visits
        if key(v) in new_by_key and new_by_key[key(v)].arrival_s != v.arrival_s
    )
    gained: dict[str, list[Visit]] = defaultdict(list)
    for v in new.visits:
        if key(v) not in old_keys and key(v) not in taken:
            gained[v.stop_id].append(v)
    moved: list[tuple[Visit, Visit]] = []
    removed: list[Visit] = []
    for v in old.visits:
        if key(v) in new_by_key:
            continue
        if key(v) in asked:
            moved.append((v, asked[key(v)]))
        elif gained[v.stop_id]:
            moved.append((v, gained[v.stop_id].pop(0)))
        else:
            removed.append(v)
    added = tuple(v for vs in gained.values() for v in vs)
    return PlanDiff(kept, tuple(moved), tuple(removed), tuple(sorted(added, key=key)), retimed)


def _why_left(problem: ItineraryProblem, v: Visit) -> str | None:
    """Why the old place of ``v`` no longer exists in ``problem`` (None: it still does)."""
    if v.date in problem.calendar.closed:
        return "date fermée"
    if v.date in problem.van_unavailable.get(v.van, frozenset()):
        return f"véhicule {v.van} indisponible"
    return None


def _periodic(problem: ItineraryProblem, stop_id: str) -> bool:
    stop = next((c for c in problem.candidates if c.id == stop_id), None)
    return (
        stop is not None and stop.frequency is not None and stop.frequency.period_weeks is not None
    )


def changes_of(
    problem: ItineraryProblem,
    diff: PlanDiff,
    *,
    cancelled: Mapping[str, frozenset[dt.date] | None],
    full: bool,
    asked: frozenset[VKey] = frozenset(),
) -> tuple[PlanChange, ...]:
    """The French-labelled change records of ``diff``.

    ``cancelled`` maps a cancelled stop to its cancelled dates (None: every date); ``asked``
    holds the new places of the manager's moves (« visite déplacée du mardi 6 mai matin au
    jeudi 8 mai après-midi », :data:`REASON_MOVE_ASKED`).
    """

    def was_cancelled(v: Visit) -> bool:
        if v.stop_id not in cancelled:
            return False
        dates = cancelled[v.stop_id]
        return dates is None or v.date in dates

    out: list[PlanChange] = []
    for v in diff.removed:
        kind = "cancelled" if was_cancelled(v) else "removed"
        if kind == "cancelled":
            reason = REASON_ASKED
        else:
            why = _why_left(problem, v)
            if full and why is None:
                reason = REASON_FULL
            elif _periodic(problem, v.stop_id):
                reason = f"{why or 'place perdue'} ; {REASON_SKIPPED}"
            else:
                reason = f"{why or 'place perdue'} ; {REASON_NO_ROOM}"
        out.append(_record("removed", LABELS[kind], v, reason=reason))
    for a, b in diff.moved:
        if key(b) in asked:
            out.append(_record("moved", move_label(a, b), a, new=b, reason=REASON_MOVE_ASKED))
            continue
        why = _why_left(problem, a)
        reason = REASON_FULL if full else f"{why or 'place perdue'} ; {REASON_REPLACED}"
        out.append(_record("moved", LABELS["moved"], a, new=b, reason=reason))
    for v in diff.added:
        out.append(
            _record("added", LABELS["added"], v, reason=REASON_FULL if full else REASON_FREED)
        )
    for a, b in diff.retimed:
        reason = f"arrivée {hhmm(a.arrival_s)} -> {hhmm(b.arrival_s)} : la tournée du jour a changé"
        out.append(_record("retimed", LABELS["retimed"], a, reason=reason))
    return tuple(out)


def _record(
    change: str, label: str, v: Visit, *, new: Visit | None = None, reason: str
) -> PlanChange:
    return PlanChange(
        change=change,
        label=label,
        stop_id=v.stop_id,
        stop_name=v.stop_name,
        date=v.date,
        van=v.van,
        slot=v.slot,
        new_date=new.date.isoformat() if new is not None else "",
        new_van=new.van if new is not None else "",
        new_slot=new.slot if new is not None else "",
        reason=reason,
    )


def summary_fr(diff: PlanDiff, changes: tuple[PlanChange, ...]) -> str:
    """One French sentence: how many visits kept, moved, cancelled, removed, added."""
    n_cancelled = sum(1 for c in changes if c.label == LABELS["cancelled"])
    return (
        f"Re-planification : {len(diff.kept)} visite(s) inchangée(s), "
        f"{len(diff.moved)} déplacée(s), {n_cancelled} annulée(s), "
        f"{len(diff.removed) - n_cancelled} supprimée(s), {len(diff.added)} ajoutée(s) ; "
        f"{len(diff.retimed)} arrivée(s) modifiée(s)."
    )
