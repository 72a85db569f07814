"""Regional comparison map: shading, table rows in popups, suppressed cells shown as « < 11 »."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo_data.demo import load_demo_territory
from maps.assets import external_urls, render_offline
from maps.comparison import comparison_map, territories_from_communes
from planner.errors import InvalidSpecError
from tests.maps.test_itinerary import contains


@pytest.fixture(scope="module")
def region(marches):
    other = load_demo_territory("creusot-montceau")
    frames = []
    for t in (marches, other):
        frames.append(t.communes[["name", "geometry"]].assign(ml=t.id))
    communes = gpd.GeoDataFrame(pd.concat(frames), crs=marches.communes.crs)
    names = {marches.id: marches.name, other.id: other.name}
    return territories_from_communes(communes, key="ml", names=names)


def table(region):
    ids = list(region.index)
    return pd.DataFrame(
        {"part_20min": [61.5, 83.0], "reperes": [154, "< 11"], "km_par_contact": [12.0, "secret"]},
        index=ids,
    )


def test_two_territories_shaded_with_popups(region):
    labels = {"part_20min": "Part des 16-25 ans à 20 min (%)", "reperes": "Jeunes repérés"}
    html = render_offline(
        comparison_map(region, table(region), indicator="part_20min", labels=labels)
    )
    assert external_urls(html) == []
    assert contains(html, "Part des 16-25 ans à 20 min (%)")
    assert "&lt; 11" in html and "secret" in html and "61,5" in html
    assert html.count("milo-popup") >= 2


def test_suppressed_indicator_is_grey(region):
    html = render_offline(comparison_map(region, table(region), indicator="reperes"))
    assert "#cccccc" in html


def test_bad_indicator_and_unknown_territory(region):
    with pytest.raises(InvalidSpecError, match="Indicateur 'x' absent du tableau"):
        comparison_map(region, table(region), indicator="x")
    t = table(region).rename(index={region.index[0]: "autre-ml"})
    with pytest.raises(
        InvalidSpecError, match="Territoire\\(s\\) du tableau sans contour : autre-ml"
    ):
        comparison_map(region, t, indicator="part_20min")
    with pytest.raises(InvalidSpecError, match="Colonne 'ml' absente des communes"):
        territories_from_communes(region, key="ml")
