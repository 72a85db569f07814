"""A tiny solved plan with every kind of session (van stop, partner session, maraude, event)
held by a van and a team on foot, for the tests of the plan's outputs (exports, maps, pages).

Built like the engine cases of ``tests/planner/itinerary/test_approaches.py``: points on a line
around one base (1 km apart), placed near Montceau-les-Mines so that maps frame them.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from planner.fleet import Person, Van
from planner.itinerary.candidate import Candidate
from planner.itinerary.plan import Plan
from planner.itinerary.problem import BaseLocation, Frequency, ItineraryProblem
from planner.itinerary.solver import solve

MONDAY = dt.date(2026, 3, 2)  # a school term week in zone A, no public holiday
WEDNESDAY = MONDAY + dt.timedelta(days=2)
VAN = Van(id="van-1", base="b0", crew=("a", "b"))
TEAM = Van(id="equipe-1", base="b0", kind="equipe", mode="pied", crew=("c",))
PEOPLE = (Person("a"), Person("b"), Person("c"))
#: lon/lat of point i: 1 km steps east of the base (about 0.013 degree at 46.7 N)
LON0, LAT0 = 4.36, 46.67


def _lonlat(i: int) -> tuple[float, float]:
    return LON0 + 0.013 * i, LAT0


def candidates() -> list[Candidate]:
    def at(i: int) -> dict[str, float]:
        lon, lat = _lonlat(i)
        return {"lon": lon, "lat": lat}

    return [
        Candidate(id="s1", name="Place de l'église", location=1, need=30.0, commune="71306",
                  **at(1)),
        Candidate(id="p2", name="Centre social Le Lien", location=2, need=40.0, kind="partenaire",
                  approach="acteurs_proximite", service_s=7200, host="Centre social Le Lien",
                  commune="71306", **at(2)),
        Candidate(id="m3", name="Maraude quartier du Bois du Verne", location=3, need=25.0,
                  kind="maraude", approach="maraude", daylight=True, service_s=7200,
                  private=True, commune="71306", **at(3)),
        Candidate(id="ev4", name="Forum de l'emploi", location=4, need=10.0, kind="evenement",
                  approach="evenements", dates=frozenset({WEDNESDAY}),
                  window_min=(9 * 60, 11 * 60), required=True, frequency=Frequency.ONCE,
                  commune="71306", **at(4)),
    ]  # fmt: skip


def problem() -> ItineraryProblem:
    cands = candidates()
    points = np.array([[i * 1000.0, 0.0] for i in range(5)])
    diff = points[:, None, :] - points[None, :, :]
    metres = np.rint(np.hypot(diff[..., 0], diff[..., 1]) * 1.3).astype(np.int64)
    durations = np.rint(metres / (50 / 3.6)).astype(np.int64)
    return ItineraryProblem.from_matrix(
        durations,
        metres,
        candidates=cands,
        bases=[BaseLocation("b0", "Siège", 0)],
        vans=[VAN, TEAM],
        start=MONDAY,
        weeks=1,
        territory="test-approches",
        travel_time_method="estimate",
        people=PEOPLE,
        mode_durations={"pied": np.rint(metres / (5 / 3.6)).astype(np.int64)},
    )


@functools.cache
def every_kind_plan() -> Plan:
    """The solved plan (cached: solving takes a second); every kind has a visit."""
    plan = solve(problem(), time_limit=1, seed=1)
    base = _lonlat(0)
    plan = Plan(**{**plan.__dict__, "van_bases": {v: base for v in plan.van_bases}})
    kinds = {v.kind for v in plan.visits}
    assert kinds == {"commune", "partenaire", "maraude", "evenement"}, kinds
    return plan
