"""Save and load a :class:`Territory` in the project's own schema (a folder of small files).

Used for the embedded demo and as a cache. Layout::

    meta.json           id, name, approximation, young_method, sources, bases, vans, calendar,
                        rules (the manager's, :mod:`planner.rules_table` format; optional)
    communes.geojson    one feature per commune (columns of planner.territory), hours as JSON
    qpv.geojson
    partners.geojson    phones as « 03 80 61 01 94 » or null (absent in older files: None)
    activity.csv        counts only (optional)
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_data.parse_admin import read_geojson_bytes
from geo_data.phone import phone_column
from geo_data.schema_io import amenity_column, geojson_text, hours_from_text, hours_to_text
from geo_data.user_files import parse_activity
from planner.amenities import AMENITIES
from planner.approaches import MaraudePlace, SessionDefaults
from planner.fleet import Base, CalendarSettings, Person, Slot, Van
from planner.rules_table import parse_rules, rules_to_table
from planner.territory import (
    ACTIVITY_COLUMNS,
    PARTNER_COLUMNS,
    QPV_COLUMNS,
    Contact,
    Territory,
)

SCHEMA_VERSION = 1


def _phone_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """Phones as text or None (a GeoJSON null, or a file written before phones were kept,
    without the column)."""
    return phone_column(
        frame[column] if column in frame.columns else [None] * len(frame), frame.index
    )


def territory_to_files(
    territory: Territory, folder: Path, *, simplify_m: float = 0.0, precision: int = 5
) -> None:
    """Write ``territory`` into ``folder`` (created). ``simplify_m`` simplifies polygons."""
    folder.mkdir(parents=True, exist_ok=True)
    communes = territory.communes.copy()
    qpv = territory.qpv.copy()
    if simplify_m:
        for frame in (communes, qpv):
            metric = frame.geometry.to_crs("EPSG:2154").simplify(simplify_m)
            frame["geometry"] = shapely.make_valid(metric.to_crs("EPSG:4326").values)
    communes["townhall_hours"] = communes["townhall_hours"].map(hours_to_text)
    partners = territory.partners.copy()
    partners["hours"] = partners["hours"].map(hours_to_text)
    (folder / "communes.geojson").write_text(geojson_text(communes, precision=precision))
    (folder / "qpv.geojson").write_text(geojson_text(qpv, precision=precision))
    (folder / "partners.geojson").write_text(geojson_text(partners, precision=6))
    if not territory.activity.empty:
        territory.activity.to_csv(folder / "activity.csv", index=False)
    meta = {
        "schema": SCHEMA_VERSION,
        "id": territory.id,
        "name": territory.name,
        "approximation": territory.approximation,
        "young_method": territory.young_method,
        "activity_synthetic": territory.activity_synthetic,
        "sources": list(territory.sources),
        "bases": [asdict(b) for b in territory.bases],
        "vans": [asdict(v) for v in territory.vans],
        "calendar": asdict(territory.calendar),
        "rules": rules_to_table(territory.rules),
        **({"people": [asdict(p) for p in territory.people]} if territory.people else {}),
        **({"contact": asdict(territory.contact)} if territory.contact else {}),
        **({"maraudes": [asdict(m) for m in territory.maraudes]} if territory.maraudes else {}),
        **(
            {"session_defaults": {k: asdict(d) for k, d in territory.session_defaults.items()}}
            if territory.session_defaults
            else {}
        ),
    }
    (folder / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    )


def _indexed(frame: gpd.GeoDataFrame, key: str, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Index by ``key``; an empty file (no feature, hence no column) gives the empty schema."""
    if frame.empty:
        empty = gpd.GeoDataFrame(
            {c: [] for c in columns if c != "geometry"}, geometry=[], crs="EPSG:4326"
        )
        empty.index.name = key
        return empty
    return frame.set_index(frame[key].astype(str).rename(key)).drop(columns=key)


def territory_from_files(folder: Path) -> Territory:
    """Read a territory written by :func:`territory_to_files` and validate it."""
    from geo_data.loader import validate_territory

    meta = json.loads((folder / "meta.json").read_text())
    communes = read_geojson_bytes((folder / "communes.geojson").read_bytes(), "Communes")
    communes["code"] = communes["code"].astype(str)
    communes = communes.set_index("code")
    communes["townhall_hours"] = communes["townhall_hours"].map(hours_from_text)
    communes["qpv_codes"] = communes["qpv_codes"].fillna("").astype(str)
    communes["townhall_phone"] = _phone_column(communes, "townhall_phone")
    communes["epci"] = communes["epci"].astype(str)
    qpv = _indexed(
        read_geojson_bytes((folder / "qpv.geojson").read_bytes(), "QPV"), "code", QPV_COLUMNS
    )
    partners = _indexed(
        read_geojson_bytes((folder / "partners.geojson").read_bytes(), "Partenaires"),
        "id",
        PARTNER_COLUMNS,
    )
    partners["hours"] = partners["hours"].map(hours_from_text)
    partners["commune"] = partners["commune"].astype(str)
    partners["phone"] = _phone_column(partners, "phone")
    for column in AMENITIES:  # a boolean column with nulls reads back as 1.0 / 0.0 / NaN
        if column in partners.columns:
            partners[column] = amenity_column(partners[column])
    activity_path = folder / "activity.csv"
    kwargs = {}
    if activity_path.is_file():
        raw = pd.read_csv(io.StringIO(activity_path.read_text()), dtype=str)
        kwargs["activity"] = parse_activity(raw[list(ACTIVITY_COLUMNS)], source=activity_path.name)
    calendar = meta["calendar"]
    territory = Territory(
        id=meta["id"],
        name=meta["name"],
        communes=communes,
        qpv=qpv,
        partners=partners,
        bases=tuple(Base(**b) for b in meta["bases"]),
        vans=tuple(
            Van(**{**v, "working_days": tuple(v["working_days"]), "crew": tuple(v.get("crew", ()))})
            for v in meta["vans"]
        ),
        people=tuple(
            Person(**{**p, "working_days": tuple(p["working_days"])})
            for p in meta.get("people", [])
        ),
        maraudes=tuple(MaraudePlace(**m) for m in meta.get("maraudes", [])),
        contact=Contact(**meta.get("contact", {})),
        session_defaults={
            k: SessionDefaults(**{**d, "best_days": tuple(d["best_days"])})
            for k, d in meta.get("session_defaults", {}).items()
        },
        calendar=CalendarSettings(
            slots=tuple(Slot(**s) for s in calendar["slots"]),
            setup_min=calendar["setup_min"],
            school_zone=calendar["school_zone"],
        ),
        activity_synthetic=bool(meta.get("activity_synthetic", False)),
        young_method=meta["young_method"],
        approximation=meta["approximation"],
        sources=tuple(meta["sources"]),
        rules=parse_rules(meta.get("rules", {}), where="meta.json rules"),
        **kwargs,
    )
    validate_territory(territory)
    return territory
