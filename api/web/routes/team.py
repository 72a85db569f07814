"""``/territoires/{id}/equipe``: the manager invites and disables its territory's conseillers.

There is no mail service offline: an invitation shows its one-time link once, for the manager
to pass on (a message, in person); the link lets the conseiller choose a password.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.service.auth import Role, require_manager
from api.service.db import repo
from api.service.db.models import UserRow
from api.service.deps import StateDep
from api.service.errors import ForbiddenError
from api.service.users import (
    INVITE_DAYS,
    ROLE_FR,
    create_user,
    disable_user,
    list_users,
    new_invitation,
    require_team_manager,
    state_fr,
)
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.pages import render
from planner.errors import InvalidProblemError, NotFoundError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])


def team_page(
    request: Request,
    state,
    viewer: Viewer,
    territory_id: str,
    *,
    status: int = 200,
    invited: tuple[str, str] | None = None,
    error: str = "",
    hint: str = "",
    email: str = "",
    name: str = "",
) -> Response:
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
        users = [(u, state_fr(u)) for u in list_users(s, territory_id=territory_id)]
    return render(
        request,
        "team.html",
        viewer=viewer,
        title="Équipe",
        status_code=status,
        territory=territory,
        users=users,
        roles=ROLE_FR,
        invited=invited,
        error=error,
        hint=hint,
        email=email,
        name=name,
        invite_days=INVITE_DAYS,
    )


def invitation_url(state, token: str) -> str:
    return f"{state.settings.public_url.rstrip('/')}/invitation/{token}"


@router.get("/territoires/{territory_id}/equipe")
def team(request: Request, territory_id: str, state: StateDep, viewer: ViewerDep) -> Response:
    require_manager(viewer.principal, territory_id, action="gérer l'équipe")
    return team_page(request, state, viewer, territory_id)


@router.post("/territoires/{territory_id}/equipe")
def invite(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ActingViewerDep,
    email: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    require_manager(viewer.principal, territory_id, action="inviter un conseiller")
    try:
        with state.db.session() as s:
            new = create_user(
                s,
                state.settings.secret,
                email=email,
                role=Role.CONSEILLER.value,
                territory_id=territory_id,
                name=name,
                by=viewer.principal,
            )
            s.commit()
            invited = (new.user.email, invitation_url(state, new.invitation or ""))
    except InvalidProblemError as exc:
        return team_page(
            request,
            state,
            viewer,
            territory_id,
            status=422,
            error=exc.message,
            hint=exc.hint,
            email=email,
            name=name,
        )
    return team_page(request, state, viewer, territory_id, status=201, invited=invited)


def _member(s, viewer: Viewer, territory_id: str, user_id: int) -> UserRow:
    require_manager(viewer.principal, territory_id, action="gérer l'équipe")
    user = s.get(UserRow, user_id)
    if user is None or user.territory_id != territory_id:
        raise NotFoundError(
            f"Compte {user_id} inconnu dans ce territoire.", hint="Revenez à la liste de l'équipe."
        )
    require_team_manager(viewer.principal, user)
    return user


@router.post("/territoires/{territory_id}/equipe/{user_id}/desactiver")
def disable(
    request: Request, territory_id: str, user_id: int, state: StateDep, viewer: ActingViewerDep
) -> Response:
    with state.db.session() as s:
        user = _member(s, viewer, territory_id, user_id)
        if user.id == viewer.user.id:
            raise ForbiddenError(
                "Vous ne pouvez pas désactiver votre propre compte.",
                hint="Demandez-le à l'administrateur du service.",
            )
        disable_user(s, user, by=viewer.principal)
        s.commit()
    return team_page(request, state, viewer, territory_id)


@router.post("/territoires/{territory_id}/equipe/{user_id}/inviter")
def reinvite(
    request: Request, territory_id: str, user_id: int, state: StateDep, viewer: ActingViewerDep
) -> Response:
    """A new invitation link (a lost link, or a forgotten password: the old one stops)."""
    with state.db.session() as s:
        user = _member(s, viewer, territory_id, user_id)
        if user.disabled_at is not None:
            raise InvalidProblemError(
                f"Le compte {user.email} est désactivé.",
                hint="Invitez la personne sous une nouvelle adresse.",
            )
        token = new_invitation(s, user, state.settings.secret)
        s.commit()
        invited = (user.email, invitation_url(state, token))
    return team_page(request, state, viewer, territory_id, invited=invited)
