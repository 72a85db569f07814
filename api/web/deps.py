"""Dependencies of the pages: the logged-in viewer, CSRF, and what the viewer may open.

- :data:`ViewerDep`: the person behind the request; without a valid session a page answers
  a redirect to ``/connexion`` (an HTMX request, ``HX-Redirect``), see :mod:`api.web.errors`.
- :func:`check_csrf`: every POST of the application carries the session's CSRF token, in the
  form field ``csrf`` or the ``X-CSRF-Token`` header (HTMX sends it, ``static/app.js``); without
  it the request is refused (403) before anything changes. The login form, before any session,
  uses a double-submit cookie (:data:`LOGIN_CSRF_COOKIE`).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from api.service.deps import StateDep
from api.service.errors import AuthenticationError, ForbiddenError
from api.service.web_sessions import Viewer, read_session

SESSION_COOKIE = "milo_session"
LOGIN_CSRF_COOKIE = "milo_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(AuthenticationError):
    """No valid session: the page redirects to the login page."""


class CsrfError(ForbiddenError):
    """A state-changing request without the session's CSRF token (403)."""


def mark_web(request: Request) -> None:
    """Errors of this request are answered as French HTML pages (:mod:`api.web.errors`)."""
    request.state.web = True


WebMark = Depends(mark_web)


def _read(state, cookie: str | None) -> Viewer | None:
    with state.db.session() as s:
        viewer = read_session(s, cookie, state.settings.secret)
        if viewer is not None:
            s.expunge(viewer.user)
        return viewer


async def optional_viewer(request: Request, state: StateDep) -> Viewer | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return await run_in_threadpool(_read, state, cookie)


async def get_viewer(
    request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]
) -> Viewer:
    mark_web(request)
    request.state.viewer = viewer
    if viewer is None:
        raise LoginRequired("Connexion requise.", hint="Connectez-vous avec votre adresse e-mail.")
    return viewer


OptionalViewerDep = Annotated[Viewer | None, Depends(optional_viewer)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]


async def sent_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def csrf_refused() -> CsrfError:
    return CsrfError(
        "Requête refusée : le jeton de sécurité du formulaire (CSRF) manque ou ne correspond "
        "pas à votre session.",
        hint="Rechargez la page puis recommencez (la page a peut-être expiré, ou vous vous "
        "êtes reconnecté dans un autre onglet).",
    )


async def check_csrf(request: Request, viewer: ViewerDep) -> Viewer:
    """The viewer of a state-changing request whose CSRF token matches its session."""
    if not viewer.csrf_ok(await sent_csrf(request)):
        await request.close()  # the uploaded files of a refused form, if any
        raise csrf_refused()
    return viewer


async def check_login_csrf(request: Request) -> None:
    """The login form's double-submit token: the cookie and the field must match."""
    mark_web(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = await sent_csrf(request) or ""
    if not cookie or not hmac.compare_digest(cookie, sent):
        raise csrf_refused()


ActingViewerDep = Annotated[Viewer, Depends(check_csrf)]
