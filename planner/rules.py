"""What the manager decides about a plan: pins, exclusions, frequencies, access time, exploration.

These rules come from the territory spec (``[planning]``, parsed by ``geo_data.spec``) and may be
overridden per request by the API; the engines only read them. Per-van limits (sessions per
week, driving per day) live on :class:`planner.fleet.Van`.

Frequencies are the values of :class:`planner.itinerary.problem.Frequency` (``weekly``,
``fortnightly``, ``monthly``, ``once``); ``FREQUENCIES`` repeats them here so that this module
stays a leaf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from planner.errors import InvalidSpecError

FREQUENCIES = ("weekly", "fortnightly", "monthly", "once")
FREQUENCY_FR = {
    "weekly": "chaque semaine",
    "fortnightly": "toutes les deux semaines",
    "monthly": "toutes les quatre semaines",
    "once": "une fois",
}
#: default access time: 15 min by car (the distance young people come from to a stop)
ACCESS_MIN = 15
#: default share of sessions left to exploring places never or rarely visited
EXPLORATION_SHARE = 0.2


@dataclass(frozen=True)
class Pin:
    """A stop held on a weekday and slot (market day), optionally by one van."""

    commune: str
    weekday: int
    slot: str
    van: str | None = None
    frequency: str = "weekly"

    def __post_init__(self) -> None:
        if self.weekday not in range(7):
            raise InvalidSpecError(
                f"Arrêt épinglé {self.commune} : jour {self.weekday!r} invalide (0 à 6).",
                hint="0 = lundi ... 6 = dimanche (la spécification écrit « mardi »).",
            )
        if self.frequency not in FREQUENCIES[:3]:
            raise InvalidSpecError(
                f"Arrêt épinglé {self.commune} : fréquence {self.frequency!r} invalide "
                f"(attendu {', '.join(FREQUENCIES[:3])}).",
                hint='Un arrêt épinglé revient : frequency = "weekly" par défaut.',
            )


@dataclass(frozen=True)
class PartnerPin:
    """A session slot agreed with a partner: « every first Thursday morning at the agency ».

    ``week_of_month`` 1-5 holds it on that weekday's n-th occurrence in each month (the first
    Thursday...); without it, the session repeats every ``frequency`` (weekly, fortnightly,
    monthly = every four weeks) on that weekday and slot. ``team``: this team only.
    """

    partner: str
    weekday: int
    slot: str
    team: str | None = None
    frequency: str = "monthly"
    week_of_month: int | None = None

    def __post_init__(self) -> None:
        if self.weekday not in range(7):
            raise InvalidSpecError(
                f"Séance épinglée chez {self.partner} : jour {self.weekday!r} invalide (0 à 6).",
                hint="0 = lundi ... 6 = dimanche (la spécification écrit « jeudi »).",
            )
        if self.frequency not in FREQUENCIES[:3]:
            raise InvalidSpecError(
                f"Séance épinglée chez {self.partner} : fréquence {self.frequency!r} invalide "
                f"(attendu {', '.join(FREQUENCIES[:3])}).",
                hint='Par exemple frequency = "monthly", ou week_of_month = 1 (le premier '
                "jeudi du mois).",
            )
        if self.week_of_month is not None and (
            isinstance(self.week_of_month, bool) or self.week_of_month not in range(1, 6)
        ):
            raise InvalidSpecError(
                f"Séance épinglée chez {self.partner} : week_of_month {self.week_of_month!r} "
                "invalide (attendu 1 à 5 : le 1er ... le 5e jour de ce nom dans le mois).",
                hint="week_of_month = 1 pour « chaque premier jeudi du mois ».",
            )

    def dates(self, start: dt.date, days: int) -> frozenset[dt.date]:
        """The dates of the horizon ``[start, start + days)`` it falls on with
        ``week_of_month`` (empty without it: the engine repeats it by ``frequency``)."""
        if self.week_of_month is None:
            return frozenset()
        out = set()
        for i in range(days):
            date = start + dt.timedelta(days=i)
            if date.weekday() == self.weekday and (date.day - 1) // 7 + 1 == self.week_of_month:
                out.add(date)
        return frozenset(out)


@dataclass(frozen=True)
class Event:
    """A one-off event the manager adds: a forum, a fête, a market, a sports meeting.

    Held on ``date`` inside ``start_min``-``end_min`` (minutes after midnight), at its point
    (``lon``/``lat``, else the town hall of ``commune``); ``required`` (default) means the
    plan must hold it or say why it cannot. ``reperes`` / ``contacts``: what the manager
    expects of it (default: :data:`planner.approaches.EVENT_DEFAULTS`).
    """

    id: str
    name: str
    date: dt.date
    start_min: int
    end_min: int
    commune: str
    lon: float | None = None
    lat: float | None = None
    host: str = ""
    required: bool = True
    reperes: float | None = None
    contacts: float | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start_min < self.end_min <= 24 * 60:
            raise InvalidSpecError(
                f"Événement {self.id} : horaires {self.start_min}-{self.end_min} min invalides.",
                hint='Donnez start avant end, par exemple start = "14:00", end = "17:00".',
            )
        if (self.lon is None) != (self.lat is None):
            raise InvalidSpecError(
                f"Événement {self.id} : lon et lat vont ensemble.",
                hint="Donnez les deux (degrés décimaux), ou aucun : la mairie de la commune.",
            )
        for what, value in (("reperes", self.reperes), ("contacts", self.contacts)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise InvalidSpecError(
                    f"Événement {self.id} : {what} {value!r} invalide (attendu un nombre >= 0).",
                    hint=f"Par exemple {what} = 10 (attendus sur l'événement).",
                )


@dataclass(frozen=True)
class PlanningRules:
    """The manager's rules; the defaults make a regular circuit with some exploration.

    Parameters
    ----------
    access_min
        Minutes by car within which a stop (or a fixed contact point) serves a commune.
    exploration_share
        Share (0-1) of the horizon's sessions kept for places never or rarely visited.
    pins
        Stops held on a weekday and slot.
    exclude
        INSEE codes of communes never planned.
    frequency
        Commune -> forced frequency (a value of ``FREQUENCIES``).
    forbid
        Commune -> frequencies it must not get.
    partner_pins
        Sessions agreed with partners (:class:`PartnerPin`), held by a team.
    events
        One-off events (:class:`Event`) the manager adds.
    """

    access_min: int = ACCESS_MIN
    exploration_share: float = EXPLORATION_SHARE
    pins: tuple[Pin, ...] = ()
    exclude: frozenset[str] = frozenset()
    frequency: Mapping[str, str] = field(default_factory=dict)
    forbid: Mapping[str, frozenset[str]] = field(default_factory=dict)
    partner_pins: tuple[PartnerPin, ...] = ()
    events: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.access_min, bool) or not isinstance(self.access_min, int):
            raise InvalidSpecError(
                f"Temps d'accès {self.access_min!r} invalide : un nombre entier de minutes "
                "est attendu.",
                hint="Par exemple access_minutes = 15.",
            )
        if not 1 <= self.access_min <= 120:
            raise InvalidSpecError(
                f"Temps d'accès {self.access_min} min hors limites (attendu 1 à 120 min).",
                hint="15 min en voiture par défaut.",
            )
        share = self.exploration_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise InvalidSpecError(
                f"Part d'exploration {share!r} invalide (attendu un nombre de 0 à 1).",
                hint="Par exemple exploration_share = 0.2 (une séance sur cinq).",
            )
        for code, freq in self.frequency.items():
            if freq not in FREQUENCIES:
                raise InvalidSpecError(
                    f"Commune {code} : fréquence imposée {freq!r} inconnue "
                    f"(attendu {', '.join(FREQUENCIES)}).",
                    hint='Écrivez par exemple "fortnightly" (toutes les deux semaines).',
                )
        for code, banned in self.forbid.items():
            unknown = sorted(set(banned) - set(FREQUENCIES))
            if unknown:
                raise InvalidSpecError(
                    f"Commune {code} : fréquence(s) interdite(s) inconnue(s) "
                    f"{', '.join(unknown)} (attendu {', '.join(FREQUENCIES)}).",
                    hint='Écrivez par exemple ["weekly"].',
                )
            forced = self.frequency.get(code)
            if forced is not None and forced in banned:
                raise InvalidSpecError(
                    f"Commune {code} : la fréquence {forced!r} est à la fois imposée et interdite.",
                    hint="Gardez l'une des deux règles.",
                )
        for code in self.exclude:
            if code in self.frequency or any(p.commune == code for p in self.pins):
                raise InvalidSpecError(
                    f"Commune {code} : exclue et pourtant épinglée ou à fréquence imposée.",
                    hint="Retirez-la de exclude, ou retirez son épingle / sa fréquence.",
                )

    @property
    def access_s(self) -> int:
        return self.access_min * 60

    def allowed(self, code: str) -> tuple[str, ...]:
        """The frequencies commune ``code`` may get (a forced one alone)."""
        forced = self.frequency.get(code)
        if forced is not None:
            return (forced,)
        banned = self.forbid.get(code, frozenset())
        return tuple(f for f in FREQUENCIES if f not in banned)
