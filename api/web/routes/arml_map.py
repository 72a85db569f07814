"""``GET /region/carte?indicateur=COLONNE``: the ARML's map of any indicator of the comparison.

Each territory is shaded by the indicator's value in one of five classes of a sequential
scale (legend: the classes' bounds with the unit), named on the map, and listed under it with
its value (the same numbers, for whoever cannot read the map). A hidden value (« < 11 »,
« masqué ») is grey and said so: the map shows the suppressed comparison, never more. The
outlines are the territories' communes dissolved (drawn offline; the OpenStreetMap
background only when asked).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.service.db import repo
from api.service.deps import AppState, StateDep
from api.web.deps import ViewerDep, WebMark
from api.web.pages import render
from api.web.routes.arml import _arml, comparison_frame
from maps.comparison import territories_from_communes
from maps.report import shown
from planner.coverage.compare import TOTAL_ID
from planner.coverage.comparison_labels import (
    BY_COLUMN,
    HIDDEN_COLOUR,
    class_of,
    legend_classes,
)

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
_shapes: dict[tuple, dict[str, Any]] = {}


def shapes(state: AppState) -> tuple[dict[str, Any], list[list[float]]]:
    """The territories' outlines as GeoJSON (kept per set of territories) and their bounds."""
    with state.db.session() as s:
        ids = [t.id for t in repo.list_territories(s)]
        frames = [state.territories.get(t, s)[0] for t in ids]
    key = tuple(ids)
    if key not in _shapes:
        communes = pd.concat([t.communes.assign(territory_id=t.id) for t in frames])
        dissolved = territories_from_communes(
            gpd.GeoDataFrame(communes, crs=frames[0].communes.crs),
            key="territory_id",
            names={t.id: t.name for t in frames},
        )
        metric = dissolved.to_crs("EPSG:2154").simplify(250)
        dissolved = dissolved.set_geometry(metric.to_crs("EPSG:4326"))
        minx, miny, maxx, maxy = (float(v) for v in dissolved.total_bounds)
        _shapes.clear()
        _shapes[key] = {
            "geojson": dissolved.reset_index(names="territory_id")[
                ["territory_id", "name", "geometry"]
            ].__geo_interface__,
            "bounds": [[miny, minx], [maxy, maxx]],
        }
    return _shapes[key]["geojson"], _shapes[key]["bounds"]


@router.get("/region/carte")
def region_map(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    indicateur: str = "share_20min_fixed",
) -> Response:
    _arml(viewer, "Carte des territoires")
    frame, notes = comparison_frame(state)
    choices = [i for i in BY_COLUMN.values() if i.mappable and i.column in frame.columns]
    ind = BY_COLUMN.get(indicateur)
    if ind is None or ind not in choices:
        ind = choices[0]
    rows = frame[frame["territory_id"] != TOTAL_ID]
    values = {str(r.territory_id): ind.value(getattr(r, ind.column)) for r in rows.itertuples()}
    numbers = [float(v) for v in values.values() if isinstance(v, int | float)]
    classes = legend_classes(numbers, digits=ind.digits, unit=ind.unit)
    geojson, bounds = shapes(state)
    features = []
    for feature in geojson["features"]:
        tid = feature["properties"]["territory_id"]
        value = values.get(tid)
        colour, label = HIDDEN_COLOUR, shown(value)
        if isinstance(value, int | float):
            colour = classes[class_of(float(value), classes)]["colour"]
            label += f" {ind.unit}" if ind.unit else ""
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "name": feature["properties"]["name"],
                    "value": label,
                    "colour": colour,
                },  # fmt: skip
            }
        )
    listed = sorted(
        ((str(r.name), values.get(str(r.territory_id))) for r in rows.itertuples()),
        key=lambda nv: nv[0],
    )
    return render(
        request,
        "region_map.html",
        viewer=viewer,
        title=f"Carte : {ind.label}",
        indicator=ind,
        choices=choices,
        legend=[
            *classes,
            {"label": "masqué (< 11 ou secret) ou sans valeur", "colour": HIDDEN_COLOUR},
        ],  # fmt: skip
        listed=listed,
        notes=notes,
        shown=shown,
        map_data={
            "bounds": bounds,
            "territories": {"type": "FeatureCollection", "features": features},
        },  # fmt: skip
    )
