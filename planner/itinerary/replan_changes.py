"""The changes a re-plan applies, and the changed problem they give.

A :class:`Change` is one of :data:`KINDS`: a stop cancelled (every date or some), a date closed
(every van or one), a van down, or a visit moved by the manager (``move_visit``: the visit of
``stop_id`` on ``dates = {from}``, by ``van`` when two resources visit it that day, goes to
``to_date``, ``to_slot`` and ``to_van``, its van by default). :func:`prepare` checks the changes
against the plan and its locks and returns the changed problem: cancellations, closures and
unavailabilities in its calendar and tables, and in ``fixed`` (:mod:`.fixed`) the visits the
new plan must hold: the locked ones, the ones the manager moved before (still where they were
moved) and the moves asked now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.fixed import FixedVisit, VisitKey, place_fr
from planner.itinerary.plan import Plan, Visit
from planner.itinerary.problem import ItineraryProblem
from planner.itinerary.replan_check import (
    check_cancel_in_plan,
    check_in_horizon,
    check_locks,
    check_van,
    find_visit,
    lock_key,
    lock_keys,
)

KINDS = ("cancel_stop", "close_date", "van_down", "move_visit")
#: the kinds that name a stop
STOP_KINDS = ("cancel_stop", "move_visit")


@dataclass(frozen=True)
class Change:
    """One change.

    ``cancel_stop`` (``stop_id``; ``dates``: only the visits of those dates, none: every visit
    of the stop), ``close_date`` (``dates``, all vans or one ``van``), ``van_down`` (``van``;
    ``dates``: those days only, none: the whole horizon) or ``move_visit`` (``stop_id``, its
    visit's date as the one element of ``dates``, ``van`` when two resources visit the stop
    that day; ``to_date``, ``to_slot``, ``to_van``: the van of the visit when None).
    """

    kind: str
    stop_id: str | None = None
    van: str | None = None
    dates: frozenset[dt.date] = frozenset()
    to_date: dt.date | None = None
    to_slot: str | None = None
    to_van: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidProblemError(
                f"Changement {self.kind!r} inconnu (attendu : {', '.join(KINDS)}).",
                hint="Annulez un arrêt, fermez une date, déclarez un véhicule en panne ou "
                "déplacez une visite.",
            )
        if self.kind in STOP_KINDS and not self.stop_id:
            raise InvalidProblemError(
                f"{_WHAT[self.kind]} : identifiant de l'arrêt (stop_id) manquant.",
                hint=f"Donnez le stop_id de l'arrêt à {_VERB[self.kind]} (champ stop_id de "
                "plan.json).",
            )
        if self.kind == "cancel_stop" and self.van is not None:
            raise InvalidProblemError(
                f"Annulation d'arrêt : véhicule {self.van!r} inattendu (une visite annulée "
                "l'est pour tous les véhicules).",
                hint="Retirez « van » ; pour un véhicule en panne, utilisez van_down.",
            )
        if self.kind not in STOP_KINDS and self.stop_id is not None:
            raise InvalidProblemError(
                f"Changement {self.kind} : stop_id {self.stop_id!r} inattendu (seules "
                "l'annulation d'arrêt, cancel_stop, et le déplacement de visite, move_visit, "
                "visent un arrêt).",
                hint="Retirez « stop_id », ou utilisez cancel_stop avec ses dates.",
            )
        if self.kind == "close_date" and not self.dates:
            raise InvalidProblemError(
                "Fermeture de date : aucune date donnée.",
                hint="Donnez au moins une date du plan dans « dates » (AAAA-MM-JJ).",
            )
        if self.kind == "van_down" and self.van is None:
            raise InvalidProblemError(
                "Véhicule en panne : identifiant du véhicule manquant.",
                hint="Précisez le véhicule concerné.",
            )
        self._check_move()

    def _check_move(self) -> None:
        given = [k for k in ("to_date", "to_slot", "to_van") if getattr(self, k) is not None]
        if self.kind != "move_visit":
            if given:
                raise InvalidProblemError(
                    f"Changement {self.kind} : {', '.join(given)} inattendu (seul le "
                    "déplacement de visite, move_visit, a une destination).",
                    hint="Retirez ces champs, ou utilisez move_visit.",
                )
            return
        if len(self.dates) != 1:
            raise InvalidProblemError(
                f"Déplacement de visite : une date d'origine attendue dans « dates », "
                f"{len(self.dates)} reçue(s).",
                hint="Donnez la date de la visite à déplacer, par exemple dates = [2026-01-06].",
            )
        missing = [k for k in ("to_date", "to_slot") if getattr(self, k) is None]
        if missing:
            raise InvalidProblemError(
                f"Déplacement de visite : {' et '.join(missing)} manquant(s).",
                hint="Donnez la nouvelle date (to_date, AAAA-MM-JJ) et le nouveau créneau "
                "(to_slot : matin, apres-midi).",
            )


_WHAT = {"cancel_stop": "Annulation d'arrêt", "move_visit": "Déplacement de visite"}
_VERB = {"cancel_stop": "annuler", "move_visit": "déplacer"}
_IMPOSSIBLE = {
    "cancel_stop": "impossible de l'annuler",
    "move_visit": "impossible de déplacer sa visite",
}


@dataclass(frozen=True)
class Prepared:
    """The changed problem, the stops cancelled on every date and the moves asked (each: the
    plan's visit and where it goes)."""

    problem: ItineraryProblem
    cancelled: frozenset[str]
    moves: tuple[tuple[Visit, FixedVisit], ...]


def _check_dates(problem: ItineraryProblem, ch: Change) -> None:
    days = problem.calendar.days
    dates = ch.dates | ({ch.to_date} if ch.to_date is not None else set())
    check_in_horizon(dates, days[0].date, days[-1].date)


def _check_stop(problem: ItineraryProblem, ch: Change) -> None:
    if ch.stop_id not in {c.id for c in problem.candidates}:
        raise NotFoundError(
            f"Arrêt {ch.stop_id!r} inconnu : {_IMPOSSIBLE[ch.kind]}.",
            hint="Vérifiez l'identifiant (champ stop_id de plan.json).",
        )


def _move(problem: ItineraryProblem, plan: Plan | None, ch: Change) -> tuple[Visit, FixedVisit]:
    if plan is None:
        raise InvalidProblemError(
            "Déplacement de visite : le plan d'origine est nécessaire.",
            hint="Déplacez une visite d'un plan (re-planification).",
        )
    old = find_visit(plan, str(ch.stop_id), min(ch.dates), ch.van)
    slots = [s.name for s in problem.slots]
    if ch.to_slot not in slots:
        raise NotFoundError(
            f"Créneau {ch.to_slot!r} inconnu.", hint=f"Créneaux du territoire : {', '.join(slots)}."
        )
    van = ch.to_van or old.van
    check_van(van, [v.id for v in problem.vans])
    to_date, to_slot = ch.to_date or old.date, str(ch.to_slot)
    if (to_date, van, to_slot) == (old.date, old.van, old.slot):
        raise InvalidProblemError(
            f"Déplacement de {old.stop_name} ({old.stop_id}) : la visite est déjà le "
            f"{place_fr(old.date, old.slot)} ({old.van}).",
            hint="Donnez une autre date, un autre créneau ou un autre véhicule.",
        )
    origin = old.origin or (old.date, old.van, old.slot)
    return old, FixedVisit(old.stop_id, to_date, van, to_slot, origin=origin)


def _periodic(problem: ItineraryProblem, v: Visit) -> bool:
    stop = next((c for c in problem.candidates if c.id == v.stop_id), None)
    return stop is not None and stop.visits_wanted is not None


def prepare(
    problem: ItineraryProblem,
    changes: list[Change],
    plan: Plan | None = None,
    *,
    locked: Iterable[VisitKey] = (),
) -> Prepared:
    """Check ``changes`` (against ``plan`` and its locks when given) and apply them."""
    cancelled: set[str] = set()
    by_date: dict[str, frozenset[dt.date]] = dict(problem.stop_cancelled)
    vans = [v.id for v in problem.vans]
    unavailable = dict(problem.van_unavailable)
    calendar = problem.calendar
    horizon = frozenset(d.date for d in calendar.days)
    moves: list[tuple[Visit, FixedVisit]] = []
    for ch in changes:
        _check_dates(problem, ch)
        if ch.kind in STOP_KINDS:
            _check_stop(problem, ch)
        if ch.kind == "move_visit":
            moves.append(_move(problem, plan, ch))
        elif ch.kind == "cancel_stop":
            if plan is not None:
                check_cancel_in_plan(plan, ch)
            if ch.dates:
                by_date[str(ch.stop_id)] = by_date.get(str(ch.stop_id), frozenset()) | ch.dates
            else:
                cancelled.add(str(ch.stop_id))
        else:
            check_van(ch.van, vans)
            if ch.kind == "close_date" and ch.van is None:
                calendar = calendar.with_closed(ch.dates)
            else:
                van = str(ch.van)
                unavailable[van] = unavailable.get(van, frozenset()) | (ch.dates or horizon)
    if len({lock_key(old) for old, _ in moves}) < len(moves):
        raise InvalidProblemError(
            "Déplacement de visite : la même visite est déplacée deux fois.",
            hint="Déplacez chaque visite une fois par re-planification.",
        )
    fixed: list[FixedVisit] = []
    if plan is not None:
        locks = lock_keys(plan, locked)
        check_locks(plan, changes, locks)
        moving = {lock_key(old) for old, _ in moves}

        def gone(v: Visit) -> bool:
            return (
                v.stop_id in cancelled
                or v.date in by_date.get(v.stop_id, ())
                or v.date in calendar.closed
                or v.date in unavailable.get(v.van, ())
            )

        for v in plan.visits:
            if lock_key(v) in moving or not (lock_key(v) in locks or v.origin):
                continue
            if not gone(v):
                fixed.append(
                    FixedVisit(
                        v.stop_id, v.date, v.van, v.slot, v.origin, locked=lock_key(v) in locks
                    )
                )
            elif v.origin is not None and v.origin[0] != v.date and _periodic(problem, v):
                # a moved repetition that loses its new place is missing on its origin's date
                by_date[v.stop_id] = by_date.get(v.stop_id, frozenset()) | {v.origin[0]}
        fixed += [f for _, f in moves]
    new = problem.replace(
        candidates=tuple(c for c in problem.candidates if c.id not in cancelled),
        van_unavailable=unavailable,
        calendar=calendar,
        stop_cancelled={k: v for k, v in by_date.items() if k not in cancelled},
        fixed=tuple(fixed),
    )
    return Prepared(new, frozenset(cancelled), tuple(moves))


def apply_changes(
    problem: ItineraryProblem,
    changes: list[Change],
    plan: Plan | None = None,
    *,
    locked: Iterable[VisitKey] = (),
) -> tuple[ItineraryProblem, frozenset[str]]:
    """The changed problem and the ids of stops cancelled on every date (removed from the
    candidates); a stop cancelled on some dates stays, with those dates in ``stop_cancelled``.
    With ``plan``, a cancellation must name a planned stop and dates it is visited, a move a
    visit of the plan, and no change may touch a locked visit (the plan's and ``locked``).
    """
    prepared = prepare(problem, changes, plan, locked=locked)
    return prepared.problem, prepared.cancelled
