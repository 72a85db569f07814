"""The application's static files: its own (``api/web/static/``) and the npm copies
(``maps/vendor/``: HTMX, Pico CSS, Leaflet), each named in a list; nothing else is served."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from maps.assets import vendor_dir
from planner.errors import DataSourceError, NotFoundError

router = APIRouter(include_in_schema=False)
OWN = Path(__file__).resolve().parents[1] / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/manifest+json",
}
#: npm copies by the name the pages use -> path inside maps/vendor/
VENDOR = {
    "htmx.min.js": "web/htmx.min.js",
    "pico.min.css": "web/pico.min.css",
    "leaflet.js": "leaflet.js",
    "leaflet.css": "leaflet.css",
    "marker-icon.png": "images/marker-icon.png",
    "marker-icon-2x.png": "images/marker-icon-2x.png",
    "marker-shadow.png": "images/marker-shadow.png",
}
CACHE = {"Cache-Control": "public, max-age=3600"}


def _file(path: Path, name: str) -> FileResponse:
    return FileResponse(
        path, media_type=TYPES.get(path.suffix, "application/octet-stream"), headers=CACHE
    )


@router.get("/static/vendor/{name}")
def vendor_file(name: str) -> FileResponse:
    if name not in VENDOR:
        raise NotFoundError(
            f"Fichier inconnu : {name!r}.", hint=f"Fichiers servis : {', '.join(VENDOR)}."
        )
    path = vendor_dir() / VENDOR[name]
    if not path.is_file():
        raise DataSourceError(
            f"Bibliothèque absente : {path}.",
            hint="Lancez « make assets » (ou bash .ci/install-browser.sh --assets-only).",
        )
    return _file(path, name)


@router.get("/static/{name}")
def own_file(name: str) -> FileResponse:
    path = OWN / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFoundError(f"Fichier inconnu : {name!r}.", hint="Voir api/web/static/.")
    return _file(path, name)
