"""Property test: every plan of many small random instances passes the independent validator."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.itinerary.check import validate_plan
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=14),
    vans=st.integers(min_value=1, max_value=2),
    weeks=st.integers(min_value=1, max_value=3),
    periodic=st.integers(min_value=0, max_value=4),
    seed=st.integers(min_value=0, max_value=10_000),
    hours=st.booleans(),
    required=st.booleans(),
    solver=st.sampled_from(["local", "greedy"]),
)
def test_every_plan_is_valid(n, vans, weeks, periodic, seed, hours, required, solver) -> None:
    pb = _f.random_problem(
        n,
        n_vans=vans,
        weeks=weeks,
        periodic=min(periodic, n),
        seed=seed,
        hours=hours,
        span_m=120_000.0,
    )
    if required:
        cands = [dataclasses.replace(c, required=i % 4 == 0) for i, c in enumerate(pb.candidates)]
        pb = pb.replace(candidates=tuple(cands))
    plan = solve(pb, solver=solver, time_limit=2, seed=seed % 7, iterations=60)
    report = validate_plan(pb, plan.to_json())
    assert report.ok, report.describe_fr()
    assert plan.solver.objective <= plan.solver.bound
