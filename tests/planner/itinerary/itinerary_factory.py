"""Small random itinerary instances for tests (Euclidean points, 50 km/h straight lines)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from planner.fleet import Van
from planner.hours import WeeklyHours
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem

MONDAY = dt.date(2026, 3, 2)  # a school term week in zone A, no public holiday


def matrices(points: np.ndarray, speed_ms: float = 50 / 3.6) -> tuple[np.ndarray, np.ndarray]:
    diff = points[:, None, :] - points[None, :, :]
    metres = np.rint(np.hypot(diff[..., 0], diff[..., 1]) * 1.3).astype(np.int64)
    return np.rint(metres / speed_ms).astype(np.int64), metres


def random_problem(
    n_stops: int = 12,
    *,
    n_vans: int = 1,
    weeks: int = 1,
    seed: int = 0,
    start: dt.date = MONDAY,
    periodic: int = 0,
    span_m: float = 40_000.0,
    hours: bool = False,
) -> ItineraryProblem:
    """``n_stops`` random stops around one base; the first ``periodic`` ones are periodic."""
    rng = np.random.default_rng(seed)
    points = np.vstack([[0.0, 0.0], rng.uniform(-span_m / 2, span_m / 2, size=(n_stops, 2))])
    dur, dist = matrices(points)
    freqs = [Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.MONTHLY]
    cands = []
    for i in range(n_stops):
        wh = WeeklyHours.open_always()
        if hours and i % 3 == 0:
            wh = WeeklyHours.from_intervals([(d, 8 * 60, 12 * 60) for d in (0, 2, 4)])
        cands.append(
            Candidate(
                id=f"s{i}",
                name=f"Arrêt {i}",
                location=i + 1,
                need=float(rng.integers(5, 60)),
                commune=f"{21000 + i}",
                hours=wh,
                frequency=freqs[i % 3] if i < periodic else None,
            )
        )
    vans = [Van(id=f"v{j}", base="b0") for j in range(n_vans)]
    return ItineraryProblem.from_matrix(
        dur,
        dist,
        candidates=cands,
        bases=[BaseLocation("b0", "Siège", 0)],
        vans=vans,
        start=start,
        weeks=weeks,
        territory="test",
        travel_time_method="euclidean-test",
    )


TINY = Path(__file__).resolve().parents[2] / "data" / "itinerary" / "tiny.json"


def tiny_problem(*, weeks: int = 2, start: dt.date = MONDAY, **changes: object) -> ItineraryProblem:
    """The hand-made instance of ``tests/data/itinerary/tiny.json`` (Delta is 5.5 h away)."""
    doc = json.loads(TINY.read_text(encoding="utf-8"))
    cands = []
    for i, s in enumerate(doc["stops"]):
        hours = (
            WeeklyHours.from_intervals([tuple(x) for x in s["hours"]])
            if "hours" in s
            else WeeklyHours.open_always()
        )
        cands.append(
            Candidate(
                id=s["id"],
                name=s["name"],
                location=i + 1,
                need=float(s["need"]),
                commune=s["id"],
                hours=hours,
                market_day=s.get("market_day"),
                frequency=Frequency(s["frequency"]) if "frequency" in s else None,
            )
        )
    options: dict = {"vans": [Van(id="v0", base="b0")]}
    options.update(changes)
    return ItineraryProblem.from_matrix(
        np.array(doc["durations"]),
        np.array(doc["distances"]),
        candidates=options.pop("candidates", cands),
        bases=[BaseLocation("b0", "Siège", 0)],
        start=start,
        weeks=weeks,
        territory="tiny",
        **options,
    )
