"""Weekly opening hours as integer minutes, the one form the engine reads.

Readers in ``geo_data`` turn each official format (town-hall JSON, France Services text, user
files) into :class:`WeeklyHours`; the engine only asks whether an interval fits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from planner.errors import InvalidTerritoryError

DAY_NAMES_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class WeeklyHours:
    """Opening intervals per weekday (0 = Monday), in minutes after midnight, sorted, disjoint.

    ``always_open=True`` means "no constraint" (a public square, a market place); an empty week
    with ``always_open=False`` means the place is never open.
    """

    days: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    always_open: bool = False

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise InvalidTerritoryError(
                f"Horaires : 7 jours attendus, {len(self.days)} reçus.",
                hint="Donnez une liste d'intervalles pour chaque jour du lundi au dimanche.",
            )
        for day, intervals in enumerate(self.days):
            last_close = -1
            for start, end in intervals:
                if not (0 <= start < end <= MINUTES_PER_DAY):
                    raise InvalidTerritoryError(
                        f"Horaires du {DAY_NAMES_FR[day]} : intervalle {start}-{end} minutes "
                        "invalide (attendu 0 <= ouverture < fermeture <= 1440).",
                        hint="Vérifiez l'ordre ouverture / fermeture.",
                    )
                if start < last_close:
                    raise InvalidTerritoryError(
                        f"Horaires du {DAY_NAMES_FR[day]} : intervalles qui se chevauchent.",
                        hint="Fusionnez les intervalles qui se recouvrent.",
                    )
                last_close = end

    @classmethod
    def open_always(cls) -> WeeklyHours:
        return cls(always_open=True)

    @classmethod
    def from_intervals(cls, items: Iterable[tuple[int, int, int]]) -> WeeklyHours:
        """Build from ``(weekday, start_min, end_min)`` triples; overlapping ones are merged."""
        per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for day, start, end in items:
            per_day[day].append((start, end))
        merged: list[tuple[tuple[int, int], ...]] = []
        for intervals in per_day:
            out: list[tuple[int, int]] = []
            for start, end in sorted(intervals):
                if out and start <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], end))
                else:
                    out.append((start, end))
            merged.append(tuple(out))
        return cls(days=tuple(merged))

    def is_open(self, weekday: int, start_min: int, end_min: int) -> bool:
        """True when ``[start_min, end_min]`` lies inside one opening interval of ``weekday``."""
        if self.always_open:
            return True
        return any(s <= start_min and end_min <= e for s, e in self.days[weekday])

    def is_never_open(self) -> bool:
        return not self.always_open and not any(self.days)

    def describe_fr(self, weekday: int | None = None) -> str:
        """French one-line summary, e.g. ``lundi 09:00-12:00 ; jeudi 17:00-18:00`` (with
        ``weekday``, that day's hours only, or « fermé le lundi »)."""
        if self.always_open:
            return "sans contrainte d'horaires"
        if weekday is not None and not self.days[weekday]:
            return f"fermé le {DAY_NAMES_FR[weekday]}"
        parts = []
        for day, intervals in enumerate(self.days):
            if intervals and weekday in (None, day):
                times = ", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in intervals)
                parts.append(f"{DAY_NAMES_FR[day]} {times}")
        return " ; ".join(parts) if parts else "jamais ouvert"

    def to_json(self) -> dict[str, object]:
        return {"always_open": self.always_open, "days": [list(map(list, d)) for d in self.days]}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> WeeklyHours:
        days = cast(list[list[list[int]]], data.get("days") or [[] for _ in range(7)])
        return cls(
            days=tuple(tuple((int(s), int(e)) for s, e in d) for d in days),
            always_open=bool(data.get("always_open", False)),
        )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
