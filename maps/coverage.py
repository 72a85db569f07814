"""Coverage map: need score and access time per commune, zones, contact points, stops, partners.

Inputs are plain so any caller can wire them: need scores by commune code (a Series, or a
DataFrame with a ``score`` column such as :attr:`planner.coverage.need.NeedTable.frame`),
access times in minutes by commune code, and the van's stops with the commune codes of their
catchment (:class:`planner.catchment.CoverageStop`). :mod:`planner.workflows.map_inputs` computes
them from a Territory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import branca.colormap as cm
import folium
import pandas as pd
from folium.plugins import MarkerCluster

from maps.base import (
    Legend,
    add_communes,
    display_frame,
    finish,
    frame_bounds,
    frr_layer,
    frr_legend_items,
    new_map,
    popup_table,
    qpv_layer,
    swatch,
)
from maps.safe_text import SafeGeoJsonTooltip, SafeTooltip
from planner.amenities import amenity_label
from planner.catchment import CoverageStop
from planner.errors import InvalidSpecError
from planner.taxonomy import PartnerType
from planner.territory import Territory

#: Access-time bands (minutes, upper bound included) and their colours.
ACCESS_BANDS = (
    (20.0, "moins de 20 min", "#1a9850"),
    (30.0, "20 à 30 min", "#fee08b"),
    (math.inf, "plus de 30 min", "#d73027"),
)
NO_ACCESS = ("inaccessible / inconnu", "#999999")
NEED_COLORS = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
CLUSTER_ABOVE = 40
PARTNER_COLORS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
)


def _scores(need: pd.Series | pd.DataFrame | None) -> pd.Series | None:
    if need is None:
        return None
    if isinstance(need, pd.DataFrame):
        if "score" not in need.columns:
            raise InvalidSpecError(
                f"Scores de besoin sans colonne « score » (colonnes : {', '.join(need.columns)}).",
                hint="Passez NeedTable.frame ou une série de scores indexée par code INSEE.",
            )
        need = need["score"]
    return need.astype(float).rename(index=str)


def access_band(minutes: float) -> tuple[str, str]:
    """(label, colour) of the access band of ``minutes`` (NaN: unknown)."""
    if minutes is None or not math.isfinite(minutes):
        return NO_ACCESS
    for limit, label, color in ACCESS_BANDS:
        if minutes <= limit:
            return label, color
    return NO_ACCESS


def _unknown_codes(codes: pd.Index, territory: Territory, what: str) -> None:
    unknown = sorted(set(codes) - set(territory.communes.index.astype(str)))
    if unknown:
        raise InvalidSpecError(
            f"{what} : {len(unknown)} code(s) INSEE hors du territoire {territory.id} "
            f"(par exemple {unknown[0]}).",
            hint="Calculez ces valeurs sur les communes du même territoire.",
        )


def _need_layer(territory: Territory, scores: pd.Series) -> tuple[folium.GeoJson, cm.StepColormap]:
    _unknown_codes(scores.index, territory, "Scores de besoin")
    frame = territory.communes[["name", "geometry"]].reset_index(names="code")
    frame["score"] = frame["code"].map(scores).round(1)
    top = float(max(scores.max(), 1e-9)) if len(scores) else 1.0
    colormap = cm.StepColormap(
        list(NEED_COLORS),
        vmin=0.0,
        vmax=top,
        index=[top * i / len(NEED_COLORS) for i in range(len(NEED_COLORS) + 1)],
    )

    def style(feature: dict) -> dict:
        value = feature["properties"]["score"]
        fill = "#ffffff" if value is None or value != value else colormap(value)
        return {"color": "#666", "weight": 0.5, "fillColor": fill, "fillOpacity": 0.75}

    layer = folium.GeoJson(
        display_frame(frame),
        name="Besoin (score par commune)",
        show=True,
        style_function=style,
        tooltip=SafeGeoJsonTooltip(["name", "score"], aliases=["Commune", "Score de besoin"]),
    )
    return layer, colormap


def _access_layer(territory: Territory, access_min: pd.Series) -> folium.GeoJson:
    access_min = access_min.astype(float).rename(index=str)
    _unknown_codes(access_min.index, territory, "Temps d'accès")
    frame = territory.communes[["name", "geometry"]].reset_index(names="code")
    minutes = frame["code"].map(access_min)
    frame["minutes"] = minutes.round(0)
    frame["bande"] = [access_band(x)[0] for x in minutes]
    frame["couleur"] = [access_band(x)[1] for x in minutes]
    return folium.GeoJson(
        display_frame(frame),
        name="Temps d'accès (bandes 20 / 30 min)",
        show=False,
        style_function=lambda f: {
            "color": "#666",
            "weight": 0.5,
            "fillOpacity": 0.7,
            "fillColor": f["properties"]["couleur"],
        },
        tooltip=SafeGeoJsonTooltip(
            ["name", "minutes", "bande"], aliases=["Commune", "Minutes", "Bande"]
        ),
    )


def _fixed_points(territory: Territory) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Points de contact fixes (bases, France Services)", show=True)
    for b in territory.bases:
        kind = "siège" if b.kind == "siege" else "antenne"
        folium.Marker(
            [b.lat, b.lon],
            icon=folium.DivIcon(
                html='<div class="milo-base">B</div>',
                icon_size=(20, 20),
                icon_anchor=(10, 10),
                class_name="milo-base-icon",
            ),
            popup=popup_table(b.name, [("Type", f"Mission Locale ({kind})")]),
            tooltip=SafeTooltip(b.name),
        ).add_to(group)
    for pid, row in territory.fixed_sites.iterrows():
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=6,
            color="#000",
            weight=2,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
            popup=popup_table(
                str(row["name"]), [("Type", PartnerType(row["type"]).label), ("Identifiant", pid)]
            ),
            tooltip=SafeTooltip(str(row["name"])),
        ).add_to(group)
    return group


def _stops_layers(territory: Territory, stops: Sequence[CoverageStop]) -> list[folium.FeatureGroup]:
    markers = folium.FeatureGroup(name="Arrêts du camion", show=True)
    zones = folium.FeatureGroup(name="Zones de chalandise des arrêts", show=True)
    communes = territory.communes
    for stop in stops:
        codes = [c for c in stop.catchment if c in communes.index]
        young = float(communes.loc[codes, "young"].sum()) if codes else 0.0
        folium.Marker(
            [stop.lat, stop.lon],
            icon=folium.DivIcon(
                html='<div class="milo-stop" style="background:#08519c">V</div>',
                icon_size=(22, 22),
                icon_anchor=(11, 11),
                class_name="milo-stop-icon",
            ),
            popup=popup_table(
                stop.name,
                [
                    ("Arrêt", stop.id),
                    ("Communes dans la zone", len(codes)),
                    ("Jeunes 16-25 ans (estimés)", f"{young:,.0f}".replace(",", "\u202f")),
                    ("Zone", stop.label),
                ],
            ),
            tooltip=SafeTooltip(f"Arrêt : {stop.name}"),
        ).add_to(markers)
        if codes:
            shape = communes.loc[codes, ["geometry"]].dissolve()
            shape["arret"] = stop.name
            folium.GeoJson(
                display_frame(shape),
                style_function=lambda _: {
                    "color": "#08519c",
                    "weight": 2,
                    "dashArray": "4 3",
                    "fill": False,
                },
                tooltip=SafeTooltip(f"{stop.name} — {stop.label}"),
            ).add_to(zones)
    return [zones, markers]


def _partners_layer(territory: Territory) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    partners = territory.partners
    group = folium.FeatureGroup(name=f"Partenaires par type ({len(partners)})", show=False)
    target: folium.FeatureGroup | MarkerCluster = group
    if len(partners) > CLUSTER_ABOVE:
        target = MarkerCluster(name="Partenaires (regroupés)", control=False)
        target.add_to(group)
    types = sorted(partners["type"].astype(str).unique())
    colors = {t: PARTNER_COLORS[i % len(PARTNER_COLORS)] for i, t in enumerate(types)}
    for pid, row in partners.iterrows():
        kind = PartnerType(row["type"])
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=5,
            color="#333",
            weight=1,
            fill=True,
            fill_color=colors[kind.value],
            fill_opacity=0.9,
            popup=popup_table(
                str(row["name"]),
                [
                    ("Type", kind.label),
                    ("Identifiant", pid),
                    ("Électricité", amenity_label(row.get("power"))),
                    ("Stationnement", amenity_label(row.get("parking"))),
                    ("Source", row.get("source", "")),
                ],
            ),
            tooltip=SafeTooltip(f"{kind.label} : {row['name']}"),
        ).add_to(target)
    legend = [(swatch(colors[t]), PartnerType(t).label) for t in types]
    return group, legend


def coverage_map(
    territory: Territory,
    *,
    need: pd.Series | pd.DataFrame | None = None,
    access_min: pd.Series | None = None,
    stops: Sequence[CoverageStop] = (),
    access_label: str = "vers le point de contact le plus proche",
) -> folium.Map:
    """The coverage map of ``territory``.

    Parameters
    ----------
    need
        Need score by INSEE code (Series, or DataFrame with ``score``); shaded when given.
    access_min
        Minutes to the nearest contact point by INSEE code; shown in 20 / 30 min bands.
    stops
        The van's stops with their catchment communes.
    """
    m = new_map(frame_bounds(territory.communes))
    add_communes(m, territory.communes)
    legend = Legend(f"Couverture — {territory.name}")
    scores = _scores(need)
    if scores is not None:
        layer, colormap = _need_layer(territory, scores)
        layer.add_to(m)
        edges = colormap.index
        legend.add(
            "Besoin (score 0-100)",
            [
                (swatch(c), f"{edges[i]:.0f} à {edges[i + 1]:.0f}")
                for i, c in enumerate(NEED_COLORS)
            ],
        )
    if access_min is not None:
        _access_layer(territory, access_min).add_to(m)
        legend.add(
            f"Temps d'accès {access_label} (couche)",
            [
                *[(swatch(c), label) for _, label, c in ACCESS_BANDS],
                (swatch(NO_ACCESS[1]), NO_ACCESS[0]),
            ],
        )
    frr_layer(territory.communes, show=False).add_to(m)
    qpv_layer(territory.qpv, show=True).add_to(m)
    for group in _stops_layers(territory, stops):
        group.add_to(m)
    _fixed_points(territory).add_to(m)
    partners, partner_legend = _partners_layer(territory)
    partners.add_to(m)
    legend.add(
        "Repères",
        [
            (
                '<span class="sw" style="background:#08519c;border-radius:50%"></span>',
                f"Arrêt du camion ({len(stops)}) et sa zone (tirets)",
            ),
            ('<span class="sw" style="background:#222"></span>', "Base de la Mission Locale"),
            (
                '<span class="sw" style="background:#fff;border-radius:50%;border:2px solid #000">'
                "</span>",
                "Point de contact fixe",
            ),
            (swatch("#c51b8a"), "QPV 2024"),
        ],
    )
    legend.add("Classes FRR (couche)", frr_legend_items(territory.communes))
    legend.add("Partenaires (couche, regroupés si nombreux)", partner_legend)
    legend.note = territory.young_method
    return finish(m, legend)
