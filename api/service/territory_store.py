"""Territories at run time: seeding the store, loading geography, merging stored partners.

A territory row names its source (an embedded demo slug or a spec path); its geography is
loaded once per process and cached; its partners come from the store (so API edits change what
the planner sees) and the merged :class:`Territory` is cached per ``partners_rev``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Hashable
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from sqlalchemy.orm import Session

from api.service.db import repo
from api.service.db.models import PartnerRow, TerritoryRow
from api.service.db.session import Database
from geo_data.demo import DEMO_SLUGS, load_demo_territory
from geo_data.loader import load_territory
from geo_data.validation import metric_zone, require_inside
from planner.amenities import amenity_state
from planner.errors import InvalidTerritoryError
from planner.hours import WeeklyHours
from planner.territory import PARTNER_COLUMNS, Territory


@lru_cache(maxsize=8)
def demo_territory(slug: str) -> Territory:
    """An embedded demo territory, loaded once per process (its files never change)."""
    return load_demo_territory(slug)


def partner_records(territory: Territory) -> list[dict[str, Any]]:
    """The territory's partners as store rows (``key`` = partner id)."""
    return frame_records(territory.partners)


def frame_records(partners: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Partners in the Territory's columns (a territory's, or a checked file's) as store rows
    (``key`` = partner id)."""
    out = []
    for key, row in partners.iterrows():
        hours = row["hours"]
        out.append(
            {
                "key": str(key),
                "name": str(row["name"]),
                "type": str(row["type"]),
                "commune": str(row["commune"]),
                "lon": float(row.geometry.x),
                "lat": float(row.geometry.y),
                "hours": hours.to_json() if isinstance(hours, WeeklyHours) else None,
                "can_host_van": bool(row["can_host_van"]),
                "power": amenity_state(row["power"]),
                "parking": amenity_state(row["parking"]),
                "fixed_site": bool(row["fixed_site"]),
                "source": str(row["source"]),
                "phone": _phone(row.get("phone")),
            }
        )
    return out


def _phone(value: object) -> str | None:
    """A frame's phone cell as the store keeps it: text, or None (empty, NaN, absent)."""
    return value if isinstance(value, str) and value else None


def territory_meta(territory: Territory) -> dict[str, Any]:
    return {
        "communes": len(territory.communes),
        "young": round(float(territory.communes["young"].sum()), 1),
        "qpv": len(territory.qpv),
        "bases": [dataclasses.asdict(b) for b in territory.bases],
        "vans": [dataclasses.asdict(v) for v in territory.vans],
        "young_method": territory.young_method,
        "approximation": territory.approximation,
        "sources": list(territory.sources),
    }


def register_territory(
    db: Database, territory: Territory, *, source_kind: str, source: str
) -> bool:
    """Store ``territory`` (and its partners) unless its id is already stored."""
    with db.session() as s:
        if s.get(TerritoryRow, territory.id) is not None:
            return False
        repo.add_territory(
            s,
            territory_id=territory.id,
            name=territory.name,
            source_kind=source_kind,
            source=source,
            meta=territory_meta(territory),
            partners=partner_records(territory),
        )
        s.commit()
    return True


def seed_demo(db: Database) -> list[str]:
    """Store the embedded demo territories that are not stored yet; return the new ids. The
    stored ones get the phones of their official partners (:func:`fill_official_phones`)."""
    added = []
    for slug in DEMO_SLUGS:
        with db.session() as s:
            stored = s.get(TerritoryRow, slug) is not None
        if stored:
            fill_official_phones(db, demo_territory(slug))
            continue
        if register_territory(db, demo_territory(slug), source_kind="demo", source=slug):
            added.append(slug)
    return added


def fill_official_phones(db: Database, territory: Territory) -> list[str]:
    """Give the stored partners of ``territory`` that have no phone the phone of the same
    partner in ``territory`` (a store seeded before phones were kept, migration 0011); return
    their keys. Only a partner whose ``source`` is still the territory's is filled: one that a
    manager replaced (API, form, file) keeps what the manager gave."""
    known = {r["key"]: r for r in partner_records(territory) if r["phone"] is not None}
    filled = []
    with db.session() as s:
        if s.get(TerritoryRow, territory.id) is None:
            return []
        for row in repo.list_partners(s, territory.id):
            official = known.get(row.key)
            if row.phone is None and official is not None and row.source == official["source"]:
                row.phone = official["phone"]
                filled.append(row.key)
        if filled:
            repo.get_territory(s, territory.id).partners_rev += 1
            s.commit()
    return filled


def partners_frame(rows: list[PartnerRow]) -> gpd.GeoDataFrame:
    """Stored partners -> the Territory's partner columns."""
    data = {
        "name": [r.name for r in rows],
        "type": [r.type for r in rows],
        "commune": [r.commune for r in rows],
        "hours": [WeeklyHours.from_json(r.hours) if r.hours else None for r in rows],
        "can_host_van": [bool(r.can_host_van) for r in rows],
        "power": pd.Series([r.power for r in rows], dtype=object),
        "parking": pd.Series([r.parking for r in rows], dtype=object),
        "fixed_site": [bool(r.fixed_site) for r in rows],
        "source": [r.source for r in rows],
        "phone": pd.Series([r.phone for r in rows], dtype=object),
    }
    frame = gpd.GeoDataFrame(data, geometry=[Point(r.lon, r.lat) for r in rows], crs="EPSG:4326")
    frame.index = pd.Index([r.key for r in rows], name="id", dtype=object)
    return frame[list(PARTNER_COLUMNS)]


class TerritoryCache:
    """Per-process cache of base territories, merged territories and derived tables."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._base: dict[str, Territory] = {}
        self._merged: dict[str, tuple[int, Territory]] = {}
        self._derived: dict[tuple[str, str, int], Any] = {}
        self._variants: dict[tuple[str, str, int], Hashable] = {}
        self._checked: dict[str, tuple[float, int]] = {}
        self._lock = threading.RLock()

    def base(self, row: TerritoryRow) -> Territory:
        with self._lock:
            if row.id not in self._base:
                if row.source_kind == "demo":
                    self._base[row.id] = demo_territory(row.source)
                else:
                    self._base[row.id] = load_territory(Path(row.source))
            return self._base[row.id]

    def get(self, territory_id: str, s: Session | None = None) -> tuple[Territory, int]:
        """The territory with its stored partners, and the partners revision it reflects.

        Pass the request's session ``s``: a request never holds two pool connections at once
        (nested check-outs deadlock the pool under load).
        """
        if s is None:
            with self.db.session() as own:
                return self._get(territory_id, own)
        return self._get(territory_id, s)

    def _get(self, territory_id: str, s: Session) -> tuple[Territory, int]:
        row = repo.get_territory(s, territory_id)
        rev = row.partners_rev
        with self._lock:
            self._checked[territory_id] = (time.monotonic(), rev)
            hit = self._merged.get(territory_id)
            if hit is not None and hit[0] == rev:
                return hit[1], rev
        partners = list(repo.list_partners(s, territory_id))
        base = self.base(row)
        merged = dataclasses.replace(base, partners=partners_frame(partners))
        with self._lock:
            self._merged[territory_id] = (rev, merged)
        return merged, rev

    def derived(
        self,
        territory_id: str,
        name: str,
        build: Any,
        s: Session | None = None,
        *,
        variant: Hashable = None,
    ) -> Any:
        """``build(territory)`` cached per territory, name and partners revision. A value
        built for another ``variant`` (what else it was computed from, such as the recorded
        counts) is rebuilt and replaced, never kept beside the new one."""
        territory, rev = self.get(territory_id, s)
        key = (territory_id, name, rev)
        with self._lock:
            if key in self._derived and self._variants.get(key) == variant:
                return self._derived[key]
        value = build(territory)
        with self._lock:
            self._derived[key] = value
            self._variants[key] = variant
        return value

    def recent(self, territory_id: str, name: str, *, max_age: float) -> Any | None:
        """A derived value whose partners revision was checked less than ``max_age`` s ago
        (no I/O: the hot paths call this first; partner edits show within ``max_age``)."""
        with self._lock:
            checked = self._checked.get(territory_id)
            if checked is None or time.monotonic() - checked[0] >= max_age:
                return None
            return self._derived.get((territory_id, name, checked[1]))


#: How far outside its territory's communes a partner may be (a town hall across the border).
PARTNER_TOLERANCE_M = 2000.0


class PartnerPlacer:
    """Places partner points in one territory: refuses a point outside it and gives the
    commune of the others. The territory's zone is computed once, so that the points of a
    whole file are checked as fast as one."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.area = territory.communes.geometry.union_all()
        self.zone = metric_zone(self.area, tolerance_m=PARTNER_TOLERANCE_M)
        self._metric: gpd.GeoDataFrame | None = None

    def commune(self, lon: float, lat: float, *, name: str, commune: str | None = None) -> str:
        """Commune code of a partner point: ``commune`` when given (it must be one of the
        territory's), else the commune that contains the point, else the nearest one."""
        point = gpd.GeoDataFrame({"name": [name]}, geometry=[Point(lon, lat)], crs="EPSG:4326")
        point.index = pd.Index([name])
        require_inside(
            point, self.area, what="Partenaire", tolerance_m=PARTNER_TOLERANCE_M, zone=self.zone
        )
        communes = self.territory.communes
        if commune is not None:
            if commune not in communes.index:
                raise InvalidTerritoryError(
                    f"Commune {commune} absente du territoire {self.territory.id}.",
                    hint="Omettez « commune » (ou laissez sa case vide) : elle est déduite du "
                    "point.",
                )
            return commune
        inside = communes.index[communes.geometry.contains(Point(lon, lat))]
        if len(inside):
            return str(inside[0])
        if self._metric is None:
            self._metric = communes.to_crs("EPSG:2154")
        here = point.to_crs("EPSG:2154").geometry.iloc[0]
        return str(self._metric.geometry.distance(here).idxmin())


def locate_partner(territory: Territory, lon: float, lat: float, *, name: str) -> str:
    """Commune code of one partner point; refuses points outside the territory (2 km)."""
    return PartnerPlacer(territory).commune(lon, lat, name=name)
