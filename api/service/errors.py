"""API errors and the one handler that turns every :class:`MiloError` into a French 4xx answer.

Answer body: ``{"detail": "<what was expected, what came>", "hint": "<how to fix it>"}``.
:data:`STATUS_BY_ERROR` is the one table from error types to HTTP status codes; every other
:class:`MiloError` (a value the engine refuses, an infeasible problem, an unreadable source)
is a 422, because in the API it always comes from the request's content. Request validation
errors (pydantic) are answered in the same shape, with the list of fields in ``errors``.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner.errors import MiloError, NotFoundError

logger = logging.getLogger("api.service")


class SettingsError(ValueError, MiloError):
    """The service configuration (``MILO_*`` variables) is invalid."""


class AuthenticationError(PermissionError, MiloError):
    """No token, or an unknown token (401)."""


class ForbiddenError(PermissionError, MiloError):
    """A valid token whose role or territory does not allow the request (403)."""


class ConflictError(ValueError, MiloError):
    """The request conflicts with the stored state (a plan not finished yet...)."""


class TooManyRequestsError(PermissionError, MiloError):
    """Too many failed authentications from one address (429, ``Retry-After`` seconds)."""

    def __init__(self, message: str, *, hint: str = "", retry_after: int = 60) -> None:
        MiloError.__init__(self, message, hint=hint)
        self.retry_after = retry_after


class QuotaError(ValueError, MiloError):
    """Too many plan jobs queued or running for one territory (429)."""


STATUS_BY_ERROR: dict[type[MiloError], int] = {
    AuthenticationError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    TooManyRequestsError: 429,
    QuotaError: 429,
}
DEFAULT_STATUS = 422


def status_of(exc: MiloError) -> int:
    """HTTP status of an error: the first of its classes found in :data:`STATUS_BY_ERROR`."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return DEFAULT_STATUS


def error_body(exc: MiloError) -> dict[str, Any]:
    return {"detail": exc.message, "hint": exc.hint}


async def milo_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The one handler of the engine's typed errors."""
    assert isinstance(exc, MiloError)
    headers = {"WWW-Authenticate": "Bearer"} if status_of(exc) == 401 else None
    if isinstance(exc, TooManyRequestsError):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(error_body(exc), status_code=status_of(exc), headers=headers)


_FR_TYPES = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "champ non autorisé",
    "json_invalid": "JSON illisible",
    "bool_parsing": "valeur illisible : attendu true (oui) ou false (non), ou null pour un "
    "équipement à vérifier",
    "bool_type": "valeur illisible : attendu true (oui) ou false (non), ou null pour un "
    "équipement à vérifier",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "date_parsing": "date illisible : attendu AAAA-MM-JJ",
    "date_from_datetime_parsing": "date illisible : attendu AAAA-MM-JJ",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "enum": "valeur inconnue",
    "uuid_parsing": "identifiant illisible",
}
#: pydantic's bound errors, in French with their limit (``ctx``)
_FR_BOUNDS = {
    "greater_than": "valeur attendue strictement supérieure à {gt}",
    "greater_than_equal": "valeur attendue supérieure ou égale à {ge}",
    "less_than": "valeur attendue strictement inférieure à {lt}",
    "less_than_equal": "valeur attendue inférieure ou égale à {le}",
    "string_too_short": "texte trop court (au moins {min_length} caractère(s))",
    "string_too_long": "texte trop long (au plus {max_length} caractères)",
    "too_short": "liste trop courte (au moins {min_length} élément(s))",
    "too_long": "liste trop longue (au plus {max_length} éléments)",
    "literal_error": "valeur attendue parmi : {expected}",
    "enum": "valeur inconnue, attendue parmi : {expected}",
    "string_pattern_mismatch": "format inattendu (motif {pattern})",
}
#: French text of the HTTP errors the framework raises itself (unknown path, wrong method...)
HTTP_FR = {
    400: ("Requête illisible.", "Envoyez un corps JSON valide (Content-Type: application/json)."),
    401: ("Authentification requise.", "Ajoutez l'en-tête Authorization: Bearer <jeton>."),
    403: ("Accès refusé.", "Ce jeton ne permet pas cette action."),
    404: ("Adresse inconnue.", "Vérifiez l'adresse ; la liste des routes est dans /docs."),
    405: ("Méthode non autorisée pour cette adresse.", "Voir les méthodes permises dans /docs."),
    406: ("Format de réponse non disponible.", "Demandez application/json."),
    413: ("Requête trop volumineuse.", "Réduisez la taille du corps de la requête."),
    415: ("Type de contenu non pris en charge.", "Envoyez du JSON (application/json)."),
    429: ("Trop de requêtes.", "Patientez avant de réessayer."),
}


#: errors whose French message also says what came (:func:`_received`)
_SAY_RECEIVED = {"int_type", "greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _received(value: Any) -> str:
    """What came, by its JSON type (a number is shown, a text is not echoed)."""
    if isinstance(value, bool):
        return f"reçu : le booléen {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"reçu : {value}"
    if isinstance(value, float):
        return f"reçu : le nombre décimal {value!r}"
    if isinstance(value, str):
        return "reçu : un texte (écrivez le nombre sans guillemets)"
    if value is None:
        return "reçu : null"
    return "reçu : une liste" if isinstance(value, list) else "reçu : un objet"


def _fr_ctx(value: Any) -> str:
    """A bound of pydantic's context in French (its lists of choices end with « 'a' or 'b' »)."""
    return str(value).replace("' or '", "' ou '")


def message_fr(err: Any) -> str:
    """A validator's own (French) message, a known type in French, else pydantic's text."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    message = _FR_TYPES.get(kind, "valeur refusée")
    if kind in _FR_BOUNDS:
        with contextlib.suppress(KeyError):
            message = _FR_BOUNDS[kind].format(**{k: _fr_ctx(v) for k, v in ctx.items()})
    if kind in _SAY_RECEIVED and "input" in err:
        message = f"{message} ({_received(err['input'])})"
    return message


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Pydantic validation errors, in the same French shape."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        errors.append({"champ": where, "erreur": message_fr(err)})
    fields = ", ".join(e["champ"] for e in errors[:5])
    return JSONResponse(
        {
            "detail": f"Requête invalide : {len(errors)} champ(s) refusé(s) ({fields}).",
            "hint": "Corrigez les champs listés dans « errors » (voir le schéma dans /docs).",
            "errors": errors,
        },
        status_code=422,
    )


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own HTTP errors (unknown address, wrong method, unreadable body), in
    French (the service itself raises :class:`MiloError`, never ``HTTPException``)."""
    assert isinstance(exc, StarletteHTTPException)
    detail, hint = HTTP_FR.get(exc.status_code, ("Requête refusée.", "Voir /docs."))
    return JSONResponse(
        {"detail": detail, "hint": hint}, status_code=exc.status_code, headers=exc.headers
    )


INTERNAL_FR = (
    "Erreur interne du service : la requête n'a pas abouti et rien n'a été enregistré.",
    "Réessayez dans un instant ; si l'erreur persiste, signalez-la à l'administrateur avec "
    "l'heure de la requête (le détail est dans le journal du service).",
)


async def internal_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Any unexpected exception: a French JSON 500, never the framework's plain text.

    The exception itself goes to the service's log (the server re-raises it after this
    answer); its text never reaches the client.
    """
    logger.error("Erreur interne sur %s %s", request.method, request.url.path, exc_info=exc)
    detail, hint = INTERNAL_FR
    return JSONResponse({"detail": detail, "hint": hint}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, internal_error_handler)
    app.add_exception_handler(MiloError, milo_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
