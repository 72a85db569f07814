"""Regional comparison map: territories shaded by one indicator, the comparison row in popups.

``table`` is the comparison table as shared beyond one Mission Locale, so it is suppressed
already (:mod:`planner.coverage.suppression`): suppressed cells hold « < 11 », « masqué (secret
secondaire) » or « secret » and are shown as such; territories whose indicator is suppressed
are hatched grey, not coloured.
"""

from __future__ import annotations

from collections.abc import Mapping

import branca.colormap as cm
import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from maps.base import Legend, display_frame, esc, finish, frame_bounds, new_map, swatch
from maps.safe_text import SafePopup, SafeTooltip
from planner.coverage.compare import COLUMN_LABELS
from planner.coverage.suppression import HIDDEN_LABELS, SECONDARY, SMALL
from planner.errors import InvalidSpecError

SHADES = ("#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c")
SUPPRESSED_COLOR = "#cccccc"


def _outer(geometry: BaseGeometry) -> BaseGeometry:
    """Outer rings only: simplified commune outlines leave slivers inside a dissolved territory."""
    if isinstance(geometry, Polygon):
        return Polygon(geometry.exterior)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([Polygon(p.exterior) for p in geometry.geoms])
    return geometry


def territories_from_communes(
    communes: gpd.GeoDataFrame, *, key: str, names: Mapping[str, str] | None = None
) -> gpd.GeoDataFrame:
    """One polygon per territory: communes dissolved by the ``key`` column (index = territory)."""
    if key not in communes.columns:
        raise InvalidSpecError(
            f"Colonne {key!r} absente des communes (colonnes : {', '.join(communes.columns)}).",
            hint="Donnez la colonne qui rattache chaque commune à son territoire.",
        )
    out = communes[[key, "geometry"]].dissolve(by=key)
    out["geometry"] = [_outer(g) for g in out.geometry]
    out.index = out.index.astype(str)
    out["name"] = [(names or {}).get(i, i) for i in out.index]
    return out


def _fmt(value: object, column: str = "") -> str:
    if column.startswith("share_") and isinstance(value, float) and value == value:
        return f"{value * 100:.0f} %"
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def _popup(name: str, row: pd.Series, indicator: str, labels: Mapping[str, str]) -> SafePopup:
    bold = ' style="font-weight:bold"'
    cells = "".join(
        f"<tr{bold if col == indicator else ''}>"
        f"<th>{esc(labels.get(col, col))}</th><td>{esc(_fmt(v, col))}</td></tr>"
        for col, v in row.items()
    )
    return SafePopup(
        f'<div class="milo-popup"><b>{esc(name)}</b><table>{cells}</table></div>', max_width=360
    )


def comparison_map(
    territories: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    indicator: str,
    labels: Mapping[str, str] | None = None,
    title: str = "Comparaison régionale",
) -> folium.Map:
    """Territories shaded by ``indicator``; each popup holds the territory's table row.

    Parameters
    ----------
    territories
        Index: territory id; columns ``name`` and ``geometry`` (EPSG:4326).
    table
        Comparison table indexed by territory id (suppressed cells as « < 11 »).
    indicator
        Column of ``table`` used for the shading.
    labels
        French column labels for the popups and legend.
    """
    labels = {**COLUMN_LABELS, **(labels or {})}
    if indicator not in table.columns:
        raise InvalidSpecError(
            f"Indicateur {indicator!r} absent du tableau (colonnes : {', '.join(table.columns)}).",
            hint="Choisissez une colonne du tableau de comparaison.",
        )
    table = table.rename(index=str)
    unknown = sorted(set(table.index) - set(territories.index.astype(str)))
    if unknown:
        raise InvalidSpecError(
            f"Territoire(s) du tableau sans contour : {', '.join(unknown[:3])}.",
            hint="Fournissez un contour par territoire du tableau (même identifiant).",
        )
    values = pd.to_numeric(
        table[indicator].where(~table[indicator].isin(HIDDEN_LABELS)), errors="coerce"
    )
    finite = values.dropna()
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    hi = hi if hi > lo else lo + 1.0
    colormap = cm.LinearColormap(list(SHADES), vmin=lo, vmax=hi)
    frame = display_frame(territories[["name", "geometry"]])
    m = new_map(frame_bounds(frame))
    label = labels.get(indicator, indicator)
    group = folium.FeatureGroup(name=f"Territoires : {label}", show=True)
    for tid, row in frame.iterrows():
        tid = str(tid)
        value = values.get(tid)
        fill = SUPPRESSED_COLOR if value is None or value != value else colormap(float(value))
        shown = table.loc[tid, indicator] if tid in table.index else "—"
        shape = folium.GeoJson(
            gpd.GeoDataFrame({"name": [row["name"]]}, geometry=[row.geometry], crs=frame.crs),
            style_function=lambda _, c=fill: {
                "color": "#333",
                "weight": 1.5,
                "fillColor": c,
                "fillOpacity": 0.75,
            },
            tooltip=SafeTooltip(f"{row['name']} — {label} : {_fmt(shown, indicator)}"),
        )
        if tid in table.index:
            _popup(str(row["name"]), table.loc[tid], indicator, labels).add_to(shape)
        shape.add_to(group)
    group.add_to(m)
    legend = Legend(title)
    steps = [lo + (hi - lo) * i / (len(SHADES) - 1) for i in range(len(SHADES))]
    legend.add(
        label,
        [(swatch(colormap(v)), _fmt(round(v, 3), indicator)) for v in steps]
        + [(swatch(SUPPRESSED_COLOR), f"masqué : « {SMALL} » ou « {SECONDARY} »")],
    )
    legend.note = (
        f"Cellules inférieures à 11 masquées : « {SMALL} » ; « {SECONDARY} » : au moins 11, "
        "masquée pour qu'aucune petite cellule ne puisse être recalculée."
    )
    return finish(m, legend)
