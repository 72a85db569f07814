"""The circuit choice: hubs and frequencies from capacity, diminishing returns, forced hubs."""

from __future__ import annotations

import numpy as np
import pytest

from planner.coverage.circuits import (
    SECOND_WEIGHT,
    CircuitInputs,
    choose_circuits,
    marginal_value,
    sessions_per_frequency,
)
from planner.errors import InvalidProblemError

ALL = ("weekly", "fortnightly", "monthly")


def _inputs(access, demand, *, fixed=None, budget=2, weeks=4, drive=None, **kw) -> CircuitInputs:
    access = np.asarray(access, dtype=bool)
    n, m = access.shape
    return CircuitInputs(
        access=access,
        demand=np.asarray(demand, dtype=float),
        fixed=np.zeros(n, bool) if fixed is None else np.asarray(fixed, bool),
        drive_h=np.zeros(m) if drive is None else np.asarray(drive, float),
        allowed=kw.pop("allowed", [ALL] * m),
        sessions=sessions_per_frequency(weeks),
        budget=budget,
        **kw,
    )


def test_sessions_per_frequency_over_four_weeks() -> None:
    assert sessions_per_frequency(4) == {"weekly": 4, "fortnightly": 2, "monthly": 1}
    assert sessions_per_frequency(1) == {"weekly": 1, "fortnightly": 1, "monthly": 1}
    with pytest.raises(InvalidProblemError, match="Horizon de 0 semaine"):
        sessions_per_frequency(0)


def test_the_hub_reaching_more_young_wins_the_only_fortnightly_budget() -> None:
    # stop 0 reaches communes 0-1 (demand 10 + 10), stop 1 reaches commune 2 (demand 30)
    access = [[1, 0], [1, 0], [0, 1]]
    choice = choose_circuits(_inputs(access, [10, 10, 30], budget=2))
    assert choice.frequency == (None, "fortnightly")
    assert list(choice.level) == [0, 0, 2]
    assert choice.sessions_used == 2


def test_a_commune_served_by_a_fixed_point_counts_for_little() -> None:
    # commune 0 (demand 40) is already served by a fixed contact point
    access = [[1, 0], [0, 1]]
    choice = choose_circuits(_inputs(access, [40, 20], fixed=[True, False], budget=2))
    assert choice.frequency == (None, "fortnightly")  # 20 > 0.25 x 40


def test_diminishing_returns_make_a_second_hub_go_elsewhere() -> None:
    # stops 0 and 1 reach the same big commune; stop 2 a smaller one
    access = [[1, 1, 0], [0, 0, 1]]
    choice = choose_circuits(_inputs(access, [100, 30], budget=4))
    chosen = {j for j, f in enumerate(choice.frequency) if f}
    assert 2 in chosen and len(chosen & {0, 1}) == 1
    assert SECOND_WEIGHT * 100 < 30


def test_the_budget_is_used_for_regular_presence_not_left_empty() -> None:
    # a costly drive does not stop the hubs from using their budget
    access = np.eye(4, dtype=bool)
    choice = choose_circuits(_inputs(access, [5, 5, 5, 5], budget=8, drive=[1, 1, 1, 1]))
    assert choice.sessions_used >= 6


def test_driving_decides_between_hubs_of_equal_reach() -> None:
    access = [[1, 1]]
    choice = choose_circuits(_inputs(access, [50], budget=2, drive=[1.5, 0.2]))
    assert choice.frequency == (None, "fortnightly")


def test_monthly_only_when_the_budget_is_short() -> None:
    access = np.eye(3, dtype=bool)
    choice = choose_circuits(_inputs(access, [10, 10, 10], budget=3))
    # fortnightly (10) + monthly (0.4 x 10) beats three monthly stops (3 x 4)
    assert sorted(f for f in choice.frequency if f) == ["fortnightly", "monthly"]
    assert sorted(choice.level) == [0, 1, 2]
    short = choose_circuits(_inputs(access, [10, 10, 10], budget=1))
    assert sorted(f for f in short.frequency if f) == ["monthly"]


def test_forced_and_forbidden_frequencies_hold() -> None:
    access = np.eye(3, dtype=bool)
    inputs = _inputs(
        access,
        [1, 50, 50],
        budget=4,
        forced={0: "fortnightly"},
        allowed=[ALL, ("monthly",), ALL],
    )
    choice = choose_circuits(inputs)
    assert choice.frequency[0] == "fortnightly"  # forced although worth little
    assert choice.frequency[1] in (None, "monthly")


def test_forced_hubs_beyond_the_budget_are_refused_in_french() -> None:
    inputs = _inputs(np.eye(2, dtype=bool), [1, 1], budget=4, forced={0: "weekly", 1: "weekly"})
    with pytest.raises(InvalidProblemError, match="demandent 8 séances pour 4 disponibles"):
        choose_circuits(inputs)


def test_marginal_value_discounts_communes_already_served() -> None:
    access = [[1, 0], [1, 1]]
    inputs = _inputs(access, [10, 20], budget=2, allowed=[(), ALL])
    choice = choose_circuits(inputs)
    assert choice.frequency == (None, "fortnightly")
    assert marginal_value(inputs, choice).tolist() == pytest.approx(
        [10 + SECOND_WEIGHT * 20, SECOND_WEIGHT * 20]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"demand": [1.0, -1.0]}, "demande négative"),
        ({"demand": [1.0]}, "demande de forme"),
        ({"allowed": [ALL]}, "1 listes de fréquences pour 2 arrêts"),
        ({"allowed": [ALL, ("daily",)]}, "fréquence\\(s\\) daily inconnue"),
        ({"budget": -1}, "budget de -1 séances négatif"),
    ],
)
def test_bad_inputs_get_french_errors(change, message) -> None:
    base = {"access": np.eye(2, dtype=bool), "demand": [1.0, 1.0]}
    base.update({k: v for k, v in change.items() if k in base})
    kw = {k: v for k, v in change.items() if k not in ("access", "demand")}
    with pytest.raises(InvalidProblemError, match=message):
        _inputs(base["access"], base["demand"], **kw)
