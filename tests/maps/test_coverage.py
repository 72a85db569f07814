"""Coverage map from plain inputs (computed from a Territory by planner.workflows.map_inputs)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from maps.assets import external_urls, render_offline
from maps.coverage import access_band, coverage_map
from planner.errors import InvalidSpecError
from planner.workflows.map_inputs import coverage_inputs
from tests.maps.test_itinerary import contains


@pytest.fixture(scope="module")
def inputs(marches):
    from tests.maps.conftest import make_plan

    return coverage_inputs(marches, make_plan(marches, weeks=1))


def test_access_bands():
    assert access_band(12)[0] == "moins de 20 min"
    assert access_band(20)[0] == "moins de 20 min"
    assert access_band(25)[0] == "20 à 30 min"
    assert access_band(45)[0] == "plus de 30 min"
    assert access_band(math.nan)[0] == "inaccessible / inconnu"


def test_coverage_page_layers(inputs, marches):
    m = coverage_map(
        marches, need=inputs.need, access_min=inputs.access_min, stops=inputs.stops[:3]
    )
    html = render_offline(m)
    assert external_urls(html) == []
    for text in (
        "Besoin (score par commune)",
        "Temps d'accès (bandes 20 / 30 min)",
        "Zones de chalandise des arrêts",
        "Points de contact fixes",
        "Partenaires par type (260)",
        "Classes FRR",
        "Quartiers prioritaires",
    ):
        assert contains(html, text), text
    assert "markerClusterGroup" in html  # 260 partners are clustered


def test_need_as_series_and_no_optional_inputs(marches):
    scores = pd.Series(1.0, index=marches.communes.index[:5])
    html = render_offline(coverage_map(marches, need=scores))
    assert contains(html, "Besoin (score 0-100)")
    assert not contains(html, "Temps d'accès (bandes 20 / 30 min)")


def test_need_frame_without_score(marches):
    with pytest.raises(InvalidSpecError, match="sans colonne « score »"):
        coverage_map(marches, need=pd.DataFrame({"x": [1.0]}, index=["21425"]))


def test_codes_outside_the_territory(marches):
    with pytest.raises(InvalidSpecError, match="Temps d'accès : 1 code\\(s\\) INSEE hors"):
        coverage_map(marches, access_min=pd.Series([5.0], index=["75056"]))


def test_partner_popups_show_unknown_amenities_as_to_check(marches):
    html = render_offline(coverage_map(marches))
    assert contains(html, "Électricité") and contains(html, "Stationnement")
    assert not contains(html, "Électricité</th><td>non")  # no source says « non »
    assert contains(html, "<th>Stationnement</th><td>à vérifier</td>")  # France Services
