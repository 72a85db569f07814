"""Logging in and out, invitations, one's own password."""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.service import audit
from api.service.db.models import UserRow
from api.service.deps import AppState, StateDep
from api.service.errors import AuthenticationError, TooManyRequestsError
from api.service.limits import describe_client
from api.service.users import (
    PASSWORDS,
    authenticate,
    invited_user,
    principal_of,
    set_password,
)
from api.service.web_sessions import close_session, open_session
from api.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ActingViewerDep,
    OptionalViewerDep,
    ViewerDep,
    WebMark,
    check_login_csrf,
)
from api.web.pages import render
from api.web.routes.agenda import account_response
from planner.errors import InvalidProblemError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def set_cookie(
    response: Response,
    state: AppState,
    name: str,
    value: str,
    *,
    samesite: Literal["lax", "strict"],
) -> None:
    """One of the application's cookies: HttpOnly, for the whole site, ``Secure`` in
    production (``MILO_COOKIE_SECURE``)."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite=samesite,
        secure=state.settings.secure_cookies,
        path="/",
    )


def start_session(response: Response, state: AppState, token: str) -> None:
    set_cookie(response, state, SESSION_COOKIE, token, samesite="lax")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")


def anonymous_form(
    request: Request,
    state: AppState,
    template: str,
    *,
    title: str,
    status: int = 200,
    **context: Any,
) -> Response:
    """A form shown before any session, with a fresh double-submit CSRF token."""
    token = secrets.token_urlsafe(24)
    response = render(
        request, template, viewer=None, title=title, status_code=status, csrf=token, **context
    )
    set_cookie(response, state, LOGIN_CSRF_COOKIE, token, samesite="strict")
    return response


def login_form(
    request: Request,
    state: AppState,
    *,
    status: int = 200,
    error: str = "",
    hint: str = "",
    email: str = "",
    suivant: str = "/",
) -> Response:
    return anonymous_form(
        request,
        state,
        "login.html",
        title="Connexion",
        status=status,
        error=error,
        hint=hint,
        email=email,
        suivant=safe_next(suivant),
    )


@router.get("/connexion")
def login_page(
    request: Request, state: StateDep, viewer: OptionalViewerDep, suivant: str = "/"
) -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(suivant), status_code=303)
    return login_form(request, state, suivant=suivant)


def _login(state: AppState, email: str, password: str, client: str) -> str:
    with state.db.session() as s:
        try:
            user = authenticate(s, email, password, client=client)
        except (AuthenticationError, TooManyRequestsError):
            s.commit()
            raise
        token = open_session(s, user, state.settings.secret)
        audit.record(s, principal_of(user), "user.login", f"users/{user.id}", None, None)
        s.commit()
        return token


@router.post("/connexion", dependencies=[Depends(check_login_csrf)])
async def login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=300)] = "",
    suivant: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        token = await run_in_threadpool(
            _login, state, email, password, describe_client(request.client)
        )
    except TooManyRequestsError as exc:
        response = login_form(
            request,
            state,
            status=429,
            error=exc.message,
            hint=exc.hint,
            email=email,
            suivant=suivant,
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationError as exc:
        return login_form(
            request,
            state,
            status=401,
            error=exc.message,
            hint=exc.hint,
            email=email,
            suivant=suivant,
        )
    response = RedirectResponse(safe_next(suivant), status_code=303)
    start_session(response, state, token)
    return response


@router.post("/deconnexion")
def logout(state: StateDep, viewer: ActingViewerDep) -> Response:
    with state.db.session() as s:
        close_session(s, viewer.session_id)
        s.commit()
    response = RedirectResponse("/connexion", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def invitation_form(
    request: Request,
    state: AppState,
    token: str,
    *,
    status: int = 200,
    error: str = "",
    hint: str = "",
) -> Response:
    with state.db.session() as s:
        user = invited_user(s, token, state.settings.secret)
        name, email = user.name, user.email
    return anonymous_form(
        request,
        state,
        "invitation.html",
        title="Choisir son mot de passe",
        status=status,
        token=token,
        name=name,
        email=email,
        error=error,
        hint=hint,
    )


@router.get("/invitation/{token}")
def invitation_page(request: Request, token: str, state: StateDep) -> Response:
    return invitation_form(request, state, token)


def _accept(state: AppState, token: str, password: str) -> str:
    with state.db.session() as s:
        user = invited_user(s, token, state.settings.secret)
        set_password(s, user, password)
        audit.record(s, principal_of(user), "user.activate", f"users/{user.id}", None, None)
        session = open_session(s, user, state.settings.secret)
        s.commit()
        return session


@router.post("/invitation/{token}", dependencies=[Depends(check_login_csrf)])
def accept_invitation(
    request: Request,
    token: str,
    state: StateDep,
    password: Annotated[str, Form(max_length=300)] = "",
    confirmation: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    if password != confirmation:
        return invitation_form(
            request,
            state,
            token,
            status=422,
            error="Les deux mots de passe saisis diffèrent.",
            hint="Saisissez le même mot de passe dans les deux champs.",
        )
    try:
        session = _accept(state, token, password)
    except InvalidProblemError as exc:
        return invitation_form(request, state, token, status=422, error=exc.message, hint=exc.hint)
    response = RedirectResponse("/", status_code=303)
    start_session(response, state, session)
    return response


@router.get("/compte")
def account_page(
    request: Request, state: StateDep, viewer: ViewerDep, modifie: int = 0, agenda: str = ""
) -> Response:
    notice = "Agenda révoqué : son adresse ne fonctionne plus." if agenda == "revoque" else ""
    return account_response(request, state, viewer, done=bool(modifie), notice=notice)


@router.post("/compte")
def change_password(
    request: Request,
    state: StateDep,
    viewer: ActingViewerDep,
    current: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=300)] = "",
    confirmation: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    def again(error: str, hint: str) -> Response:
        return account_response(request, state, viewer, error=error, hint=hint, status=422)

    if password != confirmation:
        return again(
            "Les deux nouveaux mots de passe saisis diffèrent.",
            "Saisissez le même nouveau mot de passe dans les deux champs.",
        )
    with state.db.session() as s:
        user = s.get(UserRow, viewer.user.id)
        assert user is not None and user.password_hash
        if not PASSWORDS.verify(current, user.password_hash):
            return again(
                "Mot de passe actuel incorrect.",
                "Saisissez votre mot de passe actuel, puis le nouveau.",
            )
        try:
            set_password(s, user, password)  # ends every session, this one too
        except InvalidProblemError as exc:
            return again(exc.message, exc.hint)
        audit.record(s, viewer.principal, "user.password", f"users/{user.id}", None, None)
        session = open_session(s, user, state.settings.secret)
        s.commit()
    response = RedirectResponse("/compte?modifie=1", status_code=303)
    start_session(response, state, session)
    return response
