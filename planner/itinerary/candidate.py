"""A candidate session of the itinerary problem and how often it is held.

Split from :mod:`.problem` (which re-exports both names); see there for the engine's units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from planner.approaches import CandidateKind
from planner.errors import InvalidProblemError
from planner.fleet import Slot
from planner.hours import WeeklyHours
from planner.taxonomy import Approach

PERIODS = ("always", "school_term", "school_holidays")
KINDS = tuple(k.value for k in CandidateKind)
APPROACHES = tuple(a.value for a in Approach)


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
    kind, approach
        What the session is (:class:`planner.approaches.CandidateKind`: ``commune``, a van
        stop; ``partenaire``; ``maraude``; ``evenement``), which decides the resource kinds
        that can hold it (``served_by``), and its approach (:class:`planner.taxonomy.Approach`).
    partner_type, place_id
        The host's partner type and the place's identifier in the activity history (partner
        or maraude id; empty for a commune stop, whose history is its commune's).
    dates
        When not empty, the only dates it may be held (an event's day; the first Thursdays
        of a partner pin ``week_of_month = 1``).
    window_min
        ``(start, end)`` minutes after midnight: the session lies inside (an event's hours);
        it starts at the later of the slot start and the window start and, unless
        ``service_s`` says otherwise, ends at the earlier of the slot end and the window end.
    daylight
        The session lies between sunrise and sunset of its date at the place (maraude).
    private
        The exact place stays off public outputs (a maraude the manager marks private).
    expected
        ``(repérés, contacts)`` per session for kinds other than ``commune`` (prior per type,
        moved by the place's history); None for a van stop (learned per commune).
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
    kind: str = "commune"
    approach: str = "vehicule_itinerant"
    partner_type: str = ""
    place_id: str = ""
    dates: frozenset[dt.date] = frozenset()
    window_min: tuple[int, int] | None = None
    daylight: bool = False
    private: bool = False
    expected: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidProblemError(
                f"Arrêt {self.id} : type de séance {self.kind!r} inconnu (attendu "
                f"{', '.join(KINDS)}).",
                hint="commune (arrêt du véhicule), partenaire, maraude ou evenement.",
            )
        if self.approach not in APPROACHES:
            raise InvalidProblemError(
                f"Arrêt {self.id} : démarche {self.approach!r} inconnue (attendu "
                f"{', '.join(APPROACHES)}).",
                hint="Voir planner.taxonomy.Approach.",
            )
        if self.window_min is not None and not (
            0 <= self.window_min[0] < self.window_min[1] <= 24 * 60
        ):
            raise InvalidProblemError(
                f"Arrêt {self.id} : plage horaire {self.window_min!r} invalide.",
                hint="Donnez un début avant la fin, dans la journée (HH:MM).",
            )
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

    @property
    def served_by(self) -> frozenset[str]:
        """Resource kinds (``vehicule``, ``equipe``) that can hold this session."""
        return CandidateKind(self.kind).served_by

    def session(self, slot: Slot) -> tuple[int, int]:
        """``(start, length)`` in seconds of the session in ``slot``: from the slot start (or
        the window's, when later) for ``service_s``, else to the slot end (or the window's)."""
        start, end = slot.start_s, slot.end_s
        if self.window_min is not None:
            start = max(start, self.window_min[0] * 60)
            end = min(end, self.window_min[1] * 60)
        length = end - start if self.service_s is None else self.service_s
        return start, length

    def to_check(self, van_needs: frozenset[str] = frozenset()) -> frozenset[str]:
        """What the session needs (its own and the van's needs) that nobody confirmed here."""
        return (self.needs | van_needs) & self.unverified

    @property
    def visits_wanted(self) -> int | None:
        """Period in weeks for periodic stops, None for single visits."""
        return None if self.frequency is None else self.frequency.period_weeks
