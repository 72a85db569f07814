"""Offline assets: Leaflet, jQuery and the plugins inlined into each HTML page.

Folium 0.20 links every library from a CDN (``Map.default_js``/``default_css`` and each plugin's
own lists). :func:`render_offline` replaces all of them by the pinned copies that
``make assets`` (``.ci/install-browser.sh --assets-only``) fetched from npm into the git-ignored
``maps/vendor/`` folder, inlined in the page: one self-contained file, no request at load time.
Libraries the maps do not use (Bootstrap, Font Awesome, awesome-markers) are dropped; any other
external link makes rendering fail rather than slip through.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from geo_data import settings
from planner.errors import DataSourceError

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"

#: Asset name -> (kind, file in ``maps/vendor/``), in the order the page must load them.
ASSETS: dict[str, tuple[str, str]] = {
    "leaflet_css": ("css", "leaflet.css"),
    "markercluster_css": ("css", "MarkerCluster.css"),
    "markercluster_default_css": ("css", "MarkerCluster.Default.css"),
    "leaflet": ("js", "leaflet.js"),
    "jquery": ("js", "jquery.min.js"),
    "markercluster": ("js", "leaflet.markercluster.js"),
    "heat": ("js", "leaflet-heat.js"),
}

#: Folium's resource names -> our asset (``None``: not needed by these maps, dropped).
FOLIUM_NAMES: dict[str, str | None] = {
    "leaflet": "leaflet",
    "leaflet_css": "leaflet_css",
    "jquery": "jquery",
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
    "markerclusterjs": "markercluster",
    "markerclustercss": "markercluster_css",
    "markerclusterdefaultcss": "markercluster_default_css",
    "leaflet-heat.js": "heat",
}

_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)")
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*['\"]?(?:https?:)?//[^'\" >]+",
    re.IGNORECASE,
)


def vendor_dir() -> Path:
    """Where the npm copies live (``MILO_MAPS_VENDOR``, see :mod:`geo_data.settings`, overrides
    ``maps/vendor/``)."""
    return settings.maps_vendor_dir() or VENDOR_DIR


def asset_text(name: str) -> str:
    """The text of one asset, CSS images turned into ``data:`` URLs.

    Raises
    ------
    DataSourceError
        When ``maps/vendor/`` was not built.
    """
    kind, filename = ASSETS[name]
    folder = vendor_dir()
    path = folder / filename
    if not path.is_file():
        raise DataSourceError(
            f"Bibliothèque cartographique absente : {path} (attendu : copie locale de {filename}).",
            hint="Lancez « make assets » (ou bash .ci/install-browser.sh --assets-only) "
            "pour copier Leaflet et ses extensions depuis npm dans maps/vendor/.",
        )
    text = path.read_text(encoding="utf-8")
    if kind == "css":
        text = _CSS_URL.sub(lambda m: f"url({_data_url(folder / m.group(2))})", text)
    return text


def _data_url(path: Path) -> str:
    if not path.is_file():
        return "data:,"
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def default_icon_js() -> str:
    """Point Leaflet's default marker icon at inlined images (no file request)."""
    folder = vendor_dir() / "images"
    urls = {
        "iconUrl": _data_url(folder / "marker-icon.png"),
        "iconRetinaUrl": _data_url(folder / "marker-icon-2x.png"),
        "shadowUrl": _data_url(folder / "marker-shadow.png"),
    }
    options = ",".join(f'{k}:"{v}"' for k, v in urls.items())
    return f'L.Icon.Default.imagePath="";L.Icon.Default.mergeOptions({{{options}}});'


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _needed_assets(root: Element) -> set[str]:
    """Strip every CDN link from the tree and return the local assets it asked for."""
    needed: set[str] = set()
    for element in _walk(root):
        if isinstance(element, folium.Icon):
            raise DataSourceError(
                "Icône folium.Icon (Font Awesome, awesome-markers) : indisponible hors ligne.",
                hint="Utilisez folium.DivIcon avec du CSS (voir maps/base.py).",
            )
        if not isinstance(element, JSCSSMixin):
            continue
        for name, url in [*element.default_js, *element.default_css]:
            if name not in FOLIUM_NAMES:
                raise DataSourceError(
                    f"Ressource externe non prévue hors ligne : {name} ({url}).",
                    hint="Ajoutez la bibliothèque à package.json et à maps/assets.py (ASSETS).",
                )
            if FOLIUM_NAMES[name] is not None:
                needed.add(str(FOLIUM_NAMES[name]))
        element.default_js = []
        element.default_css = []
    return needed


class RawHtml(Element):
    """A header element whose text is emitted as is (never parsed as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def _inline(kind: str, text: str) -> RawHtml:
    if kind == "css":
        return RawHtml(f"<style>{text}</style>")
    return RawHtml("<script>" + text.replace("</script", "<\\/script") + "</script>")


def figure_of(m: folium.Map) -> Figure:
    """The branca Figure holding ``m`` (header, html and script sections of the page)."""
    figure = m.get_root()
    assert isinstance(figure, Figure)
    return figure


DEFAULT_TITLE = "Carte — milo-nomade"
#: folium's viewport forbids zooming the page (WCAG 1.4.4); ours lets people zoom.
_FOLIUM_VIEWPORT = re.compile(
    r'<meta name="viewport" content="width=device-width,\s*'
    r'initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />'
)
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


def render_offline(m: folium.Map) -> str:
    """The complete HTML page of ``m`` with every library inlined (no external request).

    The page is in French (``lang="fr"``), has a ``<title>`` (the legend's, HTML-escaped, else
    :data:`DEFAULT_TITLE`) and lets people zoom it.
    """
    figure = figure_of(m)
    figure.title = figure.title or DEFAULT_TITLE
    needed = _needed_assets(figure) | {"leaflet", "leaflet_css", "jquery"}
    for name, (kind, _) in ASSETS.items():
        if name in needed:
            figure.header.add_child(_inline(kind, asset_text(name)), name=f"milo_{name}")
        if name == "leaflet":
            figure.header.add_child(_inline("js", default_icon_js()), name="milo_leaflet_icons")
    html = figure.render().replace("<html>", '<html lang="fr">', 1)
    html = _FOLIUM_VIEWPORT.sub(VIEWPORT, html)
    leaks = external_urls(html)
    if leaks:
        raise DataSourceError(
            f"La carte charge encore {len(leaks)} ressource(s) en ligne : {leaks[0]}…",
            hint="Remplacez la ressource par une copie locale (maps/assets.py).",
        )
    return html


def external_urls(html: str) -> list[str]:
    """Script, style, image or frame sources that point to the network."""
    return _EXTERNAL.findall(html)


def write_html(m: folium.Map, path: Path) -> Path:
    """Render ``m`` offline into ``path`` (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_offline(m), encoding="utf-8")
    return path
