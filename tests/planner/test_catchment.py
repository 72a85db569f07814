"""Catchments of candidate stops: thresholds, direction, unreachable pairs."""

from __future__ import annotations

import numpy as np
import pytest

from planner.catchment import Catchments, catchments
from planner.errors import InvalidProblemError
from planner.matrix import UNREACHABLE, TravelMatrix

MIN = 60


def matrix(durations, reachable=None):
    d = np.asarray(durations, dtype=np.int64)
    ok = np.ones(d.shape, bool) if reachable is None else np.asarray(reachable)
    d = np.where(ok, d, UNREACHABLE)
    params = {"circuity": 1.3, "speed_min_kph": 30, "speed_max_kph": 85}
    return TravelMatrix(d, np.where(ok, d * 10, UNREACHABLE), ok, "estimate", params)


@pytest.fixture
def to_stop():
    # 4 communes x 2 stops; commune 3 cannot reach stop 1 (e.g. wrong side of a one-way)
    return matrix(
        [[5 * MIN, 40 * MIN], [19 * MIN, 25 * MIN], [29 * MIN, 31 * MIN], [45 * MIN, 0]],
        reachable=[[True, True], [True, True], [True, True], [True, False]],
    )


def test_communes_and_young_within_each_threshold(to_stop):
    c = catchments(to_stop, [10.0, 20.0, 30.0, 40.0])
    assert c.thresholds_min == (20, 30)
    assert c.communes_of(0, 20).tolist() == [0, 1]
    assert c.communes_of(0, 30).tolist() == [0, 1, 2]
    assert c.communes_of(1, 30).tolist() == [1]  # unreachable -1 is never "within"
    np.testing.assert_allclose(c.young_within, [[30, 0], [60, 20]])
    assert c.covered(30).tolist() == [True, True, True, False]
    assert c.young_covered(20, stops=[1]) == 0 and c.young_covered(30) == 60
    assert c.describe_fr() == (
        "Communes à moins de 20 min et 30 min (trajet vers l'arrêt) ; temps de trajet estimés "
        "(distance à vol d'oiseau x 1,3 à 30-85 km/h)."
    )
    with pytest.raises(InvalidProblemError, match="Seuil de 45 min"):
        c.communes_of(0, 45)


def test_both_directions_require_the_trip_back(to_stop):
    back = matrix([[5 * MIN, 35 * MIN, 29 * MIN, 45 * MIN], [40 * MIN, 25 * MIN, 31 * MIN, 0]])
    one = Catchments.from_matrix(to_stop, np.ones(4))
    both = Catchments.from_matrix(to_stop, np.ones(4), matrix_from_stop=back)
    assert both.both_directions and "aller et retour" in both.describe_fr()
    assert one.communes_of(0, 30).tolist() == [0, 1, 2]
    assert both.communes_of(0, 30).tolist() == [0, 2]  # commune 1: 35 min back
    assert np.all(both.within <= one.within)


@pytest.mark.parametrize(
    ("young", "kwargs", "message"),
    [
        ([1.0, 2.0], {}, "Population jeune invalide"),
        ([1.0, -2.0, 0.0, 1.0], {}, "Population jeune invalide"),
        ([1.0, 1.0, 1.0, 1.0], {"thresholds_min": (30, 20)}, "Seuils de temps invalides"),
        ([1.0, 1.0, 1.0, 1.0], {"thresholds_min": ()}, "Seuils de temps invalides"),
        ([1.0, 1.0, 1.0, 1.0], {"matrix_from_stop": matrix([[0, 0]])}, "Matrice retour"),
    ],
)
def test_bad_inputs(to_stop, young, kwargs, message):
    with pytest.raises(InvalidProblemError, match=message):
        catchments(to_stop, young, **kwargs)
