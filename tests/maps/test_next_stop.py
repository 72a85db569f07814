"""Next-stop phone page: which visit, and what the page says."""

from __future__ import annotations

import datetime as dt

import pytest

from maps.assets import external_urls
from maps.next_stop import next_stop_page, next_visit
from planner.errors import NotFoundError


def test_current_visit_until_its_end_then_the_next(small_plan):
    first = next_visit(small_plan, now=dt.datetime(2025, 9, 1, 7, 0))
    assert (first["date"], first["start"]) == ("2025-09-01", "09:00")
    during = next_visit(small_plan, now=dt.datetime(2025, 9, 1, 11, 59), van=first["van"])
    assert during == first
    after = next_visit(small_plan, now=dt.datetime(2025, 9, 1, 12, 0), van=first["van"])
    assert (after["date"], after["slot"]) == ("2025-09-01", "apres-midi")


def test_nothing_left(small_plan):
    with pytest.raises(NotFoundError, match="Aucune visite à venir pour le véhicule milo-mobile-1"):
        next_visit(small_plan, now=dt.datetime(2026, 1, 1), van="milo-mobile-1")
    with pytest.raises(NotFoundError, match="Aucune visite à venir après"):
        next_visit(small_plan, now=dt.datetime(2026, 1, 1))


def test_page_essentials(small_plan, marches):
    html = next_stop_page(
        small_plan, now=dt.datetime(2025, 9, 2, 8, 0), van="milo-mobile-2", territory=marches
    )
    visit = next_visit(small_plan, now=dt.datetime(2025, 9, 2, 8, 0), van="milo-mobile-2")
    assert external_urls(html) == []
    for text in (
        "Prochain arrêt",
        "mardi 02/09/2025",
        visit["start"],
        "milo-mobile-2",
        'name="viewport"',
        "geo:",
    ):
        assert text in html, text
