"""JSON bodies of the territory routes: communes GeoJSON with need scores, indicator record."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely.geometry

from planner.coverage.indicators import TerritoryIndicators
from planner.coverage.need import COMPONENT_LABELS, COMPONENTS, NeedTable
from planner.json_values import json_value
from planner.taxonomy import FrrClass
from planner.territory import Territory
from planner.workflows.territory_arrays import qpv_code_lists


def communes_geojson(territory: Territory, need: NeedTable) -> dict[str, Any]:
    """Communes with FRR class, QPV flag, need score and every component."""
    features = []
    frame = need.frame
    qpv_codes = qpv_code_lists(territory)
    for i, (code, row) in enumerate(territory.communes.iterrows()):
        scores = frame.loc[code]
        components = {
            c: {
                "label": COMPONENT_LABELS.get(c, c),
                "value": _num(scores[f"{c}_value"]),
                "norm": _num(scores[f"{c}_norm"]),
                "weight": _num(scores[f"{c}_weight"]),
                "points": _num(scores[f"{c}_points"]),
            }
            for c in COMPONENTS
        }
        features.append(
            {
                "type": "Feature",
                "id": str(code),
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "code": str(code),
                    "name": str(row["name"]),
                    "population": int(row["population"]),
                    "young": round(float(row["young"]), 1),
                    "frr_class": str(row["frr_class"]),
                    "frr_label": FrrClass(row["frr_class"]).label,
                    "qpv": bool(row["qpv"]),
                    "qpv_codes": qpv_codes[i],
                    "need_score": _num(scores["score"]),
                    "need_rank": int(scores["rank"]),
                    "need_components": components,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": {
            "territory": territory.id,
            "young_method": need.young_method,
            "activity_data": need.activity_label,
            "weights": need.weights.as_dict(),
            "notes": list(need.notes),
        },
    }


def _num(v: Any) -> float | str | None:
    """Rounded number (None for NaN); a raw text value (such as an FRR class) as is."""
    if isinstance(v, str):
        return v
    f = float(v)
    return None if np.isnan(f) else round(f, 4)


def indicator_record(ind: TerritoryIndicators) -> dict[str, Any]:
    """The territory's own (unsuppressed) view, JSON-ready."""
    rec = ind.to_record()
    rec["notes"] = list(ind.notes)
    return {k: json_value(v) for k, v in rec.items()}
