"""French HTML error pages for the web application (the JSON API keeps its JSON errors).

A request is answered in HTML when a page dependency marked it (:func:`api.web.deps.mark_web`)
or, for an unknown address, when the browser asks for HTML. An HTMX request gets the error as
a fragment (``role="alert"``) swapped where the answer was expected (``static/app.js``
configures HTMX to swap 4xx answers). A page that needs a session redirects to ``/connexion``
and comes back after login.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.service import errors as api_errors
from api.service.errors import TooManyRequestsError
from api.web.deps import LoginRequired
from api.web.pages import render
from planner.errors import MiloError

TITLES = {
    400: "Requête illisible",
    401: "Connexion requise",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action non permise",
    409: "Conflit",
    413: "Fichier trop volumineux",
    422: "Saisie à corriger",
    429: "Trop de tentatives",
    500: "Erreur du service",
}
PAGE_404 = (
    "Cette adresse ne correspond à aucune page.",
    "Revenez à l'accueil, ou vérifiez l'adresse saisie.",
)


def wants_html(request: Request) -> bool:
    if getattr(request.state, "web", False):
        return True
    return "text/html" in request.headers.get("accept", "")


def wants_json(request: Request) -> bool:
    """A script of a page asks for JSON (the phone's report queue): errors answer JSON too."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    url = "/connexion" if target in ("/", "/connexion") else f"/connexion?suivant={quote(target)}"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, message: str, hint: str) -> Response:
    viewer = getattr(request.state, "viewer", None)
    template = "_error.html" if is_htmx(request) else "error.html"
    return render(
        request,
        template,
        viewer=viewer,
        title=TITLES.get(status, "Erreur"),
        status_code=status,
        status=status,
        message=message,
        hint=hint,
    )


async def milo_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MiloError)
    if not getattr(request.state, "web", False) or wants_json(request):
        return await api_errors.milo_error_handler(request, exc)
    if isinstance(exc, LoginRequired):
        return login_redirect(request)
    response = error_page(request, api_errors.status_of(exc), exc.message, exc.hint)
    if isinstance(exc, TooManyRequestsError):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not wants_html(request):
        return await api_errors.http_error_handler(request, exc)
    if exc.status_code == 404:
        return error_page(request, 404, *PAGE_404)
    detail, hint = api_errors.HTTP_FR.get(exc.status_code, ("Requête refusée.", ""))
    return error_page(request, exc.status_code, detail, hint)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not getattr(request.state, "web", False):
        return await api_errors.validation_error_handler(request, exc)
    fields = ", ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])} ({api_errors.message_fr(e)})"
        for e in exc.errors()[:5]
    )
    detail = f"Formulaire incomplet ou illisible : {fields}."
    hint = "Revenez au formulaire, corrigez ces champs et envoyez-le de nouveau."
    if wants_json(request):  # the phone's report queue shows it beside the report
        return JSONResponse({"detail": detail, "hint": hint}, status_code=422)
    return error_page(request, 422, detail, hint)


async def internal_error(request: Request, exc: Exception) -> Response:
    if not getattr(request.state, "web", False):
        return await api_errors.internal_error_handler(request, exc)
    api_errors.logger.error(
        "Erreur interne sur %s %s", request.method, request.url.path, exc_info=exc
    )
    return error_page(request, 500, *api_errors.INTERNAL_FR)


def install(app: FastAPI) -> None:
    """Replace the API's handlers by ones that answer pages in HTML (and the API in JSON)."""
    app.add_exception_handler(Exception, internal_error)
    app.add_exception_handler(MiloError, milo_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
