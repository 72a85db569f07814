"""Declared estimate: values, monotonicity, declared parameters, demo territories."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo_data.demo import load_demo_territory
from planner.errors import InvalidPointsError, InvalidProblemError
from planner.estimate import EstimateParams, estimate_matrix
from planner.matrix import travel_matrix

R = 6_371_008.8


def north_of(lon, lat, metres):
    return (lon, lat + math.degrees(metres / R))


def test_known_value_at_10_km():
    p = EstimateParams()
    # 2 km at 30 km/h then 8 km at 50 km/h, times circuity 1.3
    assert p.seconds(np.array(10_000.0)) == pytest.approx(1.3 * (2 / 30 + 8 / 50) * 3600)
    m = estimate_matrix(np.array([(4.3, 46.9), north_of(4.3, 46.9, 10_000)]))
    assert m.durations[0, 1] == round(1.3 * (2 / 30 + 8 / 50) * 3600) == 1061
    assert m.distances[0, 1] == 13_000
    np.testing.assert_array_equal(m.durations, m.durations.T)
    assert np.all(np.diag(m.durations) == 0) and m.reachable.all()


def test_time_grows_continuously_with_distance():
    p = EstimateParams()
    d = np.linspace(0, 80_000, 4001)
    t = p.seconds(d)
    assert np.all(np.diff(t) > 0)
    for band in p.bands_km:  # no jump at band edges
        below, above = p.seconds(np.array([band * 1000 - 1, band * 1000 + 1]))
        assert above - below < 1.0
    # long trips approach the last band's speed on the road distance
    km_h = 1.3 * 80 / (t[-1] / 3600)
    assert 70 < km_h < 85


def test_method_and_parameters_are_declared():
    m = travel_matrix(np.array([(4.3, 46.9), (4.5, 47.0)]))
    assert m.method == "estimate"
    assert m.params["circuity"] == 1.3 and m.params["speeds_kph"] == (30, 50, 70, 85)
    assert m.describe_fr() == "temps de trajet estimés (distance à vol d'oiseau x 1,3 à 30-85 km/h)"


def test_parameters_can_be_overridden():
    pts = np.array([(4.3, 46.9), (4.5, 47.0)])
    slow = EstimateParams(circuity=1.5, speeds_kph=(20, 40, 60, 80))
    a, b = travel_matrix(pts), travel_matrix(pts, estimate=slow)
    assert b.durations[0, 1] > a.durations[0, 1] and b.distances[0, 1] > a.distances[0, 1]
    assert b.describe_fr() == "temps de trajet estimés (distance à vol d'oiseau x 1,5 à 20-80 km/h)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"circuity": 0.8}, "circuity"),
        ({"bands_km": (10, 2, 30)}, "Tranches"),
        ({"speeds_kph": (30, 50)}, "vitesses pour 3 bornes"),
        ({"speeds_kph": (30, 50, 70, 200)}, "Vitesses hors bornes"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(InvalidProblemError, match=message):
        EstimateParams(**kwargs)


def test_rectangular_matrix_and_point_checks():
    src = np.array([(4.3, 46.9), (4.4, 46.95), (4.5, 47.0)])
    m = estimate_matrix(src, src[:2])
    assert m.shape == (3, 2) and m.durations.dtype == np.int64
    with pytest.raises(InvalidPointsError, match=r"ordre attendu \(lon, lat\)"):
        estimate_matrix(src[:, ::-1])


@pytest.mark.parametrize("slug", ["marches-de-bourgogne", "creusot-montceau"])
def test_demo_territories_get_declared_estimates(slug):
    communes = load_demo_territory(slug).communes
    pts = communes[["lon", "lat"]].to_numpy(dtype=float)
    m = travel_matrix(pts)
    assert m.method == "estimate" and m.shape == (len(pts), len(pts))
    off = ~np.eye(len(pts), dtype=bool)
    assert np.all(m.durations[off] > 0)
    # a Mission Locale territory: most communes lie within 1h30 of each other
    assert np.median(m.durations[off]) < 90 * 60
