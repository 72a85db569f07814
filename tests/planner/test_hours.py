"""French descriptions of a place's weekly opening hours."""

from __future__ import annotations

from planner.hours import WeeklyHours


def test_describe_the_week_or_one_day() -> None:
    hours = WeeklyHours.from_intervals([(0, 540, 720), (0, 810, 1050), (3, 1020, 1080)])
    assert hours.describe_fr() == "lundi 09:00-12:00, 13:30-17:30 ; jeudi 17:00-18:00"
    assert hours.describe_fr(0) == "lundi 09:00-12:00, 13:30-17:30"
    assert hours.describe_fr(1) == "fermé le mardi"
    assert WeeklyHours.open_always().describe_fr(2) == "sans contrainte d'horaires"
    assert WeeklyHours().describe_fr() == "jamais ouvert"
