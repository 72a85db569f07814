"""Activity density map: counts by place, suppression when shared."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from maps.activity import activity_by_place, activity_map
from maps.assets import external_urls, render_offline
from planner.errors import InvalidSpecError
from planner.workflows.comparison import synthetic_territory_activity
from tests.maps.conftest import page_markup
from tests.maps.test_itinerary import contains


@pytest.fixture(scope="module")
def activity(marches):
    return synthetic_territory_activity(marches, end=dt.date(2025, 6, 30), seed=1)


def test_totals_by_place_keep_counts(activity, marches):
    places = activity_by_place(marches, activity)
    assert places["contacts"].sum() == activity["contacts"].sum()
    assert places["place_id"].is_unique
    assert places[["lon", "lat"]].notna().all().all()


def test_heat_map_page(activity, marches):
    html = render_offline(activity_map(marches, activity, synthetic=True))
    assert external_urls(html) == []
    assert "heatLayer" in html and "L.heatLayer(" in html
    assert contains(html, "Données fictives")
    assert contains(html, "jamais de données individuelles")


def test_shared_view_suppresses_small_counts(marches):
    place = marches.partners.index[0]
    code = str(marches.partners.loc[place, "commune"])
    act = pd.DataFrame(
        {
            "period_start": [dt.date(2025, 1, 6)],
            "period_end": [dt.date(2025, 1, 10)],
            "place_id": [place],
            "commune": [code],
            "approach": ["vehicule_itinerant"],
            "sessions": [3],
            "contacts": [40],
            "reperes": [7],
            "mobilises": [2],
        }
    )
    html = page_markup(render_offline(activity_map(marches, act, shared=True)))
    assert "&lt; 11" in html and ">40<" in html
    raw = page_markup(render_offline(activity_map(marches, act, shared=False)))
    assert "&lt; 11" not in raw


def test_unknown_count_and_place(activity, marches):
    with pytest.raises(InvalidSpecError, match="Comptage 'jeunes' inconnu"):
        activity_map(marches, activity, weight="jeunes")
    bad = activity.head(1).assign(place_id="ailleurs", commune="75056")
    with pytest.raises(InvalidSpecError, match="commune 75056 hors du territoire"):
        activity_by_place(marches, bad)
    with pytest.raises(InvalidSpecError, match="Activité sans colonne\\(s\\) contacts"):
        activity_by_place(marches, activity.drop(columns=["contacts"]))
