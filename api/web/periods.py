"""Periods of the activity page's filter: a month (``AAAA-MM``) or an ISO week (``AAAA-Sxx``),
their French labels, and the periods a list of dates covers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from api.web.pages import MONTHS_FR, date_fr
from planner.errors import InvalidProblemError

MONTH = re.compile(r"(\d{4})-(\d{2})")
WEEK = re.compile(r"(\d{4})-S(\d{2})")


def period_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of ``AAAA-MM`` (a month) or ``AAAA-Sxx`` (an ISO week); None: all."""
    if not text:
        return None
    try:
        if m := MONTH.fullmatch(text):
            first = dt.date(int(m[1]), int(m[2]), 1)
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
        if m := WEEK.fullmatch(text):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + dt.timedelta(days=6)
    except ValueError:
        pass
    raise InvalidProblemError(
        f"Période « {text} » illisible : attendu AAAA-MM (un mois, 2025-05) ou AAAA-Sxx (une "
        "semaine, 2025-S19).",
        hint="Choisissez la période dans la liste « Période » de la page Activité.",
    )


def month_label(day: dt.date) -> str:
    return f"{MONTHS_FR[day.month - 1]} {day.year}"


def week_label(monday: dt.date) -> str:
    return f"semaine du {date_fr(monday)}"


def period_options(days: Sequence[dt.date]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(months, weeks) that have sessions, newest first, as (value, label)."""
    months = sorted({d.replace(day=1) for d in days}, reverse=True)
    mondays = sorted({d - dt.timedelta(days=d.weekday()) for d in days}, reverse=True)
    return (
        [(f"{m:%Y-%m}", month_label(m)) for m in months],
        [(f"{m.isocalendar()[0]}-S{m.isocalendar()[1]:02d}", week_label(m)) for m in mondays],
    )


def period_label(text: str) -> str:
    """« toutes les séances tenues », « mai 2025 », « semaine du lundi 5 mai 2025 »."""
    bounds = period_bounds(text)
    if bounds is None:
        return "toutes les séances tenues"
    return month_label(bounds[0]) if MONTH.fullmatch(text) else week_label(bounds[0])
