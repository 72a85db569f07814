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
from enum import StrEnum

import numpy as np

from planner.errors import InvalidProblemError
from planner.fleet import DEFAULT_SLOTS, Slot, Van
from planner.hours import WeeklyHours
from planner.itinerary.calendar import PlanningCalendar, build_calendar

NEED_POINTS = 3600
DRIVE_POINTS = 1
PERIODS = ("always", "school_term", "school_holidays")


class Frequency(StrEnum):
    """How often a stop is visited; periodic stops keep the same weekday, slot and van."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    ONCE = "once"

    @property
    def period_weeks(self) -> int | None:
        """Weeks between two visits (monthly = every 4 weeks); None for a single visit."""
        return {"weekly": 1, "fortnightly": 2, "monthly": 4}.get(self.value)


@dataclass(frozen=True)
class Candidate:
    """A candidate stop.

    Parameters
    ----------
    id, name
        Stable identifier and French display name.
    location
        Row/column of the travel matrices.
    need
        Value of one visit (>= 0), see the module docstring.
    hours
        Host opening hours; the session ``[slot start, slot start + service]`` must fit.
    service_s
        Session length in seconds; None means the whole slot.
    market_day
        Weekday (0 = Monday) of the market when the stop is tied to it.
    frequency
        None: at most one visit, optional (prize-collecting). ONCE: one visit. Periodic ones
        repeat every 1, 2 or 4 weeks on the same weekday, slot and van.
    required
        The stop must be planned (or appear in ``dropped`` with the reason it cannot be).
    needs, amenities
        What the session needs (``power``, ``parking``...) and what the place is known to offer.
    period
        ``always``, ``school_term`` (outside school holidays only) or ``school_holidays``.
    unverified
        Amenities nobody confirmed at the place (« à vérifier », :mod:`planner.amenities`): a
        need among them does not drop the stop; its visits list it in ``Visit.to_check``.
    pin_weekday, pin_slot, pin_van
        A stop pinned by the manager (:class:`planner.rules.Pin`) is visited only on that
        weekday (0 = Monday), in that slot (index in ``ItineraryProblem.slots``) and, when
        set, by that van; None leaves the choice free.
    why
        French sentences saying why the stop is a candidate with this frequency (need of its
        catchment, history, pin...); the engine ignores them, the plan's ``stops`` table shows
        them.
    """

    id: str
    name: str
    location: int
    need: float
    commune: str = ""
    lon: float = 0.0
    lat: float = 0.0
    host: str = ""
    hours: WeeklyHours = field(default_factory=WeeklyHours.open_always)
    service_s: int | None = None
    market_day: int | None = None
    frequency: Frequency | None = None
    required: bool = False
    needs: frozenset[str] = frozenset()
    amenities: frozenset[str] = frozenset()
    period: str = "always"
    frr_class: str = "inconnue"
    qpv: bool = False
    unverified: frozenset[str] = frozenset()
    pin_weekday: int | None = None
    pin_slot: int | None = None
    pin_van: str | None = None
    why: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not np.isfinite(self.need) or self.need < 0:
            raise InvalidProblemError(
                f"Arrêt {self.id} : besoin {self.need!r} invalide (attendu un nombre >= 0).",
                hint="Donnez un besoin positif ou nul.",
            )
        if self.service_s is not None and self.service_s <= 0:
            raise InvalidProblemError(
                f"Arrêt {self.id} : durée de session {self.service_s} s invalide.",
                hint="Donnez une durée positive, ou rien pour occuper tout le créneau.",
            )
        if self.market_day is not None and self.market_day not in range(7):
            raise InvalidProblemError(
                f"Arrêt {self.id} : jour de marché {self.market_day!r} invalide (0 à 6).",
                hint="0 = lundi ... 6 = dimanche.",
            )
        if self.amenities & self.unverified:
            raise InvalidProblemError(
                f"Arrêt {self.id} : équipements {sorted(self.amenities & self.unverified)} à la "
                "fois connus et à vérifier.",
                hint="Un équipement est soit disponible (amenities), soit à vérifier "
                "(unverified), pas les deux.",
            )
        if self.pin_weekday is not None and self.pin_weekday not in range(7):
            raise InvalidProblemError(
                f"Arrêt {self.id} : jour épinglé {self.pin_weekday!r} invalide (0 à 6).",
                hint="0 = lundi ... 6 = dimanche.",
            )
        if self.pin_slot is not None and self.pin_slot < 0:
            raise InvalidProblemError(
                f"Arrêt {self.id} : créneau épinglé {self.pin_slot!r} invalide (indice >= 0).",
                hint="Donnez l'indice du créneau dans la liste des créneaux (0 = le premier).",
            )
        if self.period not in PERIODS:
            raise InvalidProblemError(
                f"Arrêt {self.id} : période {self.period!r} inconnue (attendu {PERIODS}).",
                hint="Choisissez always, school_term ou school_holidays.",
            )

    def to_check(self, van_needs: frozenset[str] = frozenset()) -> frozenset[str]:
        """What the session needs (its own and the van's needs) that nobody confirmed here."""
        return (self.needs | van_needs) & self.unverified

    @property
    def visits_wanted(self) -> int | None:
        """Period in weeks for periodic stops, None for single visits."""
        return None if self.frequency is None else self.frequency.period_weeks


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
        ordered = sorted(self.slots, key=lambda s: s.start_s)
        if list(self.slots) != ordered or any(
            a.end_s > b.start_s for a, b in zip(ordered, ordered[1:], strict=False)
        ):
            raise InvalidProblemError(
                "Créneaux : attendus dans l'ordre de la journée et sans chevauchement.",
                hint="Triez les créneaux (matin puis après-midi).",
            )

    # -- helpers -------------------------------------------------------------------------
    def base_of(self, van: Van) -> BaseLocation:
        return next(b for b in self.bases if b.id == van.base)

    def unavailable(self, van: Van) -> frozenset[dt.date]:
        """Dates ``van`` cannot work (besides closed dates and public holidays)."""
        return self.van_unavailable.get(van.id, frozenset())

    def cancelled(self, c: Candidate) -> frozenset[dt.date]:
        """Dates the visit of ``c`` is cancelled (re-planning)."""
        return self.stop_cancelled.get(c.id, frozenset())

    def service_of(self, c: Candidate, slot: Slot) -> int:
        """Session length of ``c`` in ``slot`` (the whole slot unless set)."""
        return slot.end_s - slot.start_s if c.service_s is None else c.service_s

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
