"""The exact CP-SAT model: valid plans, a true reference between the heuristic and the bound."""

from __future__ import annotations

import dataclasses

import pytest

from planner.errors import InvalidProblemError
from planner.itinerary.bound import upper_bound
from planner.itinerary.check import validate_plan
from planner.itinerary.exact import MAX_CANDIDATES, MAX_VANDAYS, solve_exact
from planner.itinerary.grid import Grid
from planner.itinerary.solver import solve

from .conftest import load_factory
from .test_bound import _tiny_random, exhaustive_best

_f = load_factory()


def test_tiny_case_has_the_hand_computed_optimum() -> None:
    # One week: Alpha (weekly, 40) visited once, Bravo (30) on Tuesday or Thursday only,
    # Charlie (20) on its Wednesday market, Delta 5.5 h away never fits. Cheapest days:
    # Tuesday base-Alpha-Bravo-base 900 + 600 + 1200 s, Wednesday base-Charlie-base 2 x 1500 s.
    pb = _f.tiny_problem(weeks=1)
    plan, proven = solve_exact(pb, time_limit=10)
    assert proven
    assert plan.solver.name == "exact"
    assert plan.solver.objective == 3600 * (40 + 30 + 20) - (2700 + 3000)
    assert plan.solver.bound == plan.solver.objective
    assert validate_plan(pb, plan).ok
    assert {d.stop_id for d in plan.dropped} == {"21004"}
    assert any("optimum prouvé" in note for note in plan.notes)


@pytest.mark.parametrize("seed", range(4))
def test_exact_equals_exhaustive_search_on_tiny_cases(seed: int) -> None:
    pb = _tiny_random(seed)
    plan, proven = solve_exact(pb, time_limit=10)
    assert proven
    assert plan.solver.objective == exhaustive_best(pb)


@pytest.mark.parametrize(
    ("n_stops", "n_vans", "weeks", "periodic", "seed"),
    [(10, 1, 1, 0, 0), (12, 2, 1, 3, 1), (14, 1, 2, 4, 2), (12, 2, 2, 3, 3)],
)
def test_heuristic_le_exact_le_bound_on_generated_cases(
    n_stops: int, n_vans: int, weeks: int, periodic: int, seed: int
) -> None:
    pb = _f.random_problem(
        n_stops, n_vans=n_vans, weeks=weeks, periodic=periodic, seed=seed, hours=True
    )
    plan, proven = solve_exact(pb, time_limit=20)
    assert proven
    report = validate_plan(pb, plan)
    assert report.ok, report.describe_fr()
    heuristic = solve(pb, time_limit=1, iterations=300)
    assert heuristic.solver.objective <= plan.solver.objective <= upper_bound(Grid(pb))
    assert plan.kpis["objective"] == plan.solver.objective


def test_required_stops_come_first() -> None:
    # "cheap" (need 0.01, 36 points) adds at least 300 s of drive: dropped when optional,
    # planned when required (required stops first, as the engine serves them first).
    pb = _f.tiny_problem(weeks=1)
    cheap = dataclasses.replace(pb.candidates[0], id="cheap", need=0.01, frequency=None)
    for required in (False, True):
        stop = dataclasses.replace(cheap, required=required)
        case = pb.replace(candidates=(stop, *pb.candidates[1:3]))
        plan, proven = solve_exact(case, time_limit=10)
        assert proven
        assert ("cheap" in {v.stop_id for v in plan.visits}) is required
        assert validate_plan(case, plan).ok


def test_too_many_candidates_is_refused_in_french() -> None:
    pb = _f.random_problem(MAX_CANDIDATES + 1, seed=0)
    with pytest.raises(InvalidProblemError) as err:
        solve_exact(pb, time_limit=1)
    assert str(err.value).startswith(
        f"Modèle exact : {MAX_CANDIDATES + 1} arrêts candidats reçus, au plus {MAX_CANDIDATES}"
    )
    assert "autre solveur" in err.value.hint


def test_too_many_van_days_is_refused_in_french() -> None:
    pb = _f.random_problem(8, n_vans=2, weeks=3, seed=0)
    with pytest.raises(
        InvalidProblemError, match=f"30 journées-véhicule reçus, au plus {MAX_VANDAYS}"
    ):
        solve_exact(pb, time_limit=1)


def test_bad_time_limit_is_refused_in_french() -> None:
    with pytest.raises(InvalidProblemError, match="Limite de temps 0 s invalide"):
        solve_exact(_f.tiny_problem(weeks=1), time_limit=0)


def test_bad_worker_count_is_refused_in_french() -> None:
    with pytest.raises(InvalidProblemError, match="Nombre de fils 0 invalide"):
        solve_exact(_f.tiny_problem(weeks=1), time_limit=1, workers=0)
