"""Text forms of the project's schema shared by its folders of files (the territory folders of
:mod:`geo_data.territory_io` and the region pack of :mod:`geo_data.region_pack`): opening hours
as JSON text, amenity states, GeoJSON at a fixed precision."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

from planner.amenities import amenity_state
from planner.hours import WeeklyHours


def hours_to_text(value: object) -> str:
    return json.dumps(value.to_json()) if isinstance(value, WeeklyHours) else ""


def hours_from_text(value: object) -> WeeklyHours | None:
    return WeeklyHours.from_json(json.loads(value)) if isinstance(value, str) and value else None


def amenity_column(values: pd.Series) -> pd.Series:
    """True / False / None (object dtype); a value that is none of them is left for the
    validation to refuse in French."""

    def state(value: object) -> object:
        try:
            return amenity_state(value)
        except ValueError:
            return value

    return pd.Series([state(x) for x in values], index=values.index, dtype=object)


def geojson_text(frame: gpd.GeoDataFrame, *, precision: int = 5) -> str:
    frame = frame.copy()
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 10**-precision)
    return frame.reset_index().to_json(drop_id=True, ensure_ascii=False)
