"""The need table of a Territory: components shown, activity labels, matrix and activity checks."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.coverage import NeedWeights
from planner.coverage.need import COMPONENTS, FRR_SCORES, SYNTHETIC_LABEL
from planner.errors import InvalidProblemError, InvalidTerritoryError
from planner.taxonomy import FrrClass
from planner.workflows.need import need_table
from tests.planner.coverage.conftest import matrix, read_activity

TODAY = date(2025, 6, 30)


def contacts(minutes: list[float]):
    return matrix(np.asarray(minutes, dtype=float)[:, None] * 60)


def test_weights_default_sum_to_one_and_are_shown(tiny):
    table = need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)
    frame = table.frame
    points = frame[[f"{c}_points" for c in COMPONENTS]].sum(axis=1)
    np.testing.assert_allclose(points, frame["score"])
    for c in COMPONENTS:
        assert (frame[f"{c}_weight"] == getattr(NeedWeights(), c)).all()
        np.testing.assert_allclose(
            frame[f"{c}_points"], frame[f"{c}_norm"] * frame[f"{c}_weight"] * 100
        )
    assert frame.loc["21001", "young_norm"] == 1.0
    assert frame.loc["21004", "young_norm"] == pytest.approx(280 / 400)
    assert frame.loc["21003", "frr_norm"] == FRR_SCORES[FrrClass.PLUS] == 1.0
    assert frame.loc["21002", "frr_norm"] == 0.75
    assert frame["qpv_norm"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # remoteness: 5 min -> 5/45, 45 and 90 min -> capped at 1
    assert frame["remoteness_norm"].tolist() == pytest.approx([5 / 45, 20 / 45, 1.0, 1.0])
    assert frame["partners_value"].tolist() == [2, 1, 1, 1]
    assert frame["partners_norm"].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3, 1 / 3])
    # 21003: young 22.5 + FRR+ 15 + remoteness 20 + activity (prior for all) 10 + partners 3.33
    assert frame.loc["21003", "score"] == pytest.approx(22.5 + 15 + 20 + 10 + 10 / 3)
    assert frame["rank"].tolist() == [2, 3, 1, 4]
    assert table.activity_label == "aucune activité saisie"


def test_records_carry_method_and_activity_label(tiny):
    tiny.activity = read_activity("activity_ok.csv")
    tiny.activity_synthetic = True
    table = need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)
    rec = table.to_records()[0]
    assert rec["code"] == "21001" and rec["activity_data"] == SYNTHETIC_LABEL
    assert rec["young_method"] == "test : valeurs fixées"
    assert isinstance(rec["score"], float)
    assert table.frame["activity_value"].tolist() == pytest.approx([2.0] * 4)


def test_unreachable_contact_point_counts_as_remote(tiny):
    sec = np.array([[300.0], [np.inf], [600.0], [900.0]])
    table = need_table(tiny, matrix(sec), today=TODAY)
    assert table.frame.loc["21002", "remoteness_norm"] == 1.0
    assert np.isnan(table.frame.loc["21002", "remoteness_value"])


def test_coverage_weights_and_per_qpv(tiny):
    table = need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)
    w = table.coverage_weights()
    assert w.dtype == np.int64 and w[0] == round(table.frame["score"].iloc[0] * 100)
    qpv = table.per_qpv({"QN02101M": ["21001"], "QNXXX": ["99999"]})
    assert qpv["qpv"].tolist() == ["QN02101M"]
    assert qpv["score"].iloc[0] == table.frame.loc["21001", "score"]


def test_custom_weights_change_ranking(tiny):
    only_remote = NeedWeights(young=0, frr=0, qpv=0, remoteness=1.0, activity=0, partners=0)
    table = need_table(tiny, contacts([5, 20, 45, 90]), weights=only_remote, today=TODAY)
    assert table.frame["rank"].tolist() == [4, 3, 1, 1]


def test_territory_without_young_population(tiny):
    tiny.communes["young"] = 0.0
    with pytest.raises(InvalidProblemError, match="aucune population jeune"):
        need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)


def test_matrix_rows_must_match_communes(tiny):
    with pytest.raises(InvalidProblemError, match="3 lignes pour 4 communes"):
        need_table(tiny, contacts([5, 20, 45]), today=TODAY)


def test_activity_for_unknown_commune_or_future_is_refused(tiny):
    tiny.activity = read_activity("activity_unknown_commune.csv")
    with pytest.raises(InvalidTerritoryError, match="communes inconnus.*99999"):
        need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)
    tiny.activity = read_activity("activity_future.csv")
    with pytest.raises(InvalidTerritoryError, match="futur.*2031-01-28"):
        need_table(tiny, contacts([5, 20, 45, 90]), today=TODAY)
