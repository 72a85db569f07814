"""API errors and the one handler that turns every :class:`MiloError` into a French 4xx answer.

Answer body: ``{"detail": "<what was expected, what came>", "hint": "<how to fix it>"}``.
Engine errors keep their own status (404 not found, 422 infeasible or unreadable source); the
other engine errors (``status_code`` 400: a value the engine refuses) become 422 here, because in
the API they always come from the request's content. Request validation errors (pydantic) are
answered in the same shape, with the list of fields in ``errors``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from planner.errors import MiloError


class SettingsError(ValueError, MiloError):
    """The service configuration (``MILO_*`` variables) is invalid."""


class AuthenticationError(PermissionError, MiloError):
    """No token, or an unknown token (401)."""

    status_code = 401


class ForbiddenError(PermissionError, MiloError):
    """A valid token whose role or territory does not allow the request (403)."""

    status_code = 403


class ConflictError(ValueError, MiloError):
    """The request conflicts with the stored state (a plan not finished yet...)."""

    status_code = 409


def status_of(exc: MiloError) -> int:
    """HTTP status of an error (see the module docstring)."""
    return 422 if exc.status_code == 400 else exc.status_code


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
}


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Pydantic validation errors, in the same French shape."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        errors.append(
            {"champ": where, "erreur": _FR_TYPES.get(err.get("type", ""), err.get("msg", ""))}
        )
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
