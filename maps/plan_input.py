"""Reading a ``plan.json`` document for the maps: checks, weeks, day tours, demo territory.

The maps work from the JSON dict (so ``milo map PLAN.json`` draws any plan file), not from the
engine's classes. Required keys follow the plan.json schema: ``territory``,
``travel_time_method`` (``osm`` or ``estimate``), ``visits`` (``date``, ``van``, ``slot``,
``stop_id``, ``stop_name``, ``commune``, ``lon``, ``lat``, ``arrival``, ``start``, ``end``) and
``days`` (``van``, ``date``, ``leave_base``, ``return_base``, ``drive_s``, ``drive_m``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import DataSourceError, InvalidSpecError
from planner.territory import Territory

VISIT_KEYS = (
    "date",
    "van",
    "slot",
    "stop_id",
    "stop_name",
    "commune",
    "lon",
    "lat",
    "arrival",
    "start",
    "end",
)
DAY_KEYS = ("van", "date", "leave_base", "return_base", "drive_s", "drive_m")
METHODS = ("osm", "estimate")
SLOT_LABELS = {"matin": "Matin", "apres-midi": "Après-midi"}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def read_plan(path: Path) -> dict[str, Any]:
    """Load and check a ``plan.json`` file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        why = "fichier introuvable" if isinstance(exc, FileNotFoundError) else "lecture impossible"
        raise DataSourceError(
            f"Plan illisible : {path} ({why}).",
            hint="Donnez le chemin d'un plan.json écrit par « milo plan » ou « milo demo ».",
        ) from exc
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidSpecError(
            f"Plan {path} : JSON invalide ligne {exc.lineno} ({exc.msg}).",
            hint="Le fichier doit être un plan.json complet, non modifié à la main.",
        ) from exc
    check_plan(plan, source=str(path))
    return plan


def _fail(source: str, what: str, got: object) -> InvalidSpecError:
    return InvalidSpecError(
        f"Plan {source} : {what} (reçu : {got!r}).",
        hint="Régénérez le plan avec « milo plan » : le schéma plan.json est décrit dans "
        "planner/itinerary/plan.py.",
    )


def _check_items(plan: dict[str, Any], key: str, needed: tuple[str, ...], source: str) -> None:
    items = plan[key]
    if not isinstance(items, list):
        raise _fail(source, f"« {key} » doit être une liste", type(items).__name__)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _fail(source, f"{key}[{i}] doit être un objet", item)
        missing = [k for k in needed if k not in item]
        if missing:
            raise _fail(source, f"{key}[{i}] sans {', '.join(missing)}", sorted(item))
        try:
            dt.date.fromisoformat(str(item["date"]))
        except ValueError:
            raise _fail(source, f"{key}[{i}] : date attendue AAAA-MM-JJ", item["date"]) from None


def check_plan(plan: Any, *, source: str = "fourni") -> None:
    """Raise :class:`InvalidSpecError` when ``plan`` does not follow the plan.json schema."""
    if not isinstance(plan, dict):
        raise _fail(source, "un objet JSON est attendu", type(plan).__name__)
    missing = [k for k in ("territory", "travel_time_method", "visits", "days") if k not in plan]
    if missing:
        raise _fail(source, f"clé(s) absente(s) : {', '.join(missing)}", sorted(plan))
    if plan["travel_time_method"] not in METHODS:
        raise _fail(
            source, "travel_time_method doit valoir osm ou estimate", plan["travel_time_method"]
        )
    _check_items(plan, "visits", VISIT_KEYS, source)
    _check_items(plan, "days", DAY_KEYS, source)
    for i, v in enumerate(plan["visits"]):
        lon, lat = v["lon"], v["lat"]
        ok = all(isinstance(x, int | float) and math.isfinite(x) for x in (lon, lat))
        if not ok or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _fail(source, f"visits[{i}] : lon/lat hors des bornes WGS84", (lon, lat))


@dataclass(frozen=True)
class Stop:
    """One visit ready to draw: its global number, week index and colour key."""

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


def ordered_stops(plan: dict[str, Any]) -> list[Stop]:
    """Visits in (date, van, start) order, numbered from 1, with their week index (0-based)."""
    monday = plan_start(plan)
    visits = sorted(plan["visits"], key=lambda v: (v["date"], str(v["van"]), v["start"]))
    out = []
    for n, v in enumerate(visits, start=1):
        date = dt.date.fromisoformat(v["date"])
        out.append(Stop(n, max(0, (date - monday).days // 7), date, v))
    return out


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
