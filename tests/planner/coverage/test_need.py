"""Need scores from plain arrays; weights and their checks (the Territory wiring: workflows)."""

from __future__ import annotations

import pytest

from planner.coverage import NeedWeights, need_scores
from planner.errors import InvalidProblemError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"young": 0.5}, "totaliser 1, reçu 1.2"),
        ({"young": -0.1, "frr": 0.55}, "négatifs.*young = -0.1"),
        ({"remoteness_cap": 0}, "Plafonds invalides"),
    ],
)
def test_bad_weights(kwargs, message):
    with pytest.raises(InvalidProblemError, match=message):
        NeedWeights(**kwargs)


def test_need_scores_arrays_checks():
    common = dict(
        young=[10, 20], frr_class=["non_classee", "frr_plus"], qpv=[False, True],
        nearest_contact=[60, 120], activity_rate=[1, 2], partners=[0, 1],
    )  # fmt: skip
    table = need_scores(["a", "b"], **common)
    assert table.frame["rank"].tolist() == [2, 1]
    with pytest.raises(InvalidProblemError, match="Classe FRR inconnue 'zrr'"):
        need_scores(["a", "b"], **(common | {"frr_class": ["zrr", "frr_plus"]}))
    with pytest.raises(InvalidProblemError, match="« partners » a 1 valeurs pour 2"):
        need_scores(["a", "b"], **(common | {"partners": [1]}))
