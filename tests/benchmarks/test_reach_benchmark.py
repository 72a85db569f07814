"""The reach benchmark's registries, one measured line on a small demo, the goals and the table."""

from __future__ import annotations

import pytest

from benchmarks import reach
from benchmarks.weekly import cases


def test_case_groups_name_cases_of_the_weekly_benchmark() -> None:
    demo = cases(set(reach.CASE_GROUPS["demo"]))
    assert [name for name, _, _ in demo] == list(reach.CASE_GROUPS["demo"])
    assert reach.GOAL_CASE in reach.CASE_GROUPS["demo"]
    assert list(reach.METHODS) == ["need", "circuits"]


def test_unknown_names_are_refused_in_french() -> None:
    with pytest.raises(SystemExit, match="Méthode\\(s\\) inconnu\\(s\\) : nouvelle ; possibles"):
        reach._names("circuits,nouvelle", reach.METHODS, "Méthode(s)")


def test_one_line_goals_and_table(monkeypatch) -> None:
    [(name, territory, _)] = cases({"demo-creusot-montceau"})
    line = reach.measure(name, territory, 1, "circuits", time_limit=1, seed=0)
    assert line["case"] == name and line["method"] == "circuits" and line["weeks"] == 1
    assert 0 <= line["regular_reach_pct"] <= line["any_reach_pct"] <= 100
    assert line["reperes_label"] == "données fictives"
    good = dict(line, case=reach.GOAL_CASE, regular_reach_pct=90.0, drive_per_visit_h=0.5)
    assert all(reach.goals(dict(good, unreached_150=[])).values())
    bad = dict(good, regular_reach_pct=43.0, drive_per_visit_h=None)
    assert not any(reach.goals(dict(bad, unreached_150=[{"code": "x"}])).values())
    table = reach.summary([line, dict(good, unreached_150=[])])
    assert name in table and "[OK] atteinte régulière >= 85 %" in table
