"""``/``: each role's home; the conseiller's, the ARML's and the admin's first pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.service.auth import Role
from api.service.db import repo
from api.service.deps import StateDep
from api.service.errors import ForbiddenError
from api.service.users import ROLE_FR, list_users, state_fr
from api.service.web_sessions import Viewer
from api.web.deps import OptionalViewerDep, ViewerDep, WebMark
from api.web.pages import render

router = APIRouter(include_in_schema=False, dependencies=[WebMark])


def home_of(viewer: Viewer) -> str:
    who = viewer.principal
    if who.role is Role.MANAGER:
        return f"/territoires/{who.territory_id}"
    if who.role is Role.CONSEILLER:
        return "/terrain"
    if who.role is Role.ARML:
        return "/region"
    return "/admin"


def require_role(viewer: Viewer, *roles: Role, page: str) -> None:
    if viewer.principal.role not in roles:
        raise ForbiddenError(
            f"Cette page ({page}) est réservée au rôle "
            f"{' ou '.join(ROLE_FR[r] for r in roles)} ; votre compte est "
            f"{ROLE_FR[viewer.principal.role]}.",
            hint="Revenez à votre page d'accueil ; demandez l'accès à votre responsable si besoin.",
        )


@router.get("/")
def home(viewer: OptionalViewerDep) -> Response:
    if viewer is None:
        return RedirectResponse("/connexion", status_code=303)
    return RedirectResponse(home_of(viewer), status_code=303)


def territories_page(request: Request, state, viewer: Viewer, title: str) -> Response:
    """The territories and their published plans (the ARML's and the admin's first page)."""
    with state.db.session() as s:
        rows = [(t, repo.official_plan(s, t.id)) for t in repo.list_territories(s)]
    return render(request, "region.html", viewer=viewer, title=title, territories=rows)


@router.get("/region")
def region_home(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ARML, Role.ADMIN, page="Région")
    return territories_page(request, state, viewer, "Région")


@router.get("/admin")
def admin_home(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ADMIN, page="Administration")
    return territories_page(request, state, viewer, "Territoires")


@router.get("/admin/comptes")
def admin_accounts(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ADMIN, page="Comptes")
    with state.db.session() as s:
        users = [(u, state_fr(u)) for u in list_users(s)]
    return render(
        request, "accounts.html", viewer=viewer, title="Comptes", users=users, roles=ROLE_FR
    )
