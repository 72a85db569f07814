"""A ``plan.json`` document as the maps draw it: numbered visits, weeks, bases, demo territory.

The maps work from the JSON dict (so ``milo map PLAN.json`` draws any plan file), not from the
engine's classes. The keys they rely on are the required keys of the plan schema, checked by
:func:`planner.itinerary.plan_schema.check_plan_json`; files are read by
:func:`geo_data.plan_files.read_plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.errors import InvalidSpecError
from planner.territory import Territory

SLOT_LABELS = {"matin": "Matin", "apres-midi": "Après-midi"}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class NumberedVisit:
    """One visit ready to draw: its global number and week index (0-based)."""

    number: int
    week: int
    date: dt.date
    visit: dict[str, Any]


def plan_start(plan: dict[str, Any]) -> dt.date:
    """Monday of the plan's first week (``start`` or the earliest visit/day)."""
    if plan.get("start"):
        first = dt.date.fromisoformat(plan["start"])
    else:
        dates = [dt.date.fromisoformat(x["date"]) for x in [*plan["visits"], *plan["days"]]]
        first = min(dates) if dates else dt.date.today()
    return first - dt.timedelta(days=first.weekday())


def numbered_visits(plan: dict[str, Any]) -> list[NumberedVisit]:
    """Visits in (date, van, start) order, numbered from 1, with their week index (0-based)."""
    monday = plan_start(plan)
    visits = sorted(plan["visits"], key=lambda v: (v["date"], str(v["van"]), v["start"]))
    out = []
    for n, v in enumerate(visits, start=1):
        date = dt.date.fromisoformat(v["date"])
        out.append(NumberedVisit(n, max(0, (date - monday).days // 7), date, v))
    return out


def plan_between(plan: dict[str, Any], first: dt.date, last: dt.date) -> dict[str, Any]:
    """``plan`` with only the visits and van-days from ``first`` to ``last`` (inclusive): the
    map of one day or one week. The rest of the document (start, explanations) is kept."""
    if last < first:
        raise InvalidSpecError(
            f"Période du {first.isoformat()} au {last.isoformat()} : la fin précède le début.",
            hint="Donnez une première date antérieure ou égale à la dernière.",
        )

    def within(record: dict[str, Any]) -> bool:
        return first.isoformat() <= str(record["date"])[:10] <= last.isoformat()

    return {
        **plan,
        "visits": [v for v in plan["visits"] if within(v)],
        "days": [d for d in plan["days"] if within(d)],
    }


def period_label(first: dt.date, last: dt.date) -> str:
    """« lundi 05/05/2025 » for one day, « du 05/05/2025 au 09/05/2025 » otherwise."""
    if first == last:
        return date_fr(first)
    return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"


def week_label(monday: dt.date, week: int) -> str:
    start = monday + dt.timedelta(weeks=week)
    return f"Semaine {week + 1} (du {start:%d/%m/%Y})"


def date_fr(date: dt.date) -> str:
    return f"{WEEKDAYS_FR[date.weekday()]} {date:%d/%m/%Y}"


def van_bases(plan: dict[str, Any], territory: Territory | None) -> dict[str, tuple[float, float]]:
    """Van id -> base (lon, lat), from the plan's ``van_bases`` or the territory's vans."""
    bases: dict[str, tuple[float, float]] = {}
    if territory is not None:
        for van in territory.vans:
            try:
                b = territory.base(van.base)
            except KeyError:
                continue
            bases[van.id] = (b.lon, b.lat)
    for van, lonlat in (plan.get("van_bases") or {}).items():
        bases[str(van)] = (float(lonlat[0]), float(lonlat[1]))
    return bases


def territory_of(plan: dict[str, Any]) -> Territory | None:
    """The embedded demo territory named by the plan, else ``None`` (outlines then optional)."""
    from geo_data.demo import DEMO_SLUGS, load_demo_territory

    slug = str(plan.get("territory", ""))
    return load_demo_territory(slug) if slug in DEMO_SLUGS else None
