"""Shared map construction: blank offline base, optional tiles, outlines, legend, sources.

Every map starts from :func:`new_map`: no default tile layer (tiles are online-only, so the
OpenStreetMap layer is an opt-in overlay), commune outlines drawn by :func:`add_communes` so the
page stays readable offline, a French legend (:class:`Legend`) and the data sources credited in
the attribution control and the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from maps.assets import RawHtml, figure_of
from maps.safe_text import SafeGeoJsonTooltip, SafePopup, esc
from planner.taxonomy import FrrClass

#: Distinct colours (one per day or per van), readable on white and for most colour-blind people.
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)

#: Sources credited on every map (attribution control and legend).
SOURCES = (
    "© contributeurs OpenStreetMap",
    "IGN ADMIN EXPRESS",
    "ANCT (QPV, France Services)",
    "DGCL (FRR)",
    "Etalab",
)

FRR_COLORS: dict[FrrClass, str] = {
    FrrClass.NON_CLASSEE: "#f0f0f0",
    FrrClass.SOCLE: "#c7e9c0",
    FrrClass.PLUS: "#238b45",
    FrrClass.BENEFICIAIRE: "#74c476",
    FrrClass.BENEFICIAIRE_PARTIELLEMENT: "#a1d99b",
    FrrClass.PARTIELLEMENT: "#e5f5e0",
    FrrClass.INCONNUE: "#bdbdbd",
}

QPV_COLOR = "#c51b8a"

_CSS = """<style>
.milo-stop{display:flex;align-items:center;justify-content:center;width:22px;height:22px;
 border-radius:50%;border:2px solid #fff;color:#fff;font:bold 11px/1 sans-serif;
 box-shadow:0 0 2px #000;}
.milo-base{display:flex;align-items:center;justify-content:center;width:20px;height:20px;
 border:2px solid #fff;background:#222;color:#fff;font:bold 11px/1 sans-serif;
 box-shadow:0 0 2px #000;}
.milo-point{width:10px;height:10px;border-radius:2px;border:1px solid #222;}
.leaflet-container{background:#f4f4ef;}
.milo-legend{position:absolute;z-index:1000;bottom:56px;left:10px;background:#fff;
 padding:8px 10px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);
 font:12px/1.35 sans-serif;max-width:290px;max-height:60%;overflow:auto;}
.milo-legend h4{display:inline;margin:0 0 4px;font-size:14px;}
.milo-legend summary{cursor:pointer;margin-bottom:2px;}
.milo-legend h5{margin:6px 0 2px;font-size:12px;}
.milo-legend .sw{display:inline-block;width:14px;height:10px;margin-right:6px;
 vertical-align:middle;border:1px solid #555;}
.milo-legend .ln{display:inline-block;width:22px;height:0;margin-right:6px;vertical-align:middle;
 border-top-width:3px;}
.milo-legend .src{margin-top:6px;color:#555;font-size:10px;}
.milo-popup td{padding:1px 4px;vertical-align:top;} .milo-popup th{text-align:left;}
@media (max-width:600px){
 .milo-legend{bottom:50px;max-width:calc(100vw - 40px);max-height:45%;}
 .leaflet-control-layers{font-size:11px;max-height:30vh;max-width:62vw;overflow:auto;}
 .leaflet-control-attribution{font-size:9px;}
}
</style>"""
#: the legend starts folded on a phone-sized screen (one line: its title), open elsewhere
_FOLD_ON_PHONE = (
    "<script>if(window.matchMedia('(max-width: 600px)').matches)"
    "{document.getElementById('milo-legend-details').open=false;}</script>"
)


def new_map(
    bounds: Sequence[float] | None = None,
    *,
    zoom_start: int = 9,
    height: str = "100%",
    padding: int = 10,
) -> folium.Map:
    """A map with no default tiles, an opt-in OSM layer and the sources in the attribution.

    Parameters
    ----------
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` to fit; the map opens on it.
    """
    m = folium.Map(
        tiles=None,
        control_scale=True,
        zoom_start=zoom_start,
        height=height,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    m.options["max_zoom"] = 18  # no default tiles to set it; marker clustering needs it
    folium.TileLayer(
        "OpenStreetMap",
        name="Fond OpenStreetMap (en ligne)",
        attr="© contributeurs OpenStreetMap",
        overlay=True,
        show=False,
        control=True,
    ).add_to(m)
    if bounds is not None:
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(padding, padding))
    figure_of(m).header.add_child(RawHtml(_CSS), name="milo_css")
    _Attribution(" · ".join(SOURCES)).add_to(m)
    return m


class _Attribution(MacroElement):
    """Adds the data sources to Leaflet's attribution control."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "MiloAttribution"
        self.text = text


def display_frame(frame: gpd.GeoDataFrame, *, grid: float = 1e-5) -> gpd.GeoDataFrame:
    """A copy for display only: lon/lat rounded to ``grid`` degrees (~1 m), for smaller pages."""
    out = frame.copy()
    out["geometry"] = shapely.set_precision(out.geometry.values, grid, mode="pointwise")
    return out


def add_communes(m: folium.Map | folium.FeatureGroup, communes: gpd.GeoDataFrame) -> None:
    """Commune outlines (always shown, so the map reads without tiles) with name tooltips."""
    frame = display_frame(communes[["name", "geometry"]].reset_index(names="code"))
    folium.GeoJson(
        frame,
        name="Communes (contours)",
        style_function=lambda _: {
            "color": "#777",
            "weight": 0.8,
            "fillColor": "#fafafa",
            "fillOpacity": 0.35,
        },
        tooltip=SafeGeoJsonTooltip(["name", "code"], aliases=["Commune", "INSEE"]),
        control=True,
    ).add_to(m)


def frr_layer(communes: gpd.GeoDataFrame, *, show: bool = False) -> folium.GeoJson:
    """Communes coloured by FRR class (a layer to add to a map)."""
    frame = communes[["name", "frr_class", "geometry"]].reset_index(names="code")
    frame["classe"] = frame["frr_class"].map(lambda k: FrrClass(k).label)
    frame = display_frame(frame)
    return folium.GeoJson(
        frame,
        name="Classes FRR (France Ruralités Revitalisation)",
        show=show,
        style_function=lambda f: {
            "color": "#555",
            "weight": 0.5,
            "fillOpacity": 0.7,
            "fillColor": FRR_COLORS[FrrClass(f["properties"]["frr_class"])],
        },
        tooltip=SafeGeoJsonTooltip(["name", "classe"], aliases=["Commune", "Classe FRR"]),
    )


def qpv_layer(qpv: gpd.GeoDataFrame, *, show: bool = False) -> folium.FeatureGroup:
    """QPV 2024 outlines (an empty, still toggleable group when the territory has none)."""
    group = folium.FeatureGroup(name="Quartiers prioritaires (QPV 2024)", show=show)
    if len(qpv):
        frame = display_frame(qpv[["name", "geometry"]].reset_index(names="code"))
        folium.GeoJson(
            frame,
            style_function=lambda _: {
                "color": QPV_COLOR,
                "weight": 2,
                "fillOpacity": 0.25,
                "fillColor": QPV_COLOR,
            },
            tooltip=SafeGeoJsonTooltip(["name", "code"], aliases=["QPV", "Code"]),
        ).add_to(group)
    return group


def frr_legend_items(communes: gpd.GeoDataFrame) -> list[tuple[str, str]]:
    """Legend entries for the FRR classes present in ``communes``."""
    present = [c for c in FrrClass if c.value in set(communes["frr_class"].astype(str))]
    return [(swatch(FRR_COLORS[c]), c.label) for c in present]


def swatch(color: str) -> str:
    """A filled square for a legend entry."""
    return f'<span class="sw" style="background:{esc(color)}"></span>'


def line(color: str, *, dashed: bool = False) -> str:
    """A line sample (solid or dashed) for a legend entry."""
    style = "dashed" if dashed else "solid"
    return f'<span class="ln" style="border-top:3px {style} {esc(color)}"></span>'


@dataclass
class Legend:
    """A French legend box: a title, sections of (swatch HTML, label), and the sources.

    Its title folds and unfolds it (``<details>``); it starts folded on a phone-sized screen so
    that the map stays visible.
    """

    title: str
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    note: str = ""

    def add(self, heading: str, items: list[tuple[str, str]]) -> None:
        if items:
            self.sections.append((heading, items))

    def to_html(self) -> str:
        parts = [
            '<div class="milo-legend" id="milo-legend" tabindex="0" role="region" '
            'aria-label="Légende"><details id="milo-legend-details" open>'
            f"<summary><h4>{esc(self.title)}</h4></summary>"
        ]
        for heading, items in self.sections:
            parts.append(f"<h5>{esc(heading)}</h5>")
            parts.extend(f"<div>{sw}{esc(label)}</div>" for sw, label in items)
        if self.note:
            parts.append(f'<div class="src">{esc(self.note)}</div>')
        parts.append(f'<div class="src">Sources : {esc(" · ".join(SOURCES))}</div>')
        parts.append(f"</details></div>{_FOLD_ON_PHONE}")
        return "".join(parts)

    def add_to(self, m: folium.Map) -> None:
        """Draw the legend on ``m``; its title is also the page's ``<title>``."""
        figure = figure_of(m)
        figure.html.add_child(RawHtml(self.to_html()), name="milo_legend")
        figure.title = esc(f"{self.title} — milo-nomade")


def finish(m: folium.Map, legend: Legend) -> folium.Map:
    """Add the legend and the layer control (expanded, so the layers are visible)."""
    legend.add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


def popup_table(title: str, rows: Sequence[tuple[str, object]], *, width: int = 320) -> SafePopup:
    """A popup with a bold title and a two-column table of (label, value) rows (all escaped)."""
    body = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v not in (None, "")
    )
    text = f'<div class="milo-popup"><b>{esc(title)}</b><table>{body}</table></div>'
    return SafePopup(text, max_width=width)


def frame_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a lon/lat frame."""
    minx, miny, maxx, maxy = frame.total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)
