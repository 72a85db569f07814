"""The itinerary problem: candidate stops, vans, slots and a calendar, in integer seconds.

A visit fills one half-day *slot* (for example 09:00-12:00) of one van on one date: the van
arrives by the slot start (set-up time is inside the slot), the session runs from the slot start
for the stop's service time (the whole slot by default). A van day leaves its base, visits at
most one stop per slot and comes back.

Objective (maximised), in integer points::

    objective = NEED_POINTS * need_served - DRIVE_POINTS * drive_seconds

with ``NEED_POINTS = 3600`` and ``DRIVE_POINTS = 1``: one point of need per visit is worth one
hour of driving. A visit's need is its commune's need score (0-100,
:mod:`planner.coverage.need`, the number every output shows). On the demo territories the
candidates score 8.7 to 57 while the longest base -> stop -> base round trip takes 1.7 h, so
dropping a stop to save driving never pays and need dominates (lexicographic in effect);
between stops within about a point of each other, driving decides. ``need_served`` sums the
need of every planned visit (a weekly stop visited four times serves its need four times).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from planner.errors import InvalidProblemError
from planner.fleet import DEFAULT_SLOTS, Person, Slot, Van
from planner.itinerary.calendar import PlanningCalendar, build_calendar
from planner.itinerary.candidate import APPROACHES, KINDS, PERIODS, Candidate, Frequency
from planner.itinerary.fixed import FixedVisit

__all__ = [
    "APPROACHES", "DRIVE_POINTS", "KINDS", "NEED_POINTS", "PERIODS", "BaseLocation",
    "Candidate", "Frequency", "ItineraryProblem",
]  # fmt: skip

NEED_POINTS = 3600
DRIVE_POINTS = 1


@dataclass(frozen=True)
class BaseLocation:
    """A base (head office or antenna, :class:`planner.fleet.Base`) at a matrix location."""

    id: str
    name: str
    location: int
    lon: float = 0.0
    lat: float = 0.0


@dataclass(frozen=True, eq=False)
class ItineraryProblem:
    """Everything the itinerary engine needs, checked on construction.

    ``durations`` (s) and ``distances`` (m) are square int64 matrices over matrix locations;
    ``reachable[i, j]`` is False when no road links ``i`` to ``j``. ``van_needs`` is what every
    session of a van needs from the place (``parking`` for a vehicle; nothing for a team on
    foot); ``van_unavailable`` maps a van id to the dates it cannot work (breakdown, leave);
    ``stop_cancelled`` maps a stop id to the dates its visit is cancelled (re-planning: the
    stop is planned on its other dates, never on these). ``excluded`` lists the communes the
    manager excluded, as ``(stop id, name, French reason)``: they are no candidate, every plan
    reports them among its dropped stops and the validator refuses a visit of them.

    Resources of both kinds plan together: ``van_needs`` apply to vans only (a team has no
    vehicle), ``people`` are the crews' members (a person is on at most one resource a day, and
    a resource works only the weekdays of all its crew), ``mode_durations`` the travel times
    of the modes other than ``voiture`` (``transports``, ``pied``; same shape as
    ``durations``), used by the teams that travel so.

    ``fixed`` are the visits the manager locked or moved (:mod:`.fixed`): every plan of the
    problem holds each of them exactly (re-planning).
    """

    durations: np.ndarray
    distances: np.ndarray
    reachable: np.ndarray
    bases: tuple[BaseLocation, ...]
    vans: tuple[Van, ...]
    candidates: tuple[Candidate, ...]
    calendar: PlanningCalendar
    slots: tuple[Slot, ...] = DEFAULT_SLOTS
    setup_s: int = 1800
    territory: str = ""
    travel_time_method: str = "matrix"
    notes: tuple[str, ...] = ()
    travel_time: str = ""  # French sentence: how travel times were obtained, with parameters
    van_needs: frozenset[str] = frozenset()
    van_unavailable: Mapping[str, frozenset[dt.date]] = field(default_factory=dict)
    stop_cancelled: Mapping[str, frozenset[dt.date]] = field(default_factory=dict)
    excluded: tuple[tuple[str, str, str], ...] = ()
    people: tuple[Person, ...] = ()
    mode_durations: Mapping[str, np.ndarray] = field(default_factory=dict)
    fixed: tuple[FixedVisit, ...] = ()

    def __post_init__(self) -> None:
        n = self.durations.shape[0] if self.durations.ndim == 2 else -1
        for name, arr in (("durées", self.durations), ("distances", self.distances)):
            if arr.shape != (n, n) or n <= 0:
                raise InvalidProblemError(
                    f"Matrice des {name} : carrée non vide attendue, reçu {arr.shape}.",
                    hint="Construisez les matrices sur la même liste de lieux.",
                )
        if self.reachable.shape != (n, n):
            raise InvalidProblemError(
                f"Masque d'accessibilité : {(n, n)} attendu, reçu {self.reachable.shape}.",
                hint="Donnez un masque booléen de même forme que les matrices.",
            )
        if not self.vans:
            raise InvalidProblemError(
                "Aucun véhicule : au moins un véhicule (ou une équipe à pied) est attendu.",
                hint="Ajoutez un véhicule rattaché à une base.",
            )
        base_ids = {b.id for b in self.bases}
        for base in self.bases:
            _check_location(base.location, n, f"Base {base.id}")
        for van in self.vans:
            if van.base not in base_ids:
                raise InvalidProblemError(
                    f"Véhicule {van.id} : base {van.base!r} inconnue.",
                    hint=f"Bases connues : {', '.join(sorted(base_ids)) or 'aucune'}.",
                )
        _check_unique([v.id for v in self.vans], "véhicule")
        _check_unique([p.id for p in self.people], "personne")
        people = {p.id for p in self.people}
        for van in self.vans:
            unknown_crew = sorted(set(van.crew) - people)
            if unknown_crew:
                raise InvalidProblemError(
                    f"{van.label} : personne(s) inconnue(s) dans l'équipage : "
                    f"{', '.join(unknown_crew)}.",
                    hint=f"Personnes déclarées : {', '.join(sorted(people)) or 'aucune'} "
                    "(sections [[people]] de la spécification).",
                )
            if van.mode != "voiture" and van.mode not in self.mode_durations:
                raise InvalidProblemError(
                    f"{van.label} : pas de temps de trajet pour le mode {van.mode!r}.",
                    hint="Donnez mode_durations[mode] (voir planner.travel_modes).",
                )
        for mode, arr in self.mode_durations.items():
            if np.shape(arr) != (n, n):
                raise InvalidProblemError(
                    f"Durées du mode {mode} : {(n, n)} attendu, reçu {np.shape(arr)}.",
                    hint="Construisez les matrices sur la même liste de lieux.",
                )
        unknown = sorted(set(self.van_unavailable) - {v.id for v in self.vans})
        if unknown:
            raise InvalidProblemError(
                f"Indisponibilités pour un véhicule inconnu : {', '.join(unknown)}.",
                hint=f"Véhicules connus : {', '.join(v.id for v in self.vans)}.",
            )
        _check_unique([c.id for c in self.candidates], "arrêt")
        unknown = sorted(set(self.stop_cancelled) - {c.id for c in self.candidates})
        if unknown:
            raise InvalidProblemError(
                f"Visites annulées pour un arrêt inconnu : {', '.join(unknown)}.",
                hint="Annulez seulement des arrêts du problème (champ stop_id de plan.json).",
            )
        van_ids = {v.id for v in self.vans}
        for c in self.candidates:
            _check_location(c.location, n, f"Arrêt {c.id}")
            if c.pin_slot is not None and c.pin_slot >= len(self.slots):
                raise InvalidProblemError(
                    f"Arrêt {c.id} : créneau épinglé {c.pin_slot} hors des {len(self.slots)} "
                    "créneaux.",
                    hint="Épinglez l'arrêt sur un créneau du territoire.",
                )
            if c.pin_van is not None and c.pin_van not in van_ids:
                raise InvalidProblemError(
                    f"Arrêt {c.id} : véhicule épinglé {c.pin_van!r} inconnu.",
                    hint=f"Véhicules connus : {', '.join(sorted(van_ids))}.",
                )
        both = sorted({e[0] for e in self.excluded} & {c.id for c in self.candidates})
        if both:
            raise InvalidProblemError(
                f"Arrêt(s) à la fois candidat(s) et exclu(s) : {', '.join(both)}.",
                hint="Retirez les communes exclues des candidats.",
            )
        if not self.slots:
            raise InvalidProblemError("Aucun créneau.", hint="Donnez au moins un créneau.")
        self._check_fixed()
        ordered = sorted(self.slots, key=lambda s: s.start_s)
        if list(self.slots) != ordered or any(
            a.end_s > b.start_s for a, b in zip(ordered, ordered[1:], strict=False)
        ):
            raise InvalidProblemError(
                "Créneaux : attendus dans l'ordre de la journée et sans chevauchement.",
                hint="Triez les créneaux (matin puis après-midi).",
            )

    def _check_fixed(self) -> None:
        stops = {c.id for c in self.candidates}
        vans = {v.id for v in self.vans}
        slots = {s.name for s in self.slots}
        for f in self.fixed:
            what = f"Visite fixée {f.stop_id} le {f.date.isoformat()}"
            if f.stop_id not in stops:
                raise InvalidProblemError(
                    f"{what} : arrêt inconnu du problème.",
                    hint="Fixez seulement des visites d'arrêts candidats.",
                )
            if f.van not in vans or f.slot not in slots:
                raise InvalidProblemError(
                    f"{what} : véhicule {f.van!r} ou créneau {f.slot!r} inconnu.",
                    hint=f"Véhicules : {', '.join(sorted(vans))} ; créneaux : "
                    f"{', '.join(s.name for s in self.slots)}.",
                )

    # -- helpers -------------------------------------------------------------------------
    def base_of(self, van: Van) -> BaseLocation:
        return next(b for b in self.bases if b.id == van.base)

    def needs_of(self, van: Van) -> frozenset[str]:
        """What every session of ``van`` needs from its place: ``van_needs`` for a van,
        nothing for a team."""
        return self.van_needs if van.kind == "vehicule" else frozenset()

    def durations_for(self, van: Van) -> np.ndarray:
        """The travel-time matrix of ``van``'s mode (``durations`` by car)."""
        return self.durations if van.mode == "voiture" else self.mode_durations[van.mode]

    def works(self, van: Van, weekday: int) -> bool:
        """True when ``van`` and every member of its crew work ``weekday``."""
        if weekday not in van.working_days:
            return False
        return all(weekday in self.person_days[pid] for pid in van.crew)

    @cached_property
    def person_days(self) -> dict[str, tuple[int, ...]]:
        """Each person's working weekdays (built once per problem)."""
        return {p.id: p.working_days for p in self.people}

    def unavailable(self, van: Van) -> frozenset[dt.date]:
        """Dates ``van`` cannot work (besides closed dates and public holidays)."""
        return self.van_unavailable.get(van.id, frozenset())

    def cancelled(self, c: Candidate) -> frozenset[dt.date]:
        """Dates the visit of ``c`` is cancelled (re-planning)."""
        return self.stop_cancelled.get(c.id, frozenset())

    def service_of(self, c: Candidate, slot: Slot) -> int:
        """Session length of ``c`` in ``slot`` (:meth:`Candidate.session`)."""
        return c.session(slot)[1]

    def candidate(self, stop_id: str) -> Candidate:
        for c in self.candidates:
            if c.id == stop_id:
                return c
        from planner.errors import NotFoundError

        raise NotFoundError(
            f"Arrêt {stop_id!r} inconnu dans ce problème.",
            hint="Vérifiez l'identifiant de l'arrêt (voir plan.json, champ stop_id).",
        )

    def van(self, van_id: str) -> Van:
        for v in self.vans:
            if v.id == van_id:
                return v
        from planner.errors import NotFoundError

        raise NotFoundError(
            f"Véhicule {van_id!r} inconnu.",
            hint=f"Véhicules connus : {', '.join(v.id for v in self.vans)}.",
        )

    def replace(self, **changes: object) -> ItineraryProblem:
        """A copy with some fields changed (used by re-planning)."""
        from dataclasses import replace as dc_replace

        return dc_replace(self, **changes)  # type: ignore[arg-type]

    # -- constructors --------------------------------------------------------------------
    @classmethod
    def from_matrix(
        cls,
        durations: np.ndarray,
        distances: np.ndarray,
        *,
        candidates: tuple[Candidate, ...] | list[Candidate],
        bases: tuple[BaseLocation, ...] | list[BaseLocation],
        vans: tuple[Van, ...] | list[Van],
        start: dt.date,
        weeks: int,
        reachable: np.ndarray | None = None,
        slots: tuple[Slot, ...] = DEFAULT_SLOTS,
        setup_s: int = 1800,
        school_zone: str = "A",
        closed: frozenset[dt.date] = frozenset(),
        today: dt.date | None = None,
        territory: str = "",
        travel_time_method: str = "matrix",
        travel_time: str = "",
        van_needs: frozenset[str] = frozenset(),
        van_unavailable: Mapping[str, frozenset[dt.date]] | None = None,
        excluded: tuple[tuple[str, str, str], ...] = (),
        people: tuple[Person, ...] = (),
        mode_durations: Mapping[str, np.ndarray] | None = None,
    ) -> ItineraryProblem:
        """Build a problem from plain arrays (what tests, benchmarks and the workflows use).

        ``today``, when given, lets the problem say that a start date lies in the past
        (allowed, noted in ``notes``).
        """
        dur = np.asarray(durations)
        dist = np.asarray(distances)
        finite = np.isfinite(dur) & np.isfinite(dist)
        reach = finite if reachable is None else np.asarray(reachable, dtype=bool) & finite
        dur_i = np.where(reach, dur, 0).astype(np.int64)
        dist_i = np.where(reach, dist, 0).astype(np.int64)
        if (dur_i < 0).any() or (dist_i < 0).any():
            raise InvalidProblemError(
                "Matrices : durées ou distances négatives.",
                hint="Vérifiez le calcul des temps de trajet.",
            )
        calendar = build_calendar(start, weeks, zone=school_zone, closed=frozenset(closed))
        notes = list(calendar.notes)
        if today is not None and start < today:
            notes.append(
                f"La date de début {start.isoformat()} est passée (aujourd'hui "
                f"{today.isoformat()}) : plan calculé quand même."
            )
        return cls(
            durations=dur_i,
            distances=dist_i,
            reachable=reach,
            bases=tuple(bases),
            vans=tuple(vans),
            candidates=tuple(candidates),
            calendar=calendar,
            slots=tuple(slots),
            setup_s=setup_s,
            territory=territory,
            travel_time_method=travel_time_method,
            notes=tuple(notes),
            travel_time=travel_time,
            van_needs=frozenset(van_needs),
            van_unavailable=dict(van_unavailable or {}),
            excluded=tuple(excluded),
            people=tuple(people),
            mode_durations={
                m: np.where(reach, np.asarray(a), 0).astype(np.int64)
                for m, a in (mode_durations or {}).items()
            },
        )


def _check_location(loc: int, n: int, what: str) -> None:
    if not 0 <= loc < n:
        raise InvalidProblemError(
            f"{what} : lieu {loc} hors des matrices (0..{n - 1}).",
            hint="Vérifiez les indices des lieux.",
        )


def _check_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InvalidProblemError(
                f"Identifiant de {what} en double : {i!r}.",
                hint="Donnez un identifiant unique à chacun.",
            )
        seen.add(i)
