"""``/``: each role's home; the conseiller's, the ARML's and the admin's first pages."""

from __future__ import annotations

import datetime as dt

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


@router.get("/terrain")
def field_home(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    """A conseiller's sessions of the published plan, from today, for two weeks."""
    require_role(viewer, Role.CONSEILLER, page="Mes séances")
    territory_id = viewer.principal.territory_id
    assert territory_id is not None  # a conseiller's account has one
    today = dt.date.today()
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
        plan = repo.official_plan(s, territory_id)
        visits = []
        if plan is not None and plan.document is not None:
            visits = [
                v
                for v in plan.document.get("visits", [])
                if today.isoformat() <= v["date"] <= (today + dt.timedelta(days=14)).isoformat()
            ]
    return render(
        request,
        "field.html",
        viewer=viewer,
        title="Mes séances",
        territory=territory.name,
        plan=plan,
        visits=visits,
    )


@router.get("/region")
def region_home(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ARML, Role.ADMIN, page="Région")
    with state.db.session() as s:
        rows = [(t, repo.official_plan(s, t.id)) for t in repo.list_territories(s)]
    return render(request, "region.html", viewer=viewer, title="Région", territories=rows)


@router.get("/admin")
def admin_home(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ADMIN, page="Administration")
    with state.db.session() as s:
        rows = [(t, repo.official_plan(s, t.id)) for t in repo.list_territories(s)]
    return render(request, "region.html", viewer=viewer, title="Territoires", territories=rows)


@router.get("/admin/comptes")
def admin_accounts(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    require_role(viewer, Role.ADMIN, page="Comptes")
    with state.db.session() as s:
        users = [(u, state_fr(u)) for u in list_users(s)]
    return render(
        request, "accounts.html", viewer=viewer, title="Comptes", users=users, roles=ROLE_FR
    )
