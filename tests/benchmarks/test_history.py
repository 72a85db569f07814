"""The history benchmark: pairs, the planted record, and one measured pair."""

from __future__ import annotations

import pytest

from benchmarks import history
from geo_data.demo import load_demo_territory


@pytest.fixture(scope="module")
def marches():
    return load_demo_territory("marches-de-bourgogne")


def test_pairs_are_a_small_village_and_a_larger_town_without_history(marches) -> None:
    [(village, town)] = history.pairs(marches, 1)
    young = marches.communes["young"]
    assert history.VILLAGE_YOUNG[0] <= young[village] <= history.VILLAGE_YOUNG[1]
    assert young[town] >= history.TOWN_YOUNG
    seen = set(marches.activity["commune"].astype(str))
    assert village not in seen and town not in seen


def test_the_record_raises_the_village_value_only_with_learned_values(marches) -> None:
    [(village, town)] = history.pairs(marches, 1)
    recorded = history.with_record(marches, village)
    assert len(recorded.activity) == len(marches.activity) + history.SESSIONS
    pop = history.measure(recorded, village, town, "population", time_limit=1, seed=0)
    got = history.measure(recorded, village, town, "learned", time_limit=1, seed=0)
    assert got["village"]["value_per_visit"] > pop["village"]["value_per_visit"]
    assert got["town"]["value_per_visit"] == pytest.approx(pop["town"]["value_per_visit"], abs=0.5)
    assert got["label"] == "données fictives"
    table = history.summary([pop, got])
    assert "Objectif : le village" in table and "apprises / population seule" in table
