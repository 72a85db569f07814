"""A week of a plan as the pages show it: vans and teams x days x slots, one entry per visit,
with what a re-plan changed (a cancelled visit stays visible in its old cell, struck out).

Pure functions of the plan document (``plan.json`` as stored, visits with their ids).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from maps.plan_input import SLOT_LABELS
from planner.itinerary.replan_diff import LABELS
from planner.session_labels import approach_label, kind_label, resource_label

#: weekdays always shown (Monday to Friday); a weekend day is shown when the week uses it
WORKWEEK = range(5)


@dataclass
class Entry:
    """One visit in a cell (``visit``), or a visit the re-plan removed from it."""

    visit: dict[str, Any]
    mark: str = ""  # "", "cancelled", "removed", "moved_in", "moved_out", "added"
    note: str = ""

    @property
    def kind_fr(self) -> str:
        return kind_label(str(self.visit.get("kind", "commune")))

    @property
    def approach_fr(self) -> str:
        return approach_label(str(self.visit.get("approach", "vehicule_itinerant")))

    @property
    def planned(self) -> bool:
        """A visit of this plan (not the trace of one the re-plan took away)."""
        return self.mark not in ("cancelled", "removed", "moved_out")


@dataclass
class Row:
    van: str
    label: str
    slot: str
    slot_label: str
    cells: list[list[Entry]] = field(default_factory=list)


@dataclass
class Week:
    """Week ``number`` (1-based) of ``weeks``: its dates and its rows."""

    number: int
    weeks: int
    days: list[dt.date]
    rows: list[Row]

    @property
    def first(self) -> dt.date:
        return self.days[0]

    @property
    def last(self) -> dt.date:
        return self.days[-1]

    @property
    def visits(self) -> int:
        return sum(1 for r in self.rows for c in r.cells for e in c if e.planned)


def week_count(document: Mapping[str, Any]) -> int:
    return max(1, int(document.get("weeks") or 1))


def week_dates(document: Mapping[str, Any], number: int) -> tuple[dt.date, dt.date]:
    """First and last date of week ``number`` (1-based) of the plan's horizon."""
    start = dt.date.fromisoformat(str(document["start"]))
    first = start + dt.timedelta(weeks=number - 1)
    return first, first + dt.timedelta(days=6)


def clamp_week(document: Mapping[str, Any], number: int | None) -> int:
    return min(max(1, number or 1), week_count(document))


def week_of(document: Mapping[str, Any], date: dt.date) -> int:
    start = dt.date.fromisoformat(str(document["start"]))
    return clamp_week(document, (date - start).days // 7 + 1)


def _slots(document: Mapping[str, Any], slots: Sequence[str]) -> list[str]:
    seen = list(slots)
    for v in document.get("visits") or ():
        if v["slot"] not in seen:
            seen.append(str(v["slot"]))
    return seen


def vans_of(document: Mapping[str, Any]) -> list[str]:
    """The plan's vans and teams: those with a base, then any other of its visits or days."""
    vans = [str(v) for v in (document.get("van_bases") or {})]
    others = {str(x["van"]) for x in [*document["visits"], *document["days"]]} - set(vans)
    return vans + sorted(others)


def _labels(document: Mapping[str, Any]) -> dict[str, str]:
    kinds = {str(v["van"]): str(v.get("resource", "vehicule")) for v in document["visits"]}
    return {van: resource_label(kinds.get(van, "vehicule"), van) for van in vans_of(document)}


def _key(date: str, van: str, slot: str) -> tuple[str, str, str]:
    return (str(date)[:10], str(van), str(slot))


def _change_marks(
    document: Mapping[str, Any], motifs: Mapping[tuple[str, str], str]
) -> tuple[dict[tuple[str, str, str], list[Entry]], dict[tuple[str, str, str, str], Entry]]:
    """Traces of removed and moved-away visits per cell; marks of moved-in and added visits
    by (date, van, slot, stop)."""
    traces: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    marks: dict[tuple[str, str, str, str], Entry] = {}
    for ch in document.get("changes") or ():
        old = _key(ch["date"], ch["van"], ch["slot"])
        trace = {
            "stop_id": ch["stop_id"],
            "stop_name": ch.get("stop_name", ""),
            "date": old[0],
            "van": old[1],
            "slot": old[2],
        }
        if ch["change"] == "removed":
            mark = "cancelled" if ch.get("label") == LABELS["cancelled"] else "removed"
            motif = motifs.get((str(ch["stop_id"]), old[0]))
            note = f"{ch.get('label', '')} ({motif})" if motif else str(ch.get("label", ""))
            traces[old].append(Entry(trace, mark, note))
        elif ch["change"] == "moved":
            new = _key(ch.get("new_date") or old[0], ch.get("new_van") or old[1],
                       ch.get("new_slot") or old[2])  # fmt: skip
            traces[old].append(Entry(trace, "moved_out", f"déplacée au {new[0]}, {new[2]}"))
            marks[(*new, str(ch["stop_id"]))] = Entry(
                {}, "moved_in", f"déplacée (était le {old[0]})"
            )
        elif ch["change"] == "added":
            marks[(*old, str(ch["stop_id"]))] = Entry({}, "added", str(ch.get("label", "")))
    return traces, marks


def build_week(
    document: Mapping[str, Any],
    number: int,
    *,
    slots: Sequence[str] = ("matin", "apres-midi"),
    motifs: Mapping[tuple[str, str], str] | None = None,
) -> Week:
    """Week ``number`` (1-based) of the plan: a row per van and slot, a cell per day."""
    number = clamp_week(document, number)
    first, last = week_dates(document, number)
    span = [first + dt.timedelta(days=i) for i in range(7)]
    visits = [v for v in document["visits"] if first.isoformat() <= v["date"] <= last.isoformat()]
    used = {dt.date.fromisoformat(v["date"]).weekday() for v in visits}
    used |= {
        dt.date.fromisoformat(d["date"]).weekday()
        for d in document["days"]
        if first.isoformat() <= d["date"] <= last.isoformat()
    }
    days = [d for d in span if d.weekday() in WORKWEEK or d.weekday() in used]
    traces, marks = _change_marks(document, motifs or {})
    cells: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for v in sorted(visits, key=lambda v: (v["date"], v["start"])):
        key = _key(v["date"], v["van"], v["slot"])
        mark = marks.get((*key, str(v["stop_id"])))
        cells[key].append(Entry(v, mark.mark, mark.note) if mark else Entry(v))
    labels = _labels(document)
    rows = []
    for van in vans_of(document):
        for slot in _slots(document, slots):
            row = Row(van, labels.get(van, van), slot, SLOT_LABELS.get(slot, slot))
            for day in days:
                key = _key(day.isoformat(), van, slot)
                row.cells.append([*traces.get(key, ()), *cells.get(key, ())])
            rows.append(row)
    return Week(number, week_count(document), days, rows)


def visits_by_day(
    document: Mapping[str, Any], number: int
) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    """The week's visits per date (dates with a visit only), in time order: the print sheet."""
    first, last = week_dates(document, clamp_week(document, number))
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in document["visits"]:
        if first.isoformat() <= v["date"] <= last.isoformat():
            by[v["date"]].append(v)
    return [
        (dt.date.fromisoformat(d), sorted(vs, key=lambda v: (v["start"], str(v["van"]))))
        for d, vs in sorted(by.items())
    ]
