"""Planning calendar: the horizon's dates, French public holidays and school holidays.

Public holidays come from the ``holidays`` package (``holidays.France``), school holidays of the
territory's zone from the ``vacances-scolaires-france`` package (the official calendar shipped as
data): no date list is typed by hand here. Day ``d`` of the horizon is ``start + d days``; its
clock times are seconds after that day's midnight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from planner.errors import InvalidProblemError

MAX_WEEKS = 8


@dataclass(frozen=True)
class DayInfo:
    """One calendar day of the horizon."""

    index: int
    date: dt.date
    public_holiday: str | None = None
    school_holiday: str | None = None

    @property
    def weekday(self) -> int:
        return self.date.weekday()

    @property
    def week(self) -> int:
        return self.index // 7


@dataclass(frozen=True)
class PlanningCalendar:
    """``weeks`` weeks from ``start``: every calendar day with its public and school holidays.

    ``closed`` are dates closed for every van (on top of public holidays); ``notes`` are French
    sentences about what the calendar could not know (a year missing from the school data).
    """

    start: dt.date
    weeks: int
    days: tuple[DayInfo, ...]
    school_zone: str = "A"
    closed: frozenset[dt.date] = frozenset()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_weeks(self.weeks)
        if len(self.days) != 7 * self.weeks:
            raise InvalidProblemError(
                f"Calendrier : {7 * self.weeks} jours attendus, {len(self.days)} reçus.",
                hint="Construisez le calendrier avec build_calendar.",
            )

    @property
    def n_days(self) -> int:
        return len(self.days)

    def index_of(self, date: dt.date) -> int | None:
        """Horizon index of ``date``, or None when outside the horizon."""
        d = (date - self.start).days
        return d if 0 <= d < self.n_days else None

    def is_open(self, d: int) -> bool:
        """False on a public holiday or a date closed for every van."""
        info = self.days[d]
        return info.public_holiday is None and info.date not in self.closed

    def with_closed(self, dates: frozenset[dt.date]) -> PlanningCalendar:
        """The same calendar with more dates closed for every van."""
        return PlanningCalendar(
            start=self.start,
            weeks=self.weeks,
            days=self.days,
            school_zone=self.school_zone,
            closed=self.closed | dates,
            notes=self.notes,
        )


def check_weeks(weeks: int) -> None:
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise InvalidProblemError(
            f"Nombre de semaines {weeks!r} invalide (attendu de 1 à {MAX_WEEKS}).",
            hint=f"Planifiez entre 1 et {MAX_WEEKS} semaines.",
        )


def build_calendar(
    start: dt.date,
    weeks: int,
    *,
    zone: str = "A",
    closed: frozenset[dt.date] | set[dt.date] = frozenset(),
) -> PlanningCalendar:
    """Build the calendar of ``weeks`` weeks from ``start`` for school-holiday ``zone``.

    Examples
    --------
    >>> cal = build_calendar(dt.date(2026, 5, 11), 1)
    >>> cal.days[3].public_holiday  # Thursday 14 May 2026
    "Jour de l'Ascension"
    """
    check_weeks(weeks)
    if zone not in ("A", "B", "C"):
        raise InvalidProblemError(
            f"Zone de vacances scolaires {zone!r} inconnue (attendu A, B ou C).",
            hint="La Bourgogne-Franche-Comté est en zone A.",
        )
    dates = [start + dt.timedelta(days=i) for i in range(7 * weeks)]
    years = sorted({d.year for d in dates})
    public = holidays.France(years=years, language="fr")
    school, notes = _school_holidays(years, zone)
    days = tuple(
        DayInfo(
            index=i,
            date=d,
            public_holiday=public.get(d),
            school_holiday=school.get(d),
        )
        for i, d in enumerate(dates)
    )
    return PlanningCalendar(
        start=start,
        weeks=weeks,
        days=days,
        school_zone=zone,
        closed=frozenset(closed),
        notes=tuple(notes),
    )


def _school_holidays(years: list[int], zone: str) -> tuple[dict[dt.date, str], list[str]]:
    source = SchoolHolidayDates()
    found: dict[dt.date, str] = {}
    notes: list[str] = []
    for year in years:
        try:
            table = source.holidays_for_year_and_zone(year, zone)
        except UnsupportedYearException:
            notes.append(
                f"Vacances scolaires {year} inconnues du calendrier officiel embarqué : "
                "ces dates sont traitées comme des périodes scolaires."
            )
            continue
        for day, row in table.items():
            found[day] = str(row.get("nom_vacances") or "Vacances scolaires")
    return found, notes
