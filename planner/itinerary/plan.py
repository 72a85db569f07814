"""Result types of the itinerary engine and their JSON form (``plan.json``).

Clock times are seconds after the visit date's midnight; JSON carries them both as ``HH:MM``
(for people) and as ``*_s`` integers (for exact re-validation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def hhmm(seconds: int) -> str:
    """``34200`` -> ``"09:30"`` (seconds are floored to the minute)."""
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Visit:
    """One planned session: a stop on a date, in a slot, served by a van."""

    date: dt.date
    van: str
    slot: str
    stop_id: str
    stop_name: str
    commune: str
    lon: float
    lat: float
    arrival_s: int
    start_s: int
    end_s: int
    host: str = ""
    need: float = 0.0
    frr_class: str = "inconnue"
    qpv: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "van": self.van,
            "slot": self.slot,
            "stop_id": self.stop_id,
            "stop_name": self.stop_name,
            "commune": self.commune,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "arrival": hhmm(self.arrival_s),
            "start": hhmm(self.start_s),
            "end": hhmm(self.end_s),
            "arrival_s": self.arrival_s,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "host": self.host or None,
            "need": round(self.need, 3),
            "frr_class": self.frr_class,
            "qpv": self.qpv,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Visit:
        return cls(
            date=dt.date.fromisoformat(d["date"]),
            van=str(d["van"]),
            slot=str(d["slot"]),
            stop_id=str(d["stop_id"]),
            stop_name=str(d.get("stop_name", "")),
            commune=str(d.get("commune", "")),
            lon=float(d.get("lon", 0.0)),
            lat=float(d.get("lat", 0.0)),
            arrival_s=int(d["arrival_s"]),
            start_s=int(d["start_s"]),
            end_s=int(d["end_s"]),
            host=d.get("host") or "",
            need=float(d.get("need", 0.0)),
            frr_class=str(d.get("frr_class", "inconnue")),
            qpv=bool(d.get("qpv", False)),
        )


@dataclass(frozen=True)
class VanDay:
    """One van's working day: leave the base, visit ``stops`` in order, come back."""

    van: str
    date: dt.date
    leave_base_s: int
    return_base_s: int
    drive_s: int
    drive_m: int
    stops: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "van": self.van,
            "date": self.date.isoformat(),
            "leave_base": hhmm(self.leave_base_s),
            "return_base": hhmm(self.return_base_s),
            "leave_base_s": self.leave_base_s,
            "return_base_s": self.return_base_s,
            "drive_s": self.drive_s,
            "drive_m": self.drive_m,
            "stops": list(self.stops),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> VanDay:
        return cls(
            van=str(d["van"]),
            date=dt.date.fromisoformat(d["date"]),
            leave_base_s=int(d["leave_base_s"]),
            return_base_s=int(d["return_base_s"]),
            drive_s=int(d["drive_s"]),
            drive_m=int(d["drive_m"]),
            stops=tuple(d.get("stops", ())),
        )


@dataclass(frozen=True)
class Dropped:
    """A candidate left out of the plan, with the French reason."""

    stop_id: str
    stop_name: str
    reason: str
    required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "stop_id": self.stop_id,
            "stop_name": self.stop_name,
            "reason": self.reason,
            "required": self.required,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Dropped:
        return cls(
            str(d["stop_id"]),
            str(d.get("stop_name", "")),
            str(d["reason"]),
            bool(d.get("required", False)),
        )


@dataclass(frozen=True)
class Skipped:
    """A repetition of a periodic stop that falls on a date with no van-day (said, not silent)."""

    stop_id: str
    date: dt.date
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"stop_id": self.stop_id, "date": self.date.isoformat(), "reason": self.reason}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Skipped:
        return cls(str(d["stop_id"]), dt.date.fromisoformat(d["date"]), str(d["reason"]))


@dataclass(frozen=True)
class SolverInfo:
    """How the plan was found, its objective and a valid upper bound (see :mod:`.bound`)."""

    name: str
    seed: int
    time_s: float
    time_limit_s: float
    objective: int
    bound: int
    gap_pct: float
    iterations: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seed": self.seed,
            "time_s": round(self.time_s, 3),
            "time_limit_s": self.time_limit_s,
            "objective": self.objective,
            "bound": self.bound,
            "gap_pct": round(self.gap_pct, 4),
            "iterations": self.iterations,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SolverInfo:
        return cls(
            name=str(d["name"]),
            seed=int(d["seed"]),
            time_s=float(d["time_s"]),
            time_limit_s=float(d.get("time_limit_s", 0.0)),
            objective=int(d["objective"]),
            bound=int(d["bound"]),
            gap_pct=float(d["gap_pct"]),
            iterations=int(d.get("iterations", 0)),
        )


@dataclass(frozen=True)
class Plan:
    """A complete itinerary plan over ``weeks`` weeks from ``start``."""

    territory: str
    travel_time_method: str
    start: dt.date
    weeks: int
    visits: tuple[Visit, ...]
    days: tuple[VanDay, ...]
    dropped: tuple[Dropped, ...]
    kpis: dict[str, Any]
    solver: SolverInfo
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)
    van_bases: dict[str, tuple[float, float]] = field(default_factory=dict)
    travel_time: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``plan.json`` document (plain JSON types only)."""
        return {
            "territory": self.territory,
            "travel_time_method": self.travel_time_method,
            "travel_time": self.travel_time,
            "start": self.start.isoformat(),
            "weeks": self.weeks,
            "visits": [v.to_json() for v in self.visits],
            "days": [d.to_json() for d in self.days],
            "dropped": [d.to_json() for d in self.dropped],
            "skipped": [s.to_json() for s in self.skipped],
            "kpis": self.kpis,
            "solver": self.solver.to_json(),
            "notes": list(self.notes),
            "source": self.source,
            "van_bases": {k: list(v) for k, v in self.van_bases.items()},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        return cls(
            territory=str(d["territory"]),
            travel_time_method=str(d["travel_time_method"]),
            start=dt.date.fromisoformat(d["start"]),
            weeks=int(d["weeks"]),
            visits=tuple(Visit.from_json(v) for v in d["visits"]),
            days=tuple(VanDay.from_json(v) for v in d["days"]),
            dropped=tuple(Dropped.from_json(v) for v in d["dropped"]),
            kpis=dict(d.get("kpis", {})),
            solver=SolverInfo.from_json(d["solver"]),
            skipped=tuple(Skipped.from_json(v) for v in d.get("skipped", ())),
            notes=tuple(d.get("notes", ())),
            source=dict(d.get("source", {})),
            van_bases={k: (float(v[0]), float(v[1])) for k, v in d.get("van_bases", {}).items()},
            travel_time=str(d.get("travel_time", "")),
        )
