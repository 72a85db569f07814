"""The bound is valid: never below the best plan found by exhaustive search on tiny cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.fleet import Van
from planner.itinerary.bound import gap_pct, upper_bound
from planner.itinerary.grid import Grid
from planner.itinerary.problem import NEED_POINTS, BaseLocation, Candidate, ItineraryProblem
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


def _tiny_random(seed: int, n: int = 4) -> ItineraryProblem:
    rng = np.random.default_rng(seed)
    points = np.vstack([[0.0, 0.0], rng.uniform(-60_000, 60_000, size=(n, 2))])
    dur, dist = _f.matrices(points)
    cands = [
        Candidate(id=f"s{i}", name=f"S{i}", location=i + 1, need=float(rng.uniform(0.05, 3.0)))
        for i in range(n)
    ]
    return ItineraryProblem.from_matrix(
        dur,
        dist,
        candidates=cands,
        bases=[BaseLocation("b", "B", 0)],
        vans=[Van("v", "b", working_days=(0, 1))],
        start=_f.MONDAY,
        weeks=1,
    )


def exhaustive_best(pb: ItineraryProblem) -> int:
    """Best objective over every assignment of stops (or nothing) to the positions."""
    grid = Grid(pb)
    n_c = len(pb.candidates)
    best = 0
    for combo in itertools.product(range(-1, n_c), repeat=grid.n_positions):
        used = [c for c in combo if c >= 0]
        if len(used) != len(set(used)):
            continue
        if any(c >= 0 and not grid.fit[c, p] for p, c in enumerate(combo)):
            continue
        total = sum(round(NEED_POINTS * pb.candidates[c].need) for c in used)
        feasible = True
        for k in range(len(grid.vandays)):
            visits = [(s, combo[k * grid.n_slots + s]) for s in range(grid.n_slots)]
            visits = [(s, c) for s, c in visits if c >= 0]
            timing = grid.day_timing(grid.vandays[k][0], visits)
            feasible &= timing.feasible
            total -= timing.drive_s
        if feasible:
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(8))
def test_bound_is_valid_and_the_engine_finds_the_optimum(seed: int) -> None:
    pb = _tiny_random(seed)
    grid = Grid(pb)
    optimum = exhaustive_best(pb)
    bound = upper_bound(grid)
    assert bound >= optimum
    plan = solve(pb, time_limit=5, seed=seed, iterations=200)
    assert plan.solver.objective <= optimum
    assert plan.solver.objective >= optimum - 0.02 * abs(optimum)
    assert plan.solver.bound == bound


def test_gap_pct() -> None:
    assert gap_pct(90, 100) == pytest.approx(10.0)
    assert gap_pct(0, 0) == 0.0
