"""Checks of re-planning changes against a plan alone (its horizon, vans, visits and locks).

The service runs :func:`check_changes` before it queues a re-plan job, so that an unknown stop,
an unknown van, a date outside the plan, a visit to move that the plan does not hold or a change
touching a locked visit is refused at once with what is valid; the re-planning itself
(:func:`planner.itinerary.replan_changes.apply_changes`) runs the same checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.fixed import VisitKey, place_fr

if TYPE_CHECKING:
    from planner.itinerary.plan import Plan, Visit
    from planner.itinerary.replan_changes import Change

LOCKED = "Visite verrouillée : déverrouillez-la d'abord"
LOCKED_HINT = (
    "Retirez son verrou (PUT /plans/{id}/locks sans cette visite), puis refaites la demande ; "
    "ou laissez cette visite en place."
)

#: stops listed in a hint before « ... »
MAX_LISTED = 25


def listing(items: Iterable[str]) -> str:
    """``a, b, c`` (at most :data:`MAX_LISTED`, then « ... et N autres »)."""
    values = list(items)
    head = ", ".join(values[:MAX_LISTED])
    rest = len(values) - MAX_LISTED
    return f"{head} ... et {rest} autre(s)" if rest > 0 else head or "aucun"


def check_in_horizon(dates: Iterable[dt.date], first: dt.date, last: dt.date) -> None:
    """Every date between ``first`` and ``last`` (the plan's horizon)."""
    for date in sorted(dates):
        if not first <= date <= last:
            raise InvalidProblemError(
                f"Date {date.isoformat()} hors de l'horizon du plan "
                f"({first.isoformat()} - {last.isoformat()}).",
                hint="Donnez une date comprise dans les semaines planifiées.",
            )


def check_van(van: str | None, vans: Sequence[str]) -> None:
    """``van`` (when given) is one of ``vans``."""
    if van is not None and van not in vans:
        raise NotFoundError(f"Véhicule {van!r} inconnu.", hint=f"Véhicules : {', '.join(vans)}.")


def not_in_plan(plan: Plan, stop_id: str | None, *, verb: str, order: str) -> InvalidProblemError:
    """The error of a change naming a stop the plan does not visit (``verb``: « annuler »;
    ``order``: « Annulez un arrêt planifié »), listing the planned stops."""
    names = {v.stop_id: v.stop_name for v in plan.visits}
    planned = listing(f"{k} ({names[k]})" for k in sorted(names))
    return InvalidProblemError(
        f"Arrêt {stop_id!r} absent du plan : aucune visite à {verb}.",
        hint=f"{order} (liste « visits » du plan) ; arrêts planifiés : {planned}.",
    )


def check_cancel_in_plan(plan: Plan, ch: Change) -> None:
    """A cancellation names a stop the plan visits, on dates it is visited."""
    visited = sorted({v.date for v in plan.visits if v.stop_id == ch.stop_id})
    if not visited:
        raise not_in_plan(plan, ch.stop_id, verb="annuler", order="Annulez un arrêt planifié")
    missing = sorted(ch.dates - set(visited))
    if missing:
        raise InvalidProblemError(
            f"Arrêt {ch.stop_id!r} : pas de visite le "
            f"{', '.join(d.isoformat() for d in missing)} dans ce plan "
            f"(visites : {', '.join(d.isoformat() for d in visited)}).",
            hint="Donnez des dates où l'arrêt est planifié, ou aucune date pour toutes.",
        )


def visits_fr(visits: Iterable[Visit]) -> str:
    """``mardi 6 mai matin (V1), ...``."""
    return listing(f"{place_fr(v.date, v.slot)} ({v.van})" for v in visits)


def find_visit(plan: Plan, stop_id: str, date: dt.date, van: str | None) -> Visit:
    """The visit of ``stop_id`` on ``date`` (by ``van`` when given: needed when two resources
    visit the stop that day)."""
    own = sorted((v for v in plan.visits if v.stop_id == stop_id), key=lambda v: (v.date, v.van))
    if not own:
        raise not_in_plan(plan, stop_id, verb="déplacer", order="Déplacez une visite planifiée")
    that_day = [v for v in own if v.date == date and (van is None or v.van == van)]
    if not that_day:
        on = f" avec {van}" if van is not None else ""
        raise InvalidProblemError(
            f"Arrêt {stop_id!r} : pas de visite le {date.isoformat()}{on} dans ce plan "
            f"(visites : {visits_fr(own)}).",
            hint="Donnez la date (et le véhicule) d'une visite planifiée de l'arrêt.",
        )
    if len(that_day) > 1:
        raise InvalidProblemError(
            f"Arrêt {stop_id!r} : {len(that_day)} visites le {date.isoformat()} "
            f"({', '.join(v.van for v in that_day)}) : laquelle déplacer ?",
            hint="Précisez le véhicule de la visite à déplacer (champ « van »).",
        )
    return that_day[0]


def lock_key(v: Visit) -> VisitKey:
    return (v.date, v.van, v.stop_id)


def lock_keys(plan: Plan, locked: Iterable[VisitKey] = ()) -> frozenset[VisitKey]:
    """The locks of a re-plan: the plan's locked visits and ``locked`` (each a visit of the
    plan: date, van, stop)."""
    locked = frozenset(locked)
    check_visit_keys(plan, locked)
    return locked | {lock_key(v) for v in plan.visits if v.locked}


def check_visit_keys(plan: Plan, keys: Iterable[VisitKey]) -> None:
    """Each key ``(date, van, stop_id)`` names a visit of ``plan`` (French error otherwise)."""
    held = {lock_key(v) for v in plan.visits}
    for date, van, stop_id in sorted(set(keys)):
        if (date, van, stop_id) not in held:
            own = [v for v in plan.visits if v.stop_id == stop_id]
            raise InvalidProblemError(
                f"Verrou : pas de visite de {stop_id!r} le {date.isoformat()} avec {van} dans "
                "ce plan.",
                hint=f"Verrouillez une visite du plan (date, van, stop_id) ; visites de "
                f"{stop_id!r} : {visits_fr(own)}.",
            )


def touched(plan: Plan, ch: Change) -> list[Visit]:
    """The plan's visits ``ch`` removes from their place (cancelled, closed, van down, moved)."""
    if ch.kind == "move_visit":
        return [find_visit(plan, str(ch.stop_id), min(ch.dates), ch.van)]
    if ch.kind == "cancel_stop":
        return [
            v
            for v in plan.visits
            if v.stop_id == ch.stop_id and (not ch.dates or v.date in ch.dates)
        ]
    return [
        v
        for v in plan.visits
        if (ch.van is None or v.van == ch.van) and (v.date in ch.dates or not ch.dates)
    ]


def check_locks(plan: Plan, changes: Sequence[Change], locks: frozenset[VisitKey]) -> None:
    """Refuse a change that would take a locked visit from its place."""
    for ch in changes:
        for v in touched(plan, ch):
            if lock_key(v) in locks:
                raise InvalidProblemError(
                    f"{LOCKED} ({v.stop_name}, {v.stop_id}, {place_fr(v.date, v.slot)}, {v.van}).",
                    hint=LOCKED_HINT,
                )


def plan_vans(plan: Plan) -> list[str]:
    """The vans of the plan's problem (every van has a base), then any van of its days."""
    vans = list(plan.van_bases)
    return vans + sorted({d.van for d in plan.days} - set(vans))


def check_changes(
    plan: Plan, changes: Sequence[Change], *, locked: Iterable[VisitKey] = ()
) -> None:
    """Refuse (French errors listing what is valid) a change the plan cannot take: a date
    outside its horizon, an unknown van, a stop it does not visit, a date without a visit of
    that stop, a visit to move it does not hold, or a change touching a locked visit (the
    plan's locks and ``locked``)."""
    first = plan.start
    last = first + dt.timedelta(days=7 * plan.weeks - 1)
    vans = plan_vans(plan)
    for ch in changes:
        check_in_horizon(ch.dates | ({ch.to_date} if ch.to_date else set()), first, last)
        if ch.kind == "cancel_stop":
            check_cancel_in_plan(plan, ch)
        elif ch.kind == "move_visit":
            check_van(ch.to_van, vans)
            find_visit(plan, str(ch.stop_id), min(ch.dates), ch.van)
        else:
            check_van(ch.van, vans)
    check_locks(plan, changes, lock_keys(plan, locked))
