from __future__ import annotations

import numpy as np
import pytest

from planner.coverage import (
    CoverageProblem,
    SolverOptions,
    maximal_covering,
    p_median,
    set_covering,
)
from planner.errors import InfeasibleError, InvalidProblemError

# 4 demand points x 3 sites; site 2 is far from everyone but point 3.
COSTS = np.array([[5, 50, 90], [10, 40, 80], [50, 5, 70], [90, 60, 5]])
WEIGHTS = np.array([15, 20, 30, 40])


def toy(**kw) -> CoverageProblem:
    return CoverageProblem.from_matrix(COSTS, WEIGHTS, **kw)


@pytest.mark.shared
def test_sf_values_match_spopt(sf):
    metres = np.rint(sf.metres).astype(np.int64)
    problem = CoverageProblem.from_matrix(metres, sf.weights, site_ids=sf.sites, unit="m")
    mclp = maximal_covering(problem, k=4, within=5000)
    assert (mclp.status, mclp.objective, mclp.covered_weight) == ("OPTIMAL", 875_247, 875_247)
    assert mclp.total_weight == 955_113
    pmed = p_median(problem, p=4)
    assert pmed.status == "OPTIMAL"
    assert round(pmed.mean_cost(sf.metres, sf.weights), 2) == 2982.13
    lscp = set_covering(problem, within=8000)
    assert (lscp.status, lscp.objective, len(lscp.selected_ids)) == ("OPTIMAL", 3, 3)
    assert lscp.covered.all()


def test_mclp_picks_best_pair_and_respects_threshold():
    sol = maximal_covering(toy(), k=2, within=10)
    assert sol.optimal and sol.selected == (0, 2)
    assert sol.objective == 15 + 20 + 40  # {1, 2} would cover 70, {0, 1} 65
    assert sol.covered.tolist() == [True, True, False, True]
    assert sol.coverage_share == pytest.approx(75 / 105)


def test_mclp_already_covered_rows_do_not_drive_choice():
    pre = np.array([True, True, False, False])
    sol = maximal_covering(toy(), k=1, within=10, already_covered=pre)
    assert sol.selected == (2,)  # point 3 (40) beats point 2 (30); points 0-1 already served
    assert sol.objective == 40 and sol.covered_weight == 15 + 20 + 40


def test_unreachable_pairs_never_cover():
    reach = np.ones(COSTS.shape, bool)
    reach[3, 2] = False
    sol = maximal_covering(toy(reachable=reach), k=1, within=10)
    assert sol.selected == (0,) and sol.objective == 35  # not site 2 (would be 40)


def test_lscp_fewest_sites_and_targets():
    assert set_covering(toy(), within=10).selected == (0, 1, 2)
    sol = set_covering(toy(), within=10, targets=[True, True, False, False])
    assert sol.selected == (0,)


def test_lscp_unreachable_target_is_named():
    with pytest.raises(InfeasibleError, match=r"hors de portée.*d1"):
        set_covering(toy(), within=9, targets=[False, True, False, False])


def test_p_median_minimises_weighted_cost():
    sol = p_median(toy(), p=2)
    # {1, 2}: 15*50 + 20*40 + 30*5 + 40*5 = 1900 beats {0, 2} (75+200+1500+200 = 1975)
    assert sol.selected == (1, 2) and sol.objective == 1900
    assert sol.assignment.tolist() == [1, 1, 1, 2]
    assert sol.mean_cost(COSTS, WEIGHTS) == pytest.approx(1900 / 105)


def test_backends_agree():
    for backend in ("SCIP", "CBC"):
        assert p_median(toy(), p=2, options=SolverOptions(backend=backend)).objective == 1900


def test_records_and_ids():
    problem = toy(site_ids=["a", "b", "c"], demand_ids=["w", "x", "y", "z"])
    sol = maximal_covering(problem, k=1, within=10)
    recs = sol.to_records(problem)
    assert sol.selected_ids == ("c",)  # 40 within 10 beats a's 15 + 20
    assert [r["demand_id"] for r in recs] == ["w", "x", "y", "z"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: maximal_covering(p, k=4, within=10), "4 arrêts mais il n'y a que 3"),
        (lambda p: p_median(p, p=5), "5 arrêts mais il n'y a que 3"),
        (lambda p: maximal_covering(p, k=0, within=10), "entier >= 1"),
        (lambda p: maximal_covering(p, k=1, within=0), "strictement positif"),
        (lambda p: set_covering(p, within=-5), "strictement positif"),
        (lambda p: maximal_covering(p, k=1, within=10, already_covered=[True]), "4 valeurs"),
    ],
)
def test_bad_model_arguments(call, message):
    with pytest.raises(InvalidProblemError, match=message):
        call(toy())


@pytest.mark.parametrize(
    ("costs", "weights", "message"),
    [
        (COSTS.astype(float), WEIGHTS, "des entiers"),
        (COSTS, WEIGHTS[:3], "un poids par ligne"),
        (-COSTS, WEIGHTS, "valeur négative"),
        (COSTS, -WEIGHTS, "valeur négative"),
        (COSTS[:, :0], WEIGHTS, "Aucun site candidat"),
        (COSTS[0], WEIGHTS, "2 dimension"),
    ],
)
def test_bad_problem_inputs(costs, weights, message):
    with pytest.raises(InvalidProblemError, match=message):
        CoverageProblem.from_matrix(costs, weights)


def test_duplicate_ids_and_bad_options():
    with pytest.raises(InvalidProblemError, match="en double"):
        toy(site_ids=["a", "a", "b"])
    with pytest.raises(InvalidProblemError, match="Solveur inconnu"):
        SolverOptions(backend="GUROBI")
    with pytest.raises(InvalidProblemError, match="limite de temps"):
        SolverOptions(time_limit=0)


def test_p_median_row_without_reachable_site():
    reach = np.ones(COSTS.shape, bool)
    reach[2] = False
    with pytest.raises(InfeasibleError, match="d2"):
        p_median(toy(reachable=reach), p=1)
