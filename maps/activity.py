"""Activity density: a heat map of logged activity counts by place, never of individuals.

Activity is stored as counts by place x period x approach x outcome (see
:mod:`planner.territory`). The map sums one count column by place (partner site, else the
commune's point), draws a heat map weighted by it and a circle per place whose popup gives the
totals; with ``shared=True`` (a view leaving the Mission Locale) counts under 11 read « < 11 ».
"""

from __future__ import annotations

import folium
import pandas as pd
from folium.plugins import HeatMap

from maps.base import Legend, add_communes, finish, frame_bounds, new_map, popup_table
from maps.safe_text import SafeTooltip
from planner.coverage.suppression import SMALL, suppress_frame
from planner.errors import InvalidSpecError
from planner.territory import Territory

COUNTS = ("sessions", "contacts", "reperes", "mobilises")
COUNT_LABELS = {
    "sessions": "Séances",
    "contacts": "Contacts",
    "reperes": "Jeunes repérés",
    "mobilises": "Jeunes mobilisés",
}
HEAT_GRADIENT = {0.2: "#ffffb2", 0.45: "#fecc5c", 0.7: "#fd8d3c", 0.9: "#f03b20", 1.0: "#bd0026"}


def activity_by_place(territory: Territory, activity: pd.DataFrame) -> pd.DataFrame:
    """Totals by place with ``lon``/``lat`` (partner point, else the commune's point)."""
    missing = [c for c in ("place_id", "commune", *COUNTS) if c not in activity.columns]
    if missing:
        raise InvalidSpecError(
            f"Activité sans colonne(s) {', '.join(missing)}.",
            hint="L'activité se donne en comptages : place_id, commune, sessions, contacts, "
            "reperes, mobilises.",
        )
    frame = activity.assign(
        place_id=activity["place_id"].astype(str), commune=activity["commune"].astype(str)
    )
    totals = frame.groupby(["place_id", "commune"], as_index=False)[list(COUNTS)].sum()
    partners, communes = territory.partners, territory.communes
    lon, lat, name = [], [], []
    for place, code in zip(totals["place_id"], totals["commune"], strict=True):
        if place in partners.index:
            g = partners.loc[place].geometry
            lon.append(g.x)
            lat.append(g.y)
            name.append(str(partners.loc[place, "name"]))
        elif code in communes.index:
            lon.append(float(communes.loc[code, "lon"]))
            lat.append(float(communes.loc[code, "lat"]))
            name.append(f"{place} ({communes.loc[code, 'name']})")
        else:
            raise InvalidSpecError(
                f"Lieu d'activité {place} : commune {code} hors du territoire {territory.id}.",
                hint="Chaque ligne d'activité doit nommer une commune du territoire.",
            )
    return totals.assign(lon=lon, lat=lat, name=name)


def activity_map(
    territory: Territory,
    activity: pd.DataFrame | None = None,
    *,
    weight: str = "contacts",
    shared: bool = False,
    synthetic: bool | None = None,
) -> folium.Map:
    """Heat map of ``weight`` (a count column) by place, with per-place totals in popups.

    Parameters
    ----------
    activity
        Counts (defaults to ``territory.activity``).
    shared
        Suppress counts under 11 in popups (outputs shown beyond one Mission Locale).
    synthetic
        Say « données fictives » (defaults to ``territory.activity_synthetic``).
    """
    if weight not in COUNTS:
        raise InvalidSpecError(
            f"Comptage {weight!r} inconnu (attendu : {', '.join(COUNTS)}).",
            hint="Choisissez par exemple weight='contacts'.",
        )
    activity = territory.activity if activity is None else activity
    synthetic = territory.activity_synthetic if synthetic is None else synthetic
    places = activity_by_place(territory, activity)
    shown = suppress_frame(places, count_columns=COUNTS) if shared else places
    m = new_map(frame_bounds(territory.communes))
    add_communes(m, territory.communes)
    label = COUNT_LABELS[weight]
    heat = folium.FeatureGroup(name=f"Densité : {label.lower()} (carte de chaleur)", show=True)
    top = float(places[weight].max()) if len(places) else 0.0
    points = [
        [r.lat, r.lon, float(getattr(r, weight)) / top]
        for r in places.itertuples()
        if top > 0 and getattr(r, weight) > 0
    ]
    if points:
        HeatMap(
            points, radius=22, blur=18, min_opacity=0.3, max_zoom=9, gradient=HEAT_GRADIENT
        ).add_to(heat)
    heat.add_to(m)
    dots = folium.FeatureGroup(name="Lieux d'activité (totaux)", show=True)
    for raw, row in zip(places.itertuples(), shown.itertuples(), strict=True):
        rows = [(COUNT_LABELS[c], getattr(row, c)) for c in COUNTS]
        folium.CircleMarker(
            [raw.lat, raw.lon],
            radius=4,
            color="#800026",
            weight=1,
            fill=True,
            fill_opacity=0.8,
            popup=popup_table(str(raw.name), rows),
            tooltip=SafeTooltip(f"{raw.name} : {getattr(row, weight)} {label.lower()}"),
        ).add_to(dots)
    dots.add_to(m)
    legend = Legend(f"Activité — {territory.name}")
    legend.add(
        f"{label} par lieu (somme des comptages)",
        [
            (f'<span class="sw" style="background:{c}"></span>', text)
            for c, text in zip(
                ("#ffffb2", "#fd8d3c", "#bd0026"),
                ("faible", "moyenne", f"forte (max {top:,.0f})".replace(",", " ")),
                strict=True,
            )
        ],
    )
    notes = ["Comptages agrégés par lieu et période, jamais de données individuelles."]
    if shared:
        notes.append(f"Effectifs inférieurs à 11 affichés « {SMALL} ».")
    if synthetic:
        notes.append("Données fictives (historique synthétique de démonstration).")
    legend.note = " ".join(notes)
    return finish(m, legend)
