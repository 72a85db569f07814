from __future__ import annotations

import dataclasses
from datetime import date

from geo_data.demo import load_demo_territory
from planner.coverage import SYNTHETIC_LABEL, compare_territories, synthetic_activity_from_territory
from planner.coverage.runner import territory_coverage


def test_demo_territory_end_to_end():
    territory = load_demo_territory("creusot-montceau")
    activity = synthetic_activity_from_territory(territory, end=date(2025, 6, 30), seed=3)
    territory = dataclasses.replace(territory, activity=activity, activity_synthetic=True)
    result = territory_coverage(territory, k=3, today=date(2025, 7, 1))
    assert result.choice.optimal and len(result.choice.selected_ids) == 3
    assert result.need.activity_label == SYNTHETIC_LABEL
    assert len(result.need.frame) == len(territory.communes)
    ind = result.indicators
    assert ind.access["share_20min_with_van"] >= ind.access["share_20min_fixed"]
    assert sum(ind.stops_by_type.values()) == 3
    table = compare_territories([ind])
    assert list(table.frame["territory_id"]) == ["creusot-montceau", "region"]
