"""Visits the manager fixed: locked where they are, or moved to another slot.

A :class:`FixedVisit` is a visit that a plan of its problem must hold exactly (date, van, slot,
stop): a visit the manager *locked* (a re-plan, minimal or full, keeps it as it is) or *moved*
(``origin``: the date, van and slot of the visit it replaces). A moved visit of a periodic stop
stands for the repetition of its origin: its stop keeps its weekday, slot and van, and the
validator checks the stop's regularity with that visit at its origin
(:mod:`planner.itinerary.check`). Plans carry both facts on their visits (``Visit.locked``,
``Visit.moved_from*``), so that the next re-plan of a plan rebuilds them.

Also the French words of a place in messages: « mardi 6 mai matin ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.fleet import WEEKDAYS_FR

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
#: slot names as people write them (the spec's names are ASCII identifiers)
SLOT_WORDS = {"apres-midi": "après-midi"}

#: (date, van, stop_id): a visit of a plan (a stop is visited at most once a van-day)
VisitKey = tuple[dt.date, str, str]


def date_fr(date: dt.date) -> str:
    """``mardi 6 mai`` (``1er`` for the first of the month)."""
    day = "1er" if date.day == 1 else str(date.day)
    return f"{WEEKDAYS_FR[date.weekday()]} {day} {MONTHS_FR[date.month - 1]}"


def slot_fr(slot: str) -> str:
    """``après-midi`` for the slot ``apres-midi``; other names as they are."""
    return SLOT_WORDS.get(slot, slot)


def place_fr(date: dt.date, slot: str) -> str:
    """``mardi 6 mai matin``."""
    return f"{date_fr(date)} {slot_fr(slot)}"


@dataclass(frozen=True)
class FixedVisit:
    """A visit the plan must hold at ``(date, van, slot)``: locked, or moved from ``origin``.

    ``origin`` is ``(date, van, slot)`` of the visit the move replaces (for a visit moved twice,
    the first one: the repetition of its stop's pattern); ``locked``: the manager locked it.
    """

    stop_id: str
    date: dt.date
    van: str
    slot: str
    origin: tuple[dt.date, str, str] | None = None
    locked: bool = False

    @property
    def key(self) -> tuple[dt.date, str, str, str]:
        """Its identity in a plan, as :func:`planner.itinerary.replan_diff.key`."""
        return (self.date, self.van, self.slot, self.stop_id)

    @property
    def lock_key(self) -> VisitKey:
        return (self.date, self.van, self.stop_id)

    @property
    def pattern_place(self) -> tuple[dt.date, str, str]:
        """Where it counts for its stop's regularity: its origin, else itself."""
        return self.origin if self.origin is not None else (self.date, self.van, self.slot)
