"""The API documentation (Swagger UI) served offline: its assets come from npm at build time
(``swagger-ui-dist``, copied into the git-ignored ``maps/vendor/swagger/`` by
``.ci/install-browser.sh``), never from a CDN at run time."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from maps.assets import vendor_dir
from planner.errors import DataSourceError, NotFoundError

router = APIRouter(include_in_schema=False)
#: the files of the docs page, by the name the page asks for
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
ASSET_URL = "/docs-assets"


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Swagger UI on the service's own OpenAPI schema, with local assets."""
    if not (vendor_dir() / "swagger" / "swagger-ui-bundle.js").is_file():
        raise DataSourceError(
            "Documentation de l'API indisponible : Swagger UI n'est pas copié dans "
            f"{vendor_dir() / 'swagger'}.",
            hint="Lancez « make assets » (ou bash .ci/install-browser.sh --assets-only).",
        )
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="milo-nomade : documentation de l'API",
        swagger_js_url=f"{ASSET_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSET_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSET_URL}/favicon-32x32.png",
    )
    # the page is in French: say so (screen readers, axe-core html-has-lang)
    body = bytes(page.body).replace(b"<html>", b'<html lang="fr">', 1)
    return HTMLResponse(body)


@router.get(f"{ASSET_URL}/{{name}}")
def docs_asset(name: str) -> FileResponse:
    """One of :data:`DOCS_ASSETS` (no other file is served)."""
    if name not in DOCS_ASSETS:
        raise NotFoundError(
            f"Fichier de documentation inconnu : {name!r}.",
            hint=f"Fichiers servis : {', '.join(DOCS_ASSETS)}.",
        )
    return FileResponse(vendor_dir() / "swagger" / name, media_type=DOCS_ASSETS[name])
