"""API errors and the one handler that turns every :class:`MiloError` into a French 4xx answer.

Answer body: ``{"detail": "<what was expected, what came>", "hint": "<how to fix it>"}``.
:data:`STATUS_BY_ERROR` is the one table from error types to HTTP status codes; every other
:class:`MiloError` (a value the engine refuses, an infeasible problem, an unreadable source)
is a 422, because in the API it always comes from the request's content. Request validation
errors (pydantic) are answered in the same shape, with the list of fields in ``errors``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from planner.errors import MiloError, NotFoundError


class SettingsError(ValueError, MiloError):
    """The service configuration (``MILO_*`` variables) is invalid."""


class AuthenticationError(PermissionError, MiloError):
    """No token, or an unknown token (401)."""


class ForbiddenError(PermissionError, MiloError):
    """A valid token whose role or territory does not allow the request (403)."""


class ConflictError(ValueError, MiloError):
    """The request conflicts with the stored state (a plan not finished yet...)."""


STATUS_BY_ERROR: dict[type[MiloError], int] = {
    AuthenticationError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
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
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
}


def _message_fr(err: Any) -> str:
    """A validator's own (French) message, a known type in French, else pydantic's text."""
    kind = err.get("type", "")
    if kind == "value_error" and "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])
    return _FR_TYPES.get(kind, err.get("msg", ""))


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Pydantic validation errors, in the same French shape."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        errors.append({"champ": where, "erreur": _message_fr(err)})
    fields = ", ".join(e["champ"] for e in errors[:5])
    return JSONResponse(
        {
            "detail": f"Requête invalide : {len(errors)} champ(s) refusé(s) ({fields}).",
            "hint": "Corrigez les champs listés dans « errors » (voir le schéma dans /docs).",
            "errors": errors,
        },
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MiloError, milo_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
