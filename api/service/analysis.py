"""Territory analyses served by the API: need scores, communes GeoJSON, coverage, comparison.

Thin glue from a :class:`Territory`, a stored plan document and stored activity counts to the
pure functions of :mod:`planner.coverage`. Travel times: the declared estimate
(:func:`planner.matrix.travel_matrix` without a road network).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely.geometry

from planner.coverage.compare import ComparisonTable, compare_territories
from planner.coverage.indicators import TerritoryIndicators, territory_indicators
from planner.coverage.need import (
    COMPONENT_LABELS,
    COMPONENTS,
    NeedTable,
    nearest_times,
    need_scores_from_territory,
)
from planner.coverage.runner import fixed_points
from planner.hours import WeeklyHours
from planner.json_values import json_value
from planner.matrix import travel_matrix
from planner.taxonomy import FrrClass
from planner.territory import Territory

NO_HOST = "sans_hote"


def commune_points(territory: Territory) -> np.ndarray:
    c = territory.communes
    return np.column_stack([c["lon"].to_numpy(float), c["lat"].to_numpy(float)])


def contacts_matrix(territory: Territory) -> Any:
    return travel_matrix(commune_points(territory), fixed_points(territory))


def need_table(territory: Territory) -> NeedTable:
    return need_scores_from_territory(territory, contacts_matrix(territory))


def fixed_times(territory: Territory) -> np.ndarray:
    """Seconds from each commune to its nearest fixed contact point (NaN: none reachable)."""
    return nearest_times(contacts_matrix(territory))


def communes_geojson(territory: Territory, need: NeedTable) -> dict[str, Any]:
    """Communes with FRR class, QPV flag, need score and every component."""
    features = []
    frame = need.frame
    for code, row in territory.communes.iterrows():
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
                    "qpv_codes": [q for q in str(row["qpv_codes"]).split(",") if q],
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


def host_index(territory: Territory) -> dict[tuple[str, str], tuple[str, str, WeeklyHours | None]]:
    """(commune, host name) -> (partner id, type, hours), to describe a visit's host."""
    out = {}
    for pid, row in territory.partners.iterrows():
        hours = row["hours"] if isinstance(row["hours"], WeeklyHours) else None
        out[(str(row["commune"]), str(row["name"]))] = (str(pid), str(row["type"]), hours)
    return out


def indicators(
    territory: Territory,
    *,
    plan: dict[str, Any] | None,
    activity: dict[str, int],
    fixed_times: np.ndarray,
    activity_label: str,
) -> TerritoryIndicators:
    """Coverage and activity indicators of a territory with its latest plan (if any)."""
    c = territory.communes
    van_times = None
    stop_types: list[str] = []
    sessions_planned = None
    km = None
    notes: list[str] = []
    if plan is not None:
        stops: dict[str, tuple[float, float, str, str]] = {}
        for v in plan["visits"]:
            stops.setdefault(v["stop_id"], (v["lon"], v["lat"], v["commune"], v.get("host") or ""))
        hosts = host_index(territory)
        stop_types = [
            hosts.get((commune, host), ("", NO_HOST, None))[1] if host else NO_HOST
            for _, _, commune, host in stops.values()
        ]
        if stops:
            pts = np.asarray([(lon, lat) for lon, lat, _, _ in stops.values()], dtype=float)
            van_times = nearest_times(travel_matrix(commune_points(territory), pts))
        sessions_planned = len(plan["visits"])
        km = float(plan.get("kpis", {}).get("drive_km", 0.0))
        notes.append(f"Temps de trajet : {plan.get('travel_time_method', 'estimate')}.")
    else:
        notes.append("Aucun plan terminé : indicateurs sans camion.")
    return territory_indicators(
        territory.id,
        territory.name,
        young=c["young"].to_numpy(float),
        frr_class=list(c["frr_class"]),
        qpv_codes=[[q for q in str(x).split(",") if q] for x in c["qpv_codes"]],
        fixed_times=fixed_times,
        van_times=van_times,
        stop_types=stop_types,
        activity_totals=activity,
        sessions_planned=sessions_planned,
        km_driven=km,
        activity_label=activity_label,
        notes=notes,
    )


def indicator_record(ind: TerritoryIndicators) -> dict[str, Any]:
    """The territory's own (unsuppressed) view, JSON-ready."""
    rec = ind.to_record()
    rec["notes"] = list(ind.notes)
    return {k: json_value(v) for k, v in rec.items()}


def comparison(rows: list[TerritoryIndicators]) -> ComparisonTable:
    return compare_territories(rows, with_total=True)
