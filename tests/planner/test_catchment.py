"""Catchments of candidate stops: thresholds, direction, unreachable pairs, Territory wiring."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from geo_data.demo import load_demo_territory
from geo_data.roads import load_network, prepare_network
from planner.catchment import Catchments, catchments
from planner.errors import InvalidProblemError
from planner.matrix import UNREACHABLE, TravelMatrix
from planner.network import road_network_from_graph

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


def test_demo_territory_uses_the_declared_estimate():
    territory = load_demo_territory("creusot-montceau")
    stops = territory.communes[["lon", "lat"]].to_numpy(dtype=float)[:3]
    c = Catchments.from_territory(territory, stops)
    assert c.method == "estimate" and c.n_communes == len(territory.communes) and c.n_stops == 3
    for j in range(3):  # each stop is in its own commune
        assert j in c.communes_of(j, 20)
    assert np.all(c.young_within[0] <= c.young_within[1])
    assert c.young_within[1].max() <= territory.communes["young"].sum()


@pytest.mark.shared
def test_same_code_path_on_a_real_osm_graph(geo_dir):
    G, _ = prepare_network(load_network(geo_dir / "osm" / "saint_barthelemy.osm.pbf"))
    net = road_network_from_graph(G)
    rng = np.random.default_rng(3)
    pts = net.lonlat[rng.choice(net.n_nodes, size=12, replace=False)]
    communes = pd.DataFrame({"lon": pts[:, 0], "lat": pts[:, 1], "young": rng.uniform(0, 50, 12)})
    territory = SimpleNamespace(communes=communes)
    stops = pts[:2]
    to_stop = Catchments.from_territory(territory, stops, network=net, thresholds_min=(5, 10))
    both = Catchments.from_territory(
        territory, stops, network=G, thresholds_min=(5, 10), both_directions=True
    )
    assert to_stop.method == both.method == "osm"
    assert "OpenStreetMap" in to_stop.describe_fr()
    assert to_stop.communes_of(0, 5)[0] == 0 and np.all(both.within <= to_stop.within)
    assert to_stop.within[1].sum() > to_stop.within[0].sum()  # 10 min reaches more than 5
