"""Checks of re-planning changes against a plan alone (its horizon, vans and visits).

The service runs :func:`check_changes` before it queues a re-plan job, so that an unknown stop,
an unknown van or a date outside the plan is refused at once with what is valid; the re-planning
itself (:func:`planner.itinerary.replan.apply_changes`) runs the same checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from planner.errors import InvalidProblemError, NotFoundError

if TYPE_CHECKING:
    from planner.itinerary.plan import Plan
    from planner.itinerary.replan import Change

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


def check_cancel_in_plan(plan: Plan, ch: Change) -> None:
    """A cancellation names a stop the plan visits, on dates it is visited."""
    visited = sorted({v.date for v in plan.visits if v.stop_id == ch.stop_id})
    if not visited:
        names = {v.stop_id: v.stop_name for v in plan.visits}
        planned = listing(f"{k} ({names[k]})" for k in sorted(names))
        raise InvalidProblemError(
            f"Arrêt {ch.stop_id!r} absent du plan : aucune visite à annuler.",
            hint=f"Annulez un arrêt planifié (liste « visits » du plan) ; arrêts planifiés : "
            f"{planned}.",
        )
    missing = sorted(ch.dates - set(visited))
    if missing:
        raise InvalidProblemError(
            f"Arrêt {ch.stop_id!r} : pas de visite le "
            f"{', '.join(d.isoformat() for d in missing)} dans ce plan "
            f"(visites : {', '.join(d.isoformat() for d in visited)}).",
            hint="Donnez des dates où l'arrêt est planifié, ou aucune date pour toutes.",
        )


def plan_vans(plan: Plan) -> list[str]:
    """The vans of the plan's problem (every van has a base), then any van of its days."""
    vans = list(plan.van_bases)
    return vans + sorted({d.van for d in plan.days} - set(vans))


def check_changes(plan: Plan, changes: Sequence[Change]) -> None:
    """Refuse (French errors listing what is valid) a change the plan cannot take: a date
    outside its horizon, an unknown van, a stop it does not visit or a date without a visit of
    that stop."""
    first = plan.start
    last = first + dt.timedelta(days=7 * plan.weeks - 1)
    vans = plan_vans(plan)
    for ch in changes:
        check_in_horizon(ch.dates, first, last)
        if ch.kind == "cancel_stop":
            check_cancel_in_plan(plan, ch)
        else:
            check_van(ch.van, vans)
