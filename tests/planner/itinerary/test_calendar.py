"""Calendar: public holidays (holidays), school holidays zone A (vacances-scolaires-france)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import InvalidProblemError
from planner.itinerary.calendar import build_calendar


def test_public_holiday_from_the_package() -> None:
    cal = build_calendar(dt.date(2026, 5, 11), 1)
    assert cal.days[3].date == dt.date(2026, 5, 14)
    assert cal.days[3].public_holiday is not None
    assert not cal.is_open(3)
    assert cal.is_open(0)


def test_school_holidays_zone_a() -> None:
    cal = build_calendar(dt.date(2026, 2, 9), 3, zone="A")
    flags = {d.date: d.school_holiday for d in cal.days}
    assert flags[dt.date(2026, 2, 10)] is not None  # zone A winter break 2026
    assert any(d.school_holiday is None for d in cal.days)


def test_year_without_school_data_is_said() -> None:
    cal = build_calendar(dt.date(2035, 3, 5), 1)
    assert cal.notes and "inconnues" in cal.notes[0]


@pytest.mark.parametrize("weeks", [0, 9, -1])
def test_weeks_out_of_range(weeks: int) -> None:
    with pytest.raises(InvalidProblemError, match="Nombre de semaines"):
        build_calendar(dt.date(2026, 3, 2), weeks)


def test_unknown_zone() -> None:
    with pytest.raises(InvalidProblemError, match="Zone de vacances"):
        build_calendar(dt.date(2026, 3, 2), 1, zone="D")


def test_closed_dates_and_index() -> None:
    cal = build_calendar(dt.date(2026, 3, 2), 1).with_closed(frozenset({dt.date(2026, 3, 4)}))
    assert not cal.is_open(2)
    assert cal.index_of(dt.date(2026, 3, 9)) is None
    assert cal.index_of(dt.date(2026, 3, 8)) == 6
