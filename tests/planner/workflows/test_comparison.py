"""The demo's synthetic activity of a Territory (its van hosts are the places)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from planner.coverage import validate_activity
from planner.errors import InvalidProblemError
from planner.territory import ACTIVITY_COLUMNS
from planner.workflows.comparison import synthetic_territory_activity, with_demo_activity

END = date(2025, 6, 30)


def test_seeded_reproducible_and_valid(tiny):
    a = synthetic_territory_activity(tiny, end=END, seed=7, years=2)
    b = synthetic_territory_activity(tiny, end=END, seed=7, years=2)
    c = synthetic_territory_activity(tiny, end=END, seed=8, years=2)
    assert a.equals(b) and not a.equals(c)
    assert tuple(a.columns) == ACTIVITY_COLUMNS
    validate_activity(a, known_places=tiny.partners.index, today=END)
    assert len(a) == 240 and (a["reperes"] == 0).any()  # 120 sessions a year, some empty
    assert set(a["place_id"]) <= {"p1", "p2", "p3", "p4"}  # hosts only, not the France Services


def test_bad_inputs(tiny):
    with pytest.raises(InvalidProblemError, match="> 0 an"):
        synthetic_territory_activity(tiny, end=END, seed=1, years=0)
    tiny.partners["can_host_van"] = False
    with pytest.raises(InvalidProblemError, match="aucun partenaire pouvant accueillir"):
        synthetic_territory_activity(tiny, end=END, seed=1)


def test_demo_activity_only_where_there_is_none(creusot):
    assert with_demo_activity(creusot, seed=0, today=date(2030, 1, 1)) is creusot  # has some
    empty = creusot.activity.iloc[:0]
    bare = dataclasses.replace(creusot, activity=empty, activity_synthetic=False)
    demo = with_demo_activity(bare, seed=0, today=date(2030, 1, 1))
    assert demo.activity_synthetic and len(demo.activity)
    # sessions at a steady rhythm (120 a year, fewer in December) up to the day before today
    assert date(2029, 12, 21) <= demo.activity["period_end"].max() <= date(2029, 12, 31)
    assert demo.activity["period_start"].min() <= date(2029, 1, 10)
