"""The itinerary input of a Territory: which place hosts each commune's stop (fallback order)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import Point

from planner.fleet import DEFAULT_SLOTS
from planner.hours import WeeklyHours
from planner.itinerary.grid import REASON_NEEDS, Grid
from planner.workflows.itinerary_input import _choose_host
from planner.workflows.planning import plan_territory, territory_problem

WEEKDAYS = (0, 1, 2, 3, 4)
OFFICE = WeeklyHours.from_intervals(
    [(d, 9 * 60, 12 * 60) for d in WEEKDAYS] + [(d, 14 * 60, 17 * 60) for d in WEEKDAYS]
)
MORNINGS = WeeklyHours.from_intervals([(0, 9 * 60, 12 * 60)])
PARKING = frozenset({"parking"})


def _partners(*rows: dict) -> gpd.GeoDataFrame:
    """A partners frame with the columns the glue reads (one commune, 21000)."""
    base = {"commune": "21000", "can_host_van": True, "power": None, "parking": None}
    records = [base | r for r in rows]
    frame = gpd.GeoDataFrame(
        records, geometry=[Point(4.8, 47.3)] * len(records), crs="EPSG:4326"
    ).set_index("id")
    return frame


def _chosen(partners: gpd.GeoDataFrame, **options) -> str | None:
    chosen = _choose_host("21000", partners, DEFAULT_SLOTS, WEEKDAYS, van_needs=PARKING, **options)
    return None if chosen is None else str(chosen[0])


def test_a_france_services_without_known_parking_falls_back_to_the_town_hall() -> None:
    partners = _partners(
        {"id": "fs-1", "name": "France Services", "type": "france_services", "hours": OFFICE},
        {"id": "mairie-21000", "name": "Mairie", "type": "mairie", "hours": MORNINGS,
         "parking": True},
    )  # fmt: skip
    assert _chosen(partners) == "mairie-21000"


def test_france_services_first_when_it_fits() -> None:
    partners = _partners(
        {"id": "fs-1", "name": "France Services", "type": "france_services", "hours": OFFICE,
         "parking": True},
        {"id": "mairie-21000", "name": "Mairie", "type": "mairie", "hours": OFFICE,
         "parking": True},
    )  # fmt: skip
    assert _chosen(partners) == "fs-1"


def test_no_fitting_partner_means_the_public_square() -> None:
    partners = _partners(
        {"id": "fs-1", "name": "France Services", "type": "france_services", "hours": OFFICE,
         "parking": False},
        {"id": "mairie-21000", "name": "Mairie", "type": "mairie", "hours": WeeklyHours(),
         "parking": True},
    )  # fmt: skip
    assert _chosen(partners) is None
    # a manager who requires a host keeps the best partner (then dropped with its reason)
    assert _chosen(partners, require_host=True) == "mairie-21000"


def test_a_known_no_is_not_an_unknown_when_a_host_is_required() -> None:
    partners = _partners(
        {"id": "fs-1", "name": "France Services", "type": "france_services", "hours": OFFICE,
         "parking": False},
        {"id": "centre-1", "name": "Centre social", "type": "centre_social", "hours": MORNINGS},
    )  # fmt: skip
    assert _chosen(partners) is None  # nothing is known to fit: the public square
    # required host: the place whose parking is only unknown, although the other opens more
    assert _chosen(partners, require_host=True) == "centre-1"


def test_an_open_place_to_check_beats_a_closed_one_that_fits() -> None:
    partners = _partners(
        {"id": "fs-1", "name": "France Services", "type": "france_services", "hours": OFFICE},
        {"id": "mairie-21000", "name": "Mairie", "type": "mairie", "hours": WeeklyHours(),
         "parking": True},
    )  # fmt: skip
    assert _chosen(partners, require_host=True) == "fs-1"


def test_no_demo_commune_is_dropped_for_needs_a_fallback_place_meets(marches) -> None:
    start = dt.date(2026, 9, 7)
    pb = territory_problem(marches, start=start, weeks=1)
    fs_communes = set(
        marches.partners.loc[marches.partners["type"] == "france_services", "commune"]
    )
    for candidate in pb.candidates:
        assert pb.van_needs <= candidate.amenities, candidate.name
    plan = plan_territory(marches, start=start, weeks=1, time_limit=1, solver="greedy")
    assert not [d.stop_name for d in plan.dropped if d.reason == REASON_NEEDS]
    hosts = {c.commune: c.host for c in pb.candidates if c.commune in fs_communes}
    assert hosts["21154"] == "Mairie de Châtillon-sur-Seine"


def test_a_required_host_whose_parking_is_unknown_is_kept_and_not_dropped(marches) -> None:
    pb = territory_problem(marches, start=dt.date(2026, 9, 7), weeks=1, require_host=True)
    grid = Grid(pb)
    assert REASON_NEEDS not in grid.never_reason
    # Vitteaux: its town hall has no known opening hours, its France Services opens on weekdays
    vitteaux = next(c for c in pb.candidates if c.name == "Vitteaux")
    assert vitteaux.host.startswith("France services") and vitteaux.unverified == {
        "power",
        "parking",
    }
    assert vitteaux.to_check(pb.van_needs) == {"parking"}
    assert grid.never_reason[pb.candidates.index(vitteaux)] is None
