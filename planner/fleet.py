"""Bases, vans, slots and the working calendar settings of a territory (pure, frozen).

Times are stored in integer minutes after midnight (``*_min`` fields, as a spec writes them);
the engines read them in seconds through the ``*_s`` properties, derived from the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import InvalidSpecError

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

#: what a resource is: a van (drives between stops, parks, may need power) or a team of one or
#: two conseillers (no vehicle needs; goes by car, public transport or on foot)
RESOURCE_KINDS = ("vehicule", "equipe")
RESOURCE_LABELS = {"vehicule": "Véhicule", "equipe": "Équipe"}
#: how a team travels (a van always drives: ``voiture``)
TRAVEL_MODES = ("voiture", "transports", "pied")
TRAVEL_MODE_LABELS = {"voiture": "en voiture", "transports": "en transports en commun",
                      "pied": "à pied"}  # fmt: skip


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Base:
    """Where a van day starts and ends: the head office (``siege``) or an antenna (``antenne``)."""

    id: str
    name: str
    commune: str
    lon: float
    lat: float
    kind: str = "siege"

    def __post_init__(self) -> None:
        if self.kind not in ("siege", "antenne"):
            raise InvalidSpecError(
                f"Base {self.id} : type {self.kind!r} inconnu (attendu 'siege' ou 'antenne').",
                hint='Écrivez kind = "siege" ou kind = "antenne".',
            )


class _MinutesWindow:
    """``start_min``/``end_min`` (minutes after midnight) also read in seconds."""

    start_min: int
    end_min: int

    @property
    def start_s(self) -> int:
        return self.start_min * 60

    @property
    def end_s(self) -> int:
        return self.end_min * 60


@dataclass(frozen=True)
class Person:
    """A conseiller (or any member of staff) and the weekdays they work (0 = Monday).

    No personal data beyond what planning needs: an identifier the Mission Locale chooses
    (initials, a role), an optional display name, the working weekdays.
    """

    id: str
    name: str = ""
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidSpecError(
                "Personne sans identifiant.",
                hint='Donnez un identifiant court, par exemple id = "conseillere-a".',
            )
        if not self.working_days or any(d not in range(7) for d in self.working_days):
            raise InvalidSpecError(
                f"Personne {self.id} : jours travaillés {self.working_days} invalides.",
                hint="Listez des jours parmi lundi..dimanche.",
            )


@dataclass(frozen=True)
class Van(_MinutesWindow):
    """A resource: a van, or a team of conseillers, with its base, days, shift and limits.

    ``kind`` is ``vehicule`` (drives between stops, needs parking and what the problem's
    ``van_needs`` say) or ``equipe`` (one or two conseillers holding sessions at partners, on
    a maraude or at an event; no vehicle needs); ``mode`` how it travels (``voiture`` for a
    van; a team may go ``transports`` or ``pied``); ``crew`` the people (:class:`Person` ids)
    it takes: a resource works a date only when every member works that weekday, and a person
    is on at most one resource a day.
    ``start_min``/``end_min`` bound the shift (leave the base, be back); ``max_work_min``
    (driving plus sessions) and ``max_span_min`` (first departure to last return) limit a day;
    the manager may cap ``max_drive_min`` (driving per day) and ``sessions_per_week`` (None: no
    cap, the van fills its working half-days).
    """

    id: str
    base: str
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start_min: int = 8 * 60
    end_min: int = 18 * 60
    max_work_min: int = 10 * 60
    max_span_min: int = 13 * 60
    max_drive_min: int | None = None
    sessions_per_week: int | None = None
    kind: str = "vehicule"
    mode: str = "voiture"
    crew: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in RESOURCE_KINDS:
            raise InvalidSpecError(
                f"Ressource {self.id} : type {self.kind!r} inconnu (attendu "
                f"{' ou '.join(RESOURCE_KINDS)}).",
                hint="Un véhicule se déclare sous [[vans]], une équipe sous [[teams]].",
            )
        if self.mode not in TRAVEL_MODES or (self.kind == "vehicule" and self.mode != "voiture"):
            raise InvalidSpecError(
                f"Ressource {self.id} : mode de déplacement {self.mode!r} invalide (attendu "
                f"{', '.join(TRAVEL_MODES) if self.kind == 'equipe' else 'voiture'}).",
                hint='Une équipe va en "voiture", en "transports" ou à "pied" ; un véhicule roule.',
            )
        if len(set(self.crew)) != len(self.crew):
            raise InvalidSpecError(
                f"Ressource {self.id} : une personne figure deux fois dans l'équipage "
                f"{list(self.crew)}.",
                hint="Listez chaque personne une fois.",
            )
        if not (0 <= self.start_min < self.end_min <= 24 * 60):
            raise InvalidSpecError(
                f"Véhicule {self.id} : horaires {self.start_min}-{self.end_min} min invalides.",
                hint="Donnez start < end, au format HH:MM, dans la même journée.",
            )
        if self.end_min - self.start_min > self.max_span_min:
            raise InvalidSpecError(
                f"Véhicule {self.id} : amplitude de {(self.end_min - self.start_min) / 60:.1f} h "
                f"au-delà de {self.max_span_min / 60:.0f} h.",
                hint="Réduisez l'amplitude de la journée (13 h au plus).",
            )
        if not self.working_days or any(d not in range(7) for d in self.working_days):
            raise InvalidSpecError(
                f"Véhicule {self.id} : jours travaillés {self.working_days} invalides.",
                hint="Listez des jours parmi lundi..dimanche.",
            )
        shift = self.end_min - self.start_min
        if self.max_drive_min is not None and not (
            _is_int(self.max_drive_min) and 1 <= self.max_drive_min <= shift
        ):
            raise InvalidSpecError(
                f"Véhicule {self.id} : conduite maximale par jour (max_drive_minutes) "
                f"{self.max_drive_min!r} invalide (attendu un entier de 1 à {shift} min, la "
                "durée du service).",
                hint="Par exemple max_drive_minutes = 180 (3 h de route par jour au plus), "
                "ou retirez la clé pour ne pas plafonner.",
            )
        # the upper bound (working days x slots) needs the slots: rules_table.check_van_caps
        if self.sessions_per_week is not None and not (
            _is_int(self.sessions_per_week) and self.sessions_per_week >= 1
        ):
            raise InvalidSpecError(
                f"Véhicule {self.id} : séances par semaine (sessions_per_week) "
                f"{self.sessions_per_week!r} invalide (attendu un entier >= 1).",
                hint="Par exemple sessions_per_week = 6 ; au plus une séance par créneau de "
                "chaque jour travaillé.",
            )

    @property
    def label(self) -> str:
        """French kind and id, e.g. « Équipe equipe-hlm (à pied) »."""
        how = f" ({TRAVEL_MODE_LABELS[self.mode]})" if self.kind == "equipe" else ""
        return f"{RESOURCE_LABELS[self.kind]} {self.id}{how}"

    @property
    def max_work_s(self) -> int:
        return self.max_work_min * 60

    @property
    def max_drive_s(self) -> int | None:
        """The manager's cap on driving per day in seconds (None: no cap)."""
        return None if self.max_drive_min is None else self.max_drive_min * 60

    @property
    def max_span_s(self) -> int:
        return self.max_span_min * 60


@dataclass(frozen=True)
class Slot(_MinutesWindow):
    """A half-day slot, e.g. morning 09:00-12:00; set-up time is taken inside the slot."""

    name: str
    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        if not (0 <= self.start_min < self.end_min <= 24 * 60):
            raise InvalidSpecError(
                f"Créneau {self.name} : {self.start_min}-{self.end_min} min invalide.",
                hint="Donnez start < end au format HH:MM.",
            )


DEFAULT_SLOTS = (Slot("matin", 9 * 60, 12 * 60), Slot("apres-midi", 14 * 60, 17 * 60))


@dataclass(frozen=True)
class CalendarSettings:
    """Slots, set-up minutes (inside the slot) and the school-holiday zone (BFC is zone A)."""

    slots: tuple[Slot, ...] = DEFAULT_SLOTS
    setup_min: int = 30
    school_zone: str = "A"

    def __post_init__(self) -> None:
        if self.school_zone not in ("A", "B", "C"):
            raise InvalidSpecError(
                f"Zone de vacances scolaires {self.school_zone!r} inconnue (attendu A, B ou C).",
                hint="La Bourgogne-Franche-Comté est en zone A.",
            )
        if self.setup_min < 0:
            raise InvalidSpecError(
                f"Temps d'installation négatif ({self.setup_min} min).",
                hint="Donnez un nombre de minutes >= 0.",
            )
        for slot in self.slots:
            if slot.end_min - slot.start_min <= self.setup_min:
                raise InvalidSpecError(
                    f"Créneau {slot.name} : plus court que l'installation ({self.setup_min} min).",
                    hint="Allongez le créneau ou réduisez setup_minutes.",
                )


def parse_hhmm(value: str, *, key: str) -> int:
    """``"09:30"`` -> 570 minutes; a clear error naming ``key`` otherwise."""
    try:
        hours, minutes = value.strip().split(":")[:2]
        h, m = int(hours), int(minutes)
        if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
            raise ValueError
    except (ValueError, AttributeError):
        raise InvalidSpecError(
            f"{key} : heure {value!r} illisible (attendu HH:MM, par exemple 08:30).",
            hint="Écrivez l'heure au format HH:MM.",
        ) from None
    return h * 60 + m
