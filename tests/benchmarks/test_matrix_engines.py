"""The engine-vs-pandana benchmark in quick mode: both agree, or pandana is skipped cleanly."""

from __future__ import annotations

import json

from benchmarks import matrix_engines


def test_quick_run_agrees_with_pandana_or_says_it_is_missing(capsys) -> None:
    assert matrix_engines.main(["--quick"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    if "skipped" in lines[0]:
        assert "pandana non installé" in lines[0]["skipped"]
        return
    assert {r["case"] for r in lines} >= {"synthetic-3k-30", "synthetic-3k-60"}
    for r in lines:
        assert r["max_abs_diff_s"] <= 1 and r["max_abs_diff_unrounded_s"] <= 0.6, r
        assert r["same_reachability"] and r["engine_s"] > 0 and r["pandana_query_s"] > 0
