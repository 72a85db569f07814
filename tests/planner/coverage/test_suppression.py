"""The suppression rule set: primary, values derived from a count, secondary by LP audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.coverage import compare_territories, territory_indicators
from planner.coverage.suppression import (
    HIDDEN_LABELS,
    SECONDARY,
    SECRET,
    SMALL,
    TableRelations,
    suppress_table,
)
from planner.coverage.suppression_audit import COMPANION, PRIMARY, VISIBLE, protect
from planner.errors import InvalidProblemError


def row(tid: str, *, stops: dict[str, int] | None = None, **kw):
    base = dict(
        young=[500, 300], frr_class=["non_classee", "frr_plus"], qpv_codes=[["Q1"], []],
        fixed_times=[600, 2400], van_times=[900, 900],
        activity_totals=dict(sessions=40, contacts=60, reperes=30, mobilises=12),
        sessions_planned=200, km_driven=400.0,
    )  # fmt: skip
    keys = ("sessions", "contacts", "reperes", "mobilises")
    activity = {k: kw.pop(k) for k in keys if k in kw}
    base["activity_totals"] |= activity  # type: ignore[operator]
    types = [
        t for t, n in (stops if stops is not None else {"mairie": 20}).items() for _ in range(n)
    ]
    return territory_indicators(tid, tid.upper(), stop_types=types, **(base | kw))


def shown(table) -> pd.DataFrame:
    return table.frame.set_index("territory_id")


def hidden(value: object) -> bool:
    return value in HIDDEN_LABELS


def test_stops_by_type_cannot_be_recomputed_from_their_row():
    # issue #12: stops 103 - stops_mairie 84 - stops_sans_hote 18 = 1 shown as « < 11 »
    a = row("a", stops={"mairie": 84, "sans_hote": 18, "france_services": 1})
    b = row("b", stops={"mairie": 60, "sans_hote": 30, "france_services": 20})
    f = shown(compare_territories([a, b]))
    assert f.loc["a", "stops_france_services"] == SMALL
    parts = ["stops", "stops_mairie", "stops_sans_hote"]
    assert sum(hidden(f.loc["a", c]) for c in parts) >= 1  # the row no longer gives it back
    assert all(f.loc["a", c] == SECONDARY for c in parts if hidden(f.loc["a", c]))
    # nor does the column: the total minus b's shown figure
    column = [f.loc[t, "stops_france_services"] for t in ("b", "region")]
    assert any(hidden(v) for v in column)


def test_km_driven_follows_sessions_planned():
    # issue #12: an unsuppressed km_driven 0.0 revealed a hidden count (no session planned)
    a = row("a", sessions_planned=0, km_driven=0.0, stops={})
    b = row("b", sessions_planned=40, km_driven=350.0)
    c = row("c", sessions_planned=50, km_driven=420.0)
    f = shown(compare_territories([a, b, c]))
    assert f.loc["a", "sessions_planned"] == SMALL and f.loc["a", "km_driven"] == SECRET
    km = [f.loc[t, "km_driven"] for t in ("b", "c", "region")]
    assert sum(hidden(v) for v in km) >= 1  # else the total minus b and c gives a's 0.0
    assert f.loc["b", "sessions_planned"] == SECONDARY and f.loc["b", "km_driven"] == SECRET
    assert f.loc["c", "sessions_planned"] == 50 and f.loc["c", "km_driven"] == 420.0


def test_secondary_cells_are_not_labelled_small():
    # issue #12: the complement of a « < 11 » cell was labelled « < 11 » while at least 11
    f = shown(compare_territories([row("a"), row("b", mobilises=4), row("c", mobilises=20)]))
    assert f.loc["b", "mobilises"] == SMALL
    assert f.loc["a", "mobilises"] == SECONDARY and f.loc["region", "mobilises"] == 36
    assert f.loc["a", "mobilises_per_half_day"] == SECRET  # a ratio on a secondary cell


def test_an_order_relation_is_audited_too():
    # n[1] = 0 alone under a shown total: hiding n[0] (30) is not enough, since m[0] = 30 is
    # shown and m <= n gives n[0] >= 30, so n[1] = 65 - 35 - n[0] <= 0
    frame = pd.DataFrame({"n": [30, 0, 35, 65], "m": [30, 0, 20, 50]})
    rel = TableRelations(total_row=3, additive=("n",), order=(("m", "n"),))
    out, _ = suppress_table(frame, count_columns=["n"], relations=rel)
    assert out["n"].tolist() == [SECONDARY, SMALL, SECONDARY, 65]
    out, _ = suppress_table(frame, count_columns=["n"], relations=TableRelations(3, ("n",)))
    assert out["n"].tolist() == [SECONDARY, SMALL, 35, 65]  # without the order: one is enough


def test_zero_is_suppressed_and_visible_cells_stay():
    f = shown(compare_territories([row("a", qpv_codes=[[], []]), row("b")]))
    assert f.loc["a", "qpv_total"] == SMALL and f.loc["b", "communes"] == SMALL
    assert f.loc["a", "reperes"] == 30 and f.loc["region", "contacts"] == 120


def test_the_sum_of_two_small_parts_is_hidden():
    # n = p + q in the only row, with p and q both small: p >= n - 10 unless n is hidden
    frame = pd.DataFrame({"n": [16], "p": [10], "q": [6]})
    rel = TableRelations(row_sums={"n": ("p", "q")})
    out, _ = suppress_table(frame, count_columns=["n", "p", "q"], relations=rel)
    assert out["p"].iloc[0] == SMALL and out["q"].iloc[0] == SMALL
    assert out["n"].iloc[0] == SECONDARY


def test_protect_keeps_companions_protected():
    frame = pd.DataFrame({"n": [3, 20, 23], "m": [5.0, 7.0, 12.0]})
    kinds = {
        "n": np.array([PRIMARY, VISIBLE, VISIBLE]),
        "m": np.array([COMPANION, VISIBLE, VISIBLE]),
    }
    rel = TableRelations(total_row=2, additive=("n", "m"), companions={"m": "n"})
    out = protect(frame, kinds, relations=rel)
    assert (out["n"] != VISIBLE).sum() >= 2 and (out["m"] != VISIBLE).sum() >= 2


def test_inconsistent_table_is_refused_in_french():
    frame = pd.DataFrame({"n": [3, 20, 40]})  # 3 + 20 is not 40
    rel = TableRelations(total_row=2, additive=("n",))
    with pytest.raises(InvalidProblemError, match="relations du tableau sont incohérentes") as e:
        suppress_table(frame, count_columns=["n"], relations=rel)
    assert "somme des territoires" in e.value.hint


def test_unprotectable_cell_is_refused_in_french():
    # a measure hidden with its count, pinned at 0 by a total that is missing: nothing left
    frame = pd.DataFrame({"n": [3, np.nan], "m": [5.0, np.nan]})
    rel = TableRelations(total_row=1, additive=("m",), companions={"m": "n"})
    with pytest.raises(InvalidProblemError, match="impossible à garantir") as e:
        suppress_table(frame, count_columns=["n"], relations=rel)
    assert "total régional" in e.value.hint


def test_a_sum_without_parts_is_no_relation():
    # no plan: no stop, no stops_<type> column; 0 stops everywhere stays « < 11 »
    frame = pd.DataFrame({"stops": [0, 0, 0]})
    rel = TableRelations(total_row=2, additive=("stops",), row_sums={"stops": ()})
    out, _ = suppress_table(frame, count_columns=["stops"], relations=rel)
    assert out["stops"].tolist() == [SMALL] * 3
