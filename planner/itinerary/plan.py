"""Result types of the itinerary engine; their JSON form (``plan.json``) follows the one schema
of :mod:`planner.itinerary.plan_schema`.

Clock times are seconds after the visit date's midnight; JSON carries them both as ``HH:MM``
(for people) and as ``*_s`` integers (for exact re-validation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from planner.itinerary.plan_schema import (
    CHANGE,
    COMMUNE,
    DROPPED,
    SKIPPED,
    SOLVER,
    STOP,
    UNPLANNED,
    VAN_DAY,
    VISIT,
    PlanRecord,
    Record,
    plan_error,
)


@dataclass(frozen=True)
class Visit(PlanRecord):
    """One planned session: a stop (van stop, partner session, maraude, event) on a date, in a
    slot, held by a resource (van or team)."""

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
    to_check: str = ""
    uid: str = ""
    sequence: int = 0
    kind: str = "commune"
    approach: str = "vehicule_itinerant"
    resource: str = "vehicule"
    private: bool = False
    locked: bool = False
    moved_from: str = ""
    moved_from_van: str = ""
    moved_from_slot: str = ""

    schema: ClassVar[Record] = VISIT

    @property
    def origin(self) -> tuple[dt.date, str, str] | None:
        """``(date, van, slot)`` of the visit a manager's move replaced (None: not moved)."""
        if not self.moved_from:
            return None
        return (dt.date.fromisoformat(self.moved_from), self.moved_from_van, self.moved_from_slot)


@dataclass(frozen=True)
class VanDay(PlanRecord):
    """One van's working day: leave the base, visit ``stops`` in order, come back."""

    van: str
    date: dt.date
    leave_base_s: int
    return_base_s: int
    drive_s: int
    drive_m: int
    stops: tuple[str, ...] = ()

    schema: ClassVar[Record] = VAN_DAY


@dataclass(frozen=True)
class Dropped(PlanRecord):
    """A candidate left out of the plan, with the French reason."""

    stop_id: str
    stop_name: str
    reason: str
    required: bool = False

    schema: ClassVar[Record] = DROPPED


@dataclass(frozen=True)
class Skipped(PlanRecord):
    """A repetition of a periodic stop that falls on a date with no van-day (said, not silent)."""

    stop_id: str
    date: dt.date
    reason: str

    schema: ClassVar[Record] = SKIPPED


@dataclass(frozen=True)
class PlanChange(PlanRecord):
    """One difference between a re-planned plan and the plan it repairs (see ``replan``)."""

    change: str
    label: str
    stop_id: str
    stop_name: str
    date: dt.date
    van: str
    slot: str
    new_date: str = ""
    new_van: str = ""
    new_slot: str = ""
    reason: str = ""
    uid: str = ""
    sequence: int = 0

    schema: ClassVar[Record] = CHANGE


@dataclass(frozen=True)
class SolverInfo(PlanRecord):
    """How the plan was found, its objective and a valid upper bound (see :mod:`.bound`)."""

    name: str
    seed: int
    time_s: float
    time_limit_s: float
    objective: int
    bound: int
    gap_pct: float
    iterations: int = 0

    schema: ClassVar[Record] = SOLVER


@dataclass(frozen=True)
class StopReason(PlanRecord):
    """A planned stop: how often, when, whom it reaches and why it is in the plan."""

    stop_id: str
    stop_name: str
    commune: str
    host: str
    visits: int
    frequency: str
    regular: bool
    weekday: str = ""
    slot: str = ""
    van: str = ""
    need: float = 0.0
    young_within: float = 0.0
    communes_within: int = 0
    kind: str = "commune"
    approach: str = "vehicule_itinerant"
    why: tuple[str, ...] = ()

    schema: ClassVar[Record] = STOP


@dataclass(frozen=True)
class CommuneReach(PlanRecord):
    """Where a commune's young people are reached (a stop, a fixed site, minutes), or why not."""

    commune: str
    name: str
    young: float
    need: float
    reached: bool
    regular: bool
    by: str = ""
    by_kind: str = ""
    minutes: float | None = None
    why_not: str = ""

    schema: ClassVar[Record] = COMMUNE


@dataclass(frozen=True)
class Unplanned(PlanRecord):
    """A candidate stop with no visit, and why (« non planifiés et pourquoi »)."""

    stop_id: str
    commune: str
    name: str
    young: float
    need: float
    reason: str
    engine_reason: str = ""
    by: str = ""
    minutes: float | None = None
    kind: str = "commune"
    approach: str = "vehicule_itinerant"

    schema: ClassVar[Record] = UNPLANNED


@dataclass(frozen=True)
class Plan:
    """A complete itinerary plan over ``weeks`` weeks from ``start``.

    ``stops``, ``communes`` and ``unplanned`` explain it (:mod:`planner.workflows.explain`);
    they are empty until the workflow attaches them, and in plan files written before them.
    """

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
    changes: tuple[PlanChange, ...] = ()
    stops: tuple[StopReason, ...] = ()
    communes: tuple[CommuneReach, ...] = ()
    unplanned: tuple[Unplanned, ...] = ()

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
            "changes": [c.to_json() for c in self.changes],
            "stops": [s.to_json() for s in self.stops],
            "communes": [c.to_json() for c in self.communes],
            "unplanned": [u.to_json() for u in self.unplanned],
            "kpis": self.kpis,
            "solver": self.solver.to_json(),
            "notes": list(self.notes),
            "source": self.source,
            "van_bases": {k: list(v) for k, v in self.van_bases.items()},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        """The plan of a ``plan.json`` document (``InvalidPlanError`` when a key is missing)."""
        try:
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
                changes=tuple(PlanChange.from_json(v) for v in d.get("changes", ())),
                stops=tuple(StopReason.from_json(v) for v in d.get("stops", ())),
                communes=tuple(CommuneReach.from_json(v) for v in d.get("communes", ())),
                unplanned=tuple(Unplanned.from_json(v) for v in d.get("unplanned", ())),
                notes=tuple(d.get("notes", ())),
                source=dict(d.get("source", {})),
                van_bases={
                    k: (float(v[0]), float(v[1])) for k, v in d.get("van_bases", {}).items()
                },
                travel_time=str(d.get("travel_time", "")),
            )
        except KeyError as exc:
            raise plan_error("fourni", f"clé absente : {exc.args[0]}", sorted(d)) from None
