"""``milo user create|list|disable``: people's accounts of the web application, on the server.

``create`` reads the password from standard input (``--password-stdin``, never an argument:
arguments land in the shell history and the process list) or prints a one-time invitation link
(valid :data:`api.service.users.INVITE_DAYS` days) with which the person chooses a password.
Listings never show a password nor its hash.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.app import console, fail
from api.cli.serve import server_store
from api.service.auth import french_date
from api.service.users import INVITE_DAYS, ROLE_FR, create_user, disable_user, get_user, list_users
from api.service.users import state_fr as user_state
from planner.errors import InvalidProblemError, MiloError

user_app = typer.Typer(help="Comptes des personnes (application web).", no_args_is_help=True)


def read_password(stream=None) -> str:
    """The password on standard input (its first line, without the line break)."""
    text = (stream or sys.stdin).readline().rstrip("\r\n")
    if not text:
        raise InvalidProblemError(
            "Mot de passe attendu sur l'entrée standard (--password-stdin), reçu une ligne vide.",
            hint="Par exemple : printf '%s\\n' \"$MOT_DE_PASSE\" | milo user create ... "
            "--password-stdin ; ou sans --password-stdin pour obtenir un lien d'invitation.",
        )
    return text


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="Adresse e-mail (identifiant de connexion).")],
    role: Annotated[str, typer.Option(help="admin, arml, manager ou conseiller.")],
    territory: Annotated[
        str | None, typer.Option(help="Territoire (manager et conseiller).")
    ] = None,
    name: Annotated[str, typer.Option(help="Nom affiché (par défaut : début de l'adresse).")] = "",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Lire le mot de passe sur l'entrée standard (sinon : lien d'invitation).",
        ),
    ] = False,
) -> None:
    """Crée un compte ; sans --password-stdin, affiche un lien d'invitation à usage unique."""
    try:
        password = read_password() if password_stdin else None
        with server_store() as (settings, db), db.session() as s:
            new = create_user(
                s,
                settings.secret,
                email=email,
                role=role,
                territory_id=territory,
                name=name,
                password=password,
            )
            s.commit()
            where = (
                f"territoire {new.user.territory_id}"
                if new.user.territory_id
                else ("toute la région")
            )
            summary = f"Compte {new.user.email} créé : {ROLE_FR[new.user.role]}, {where}."
    except MiloError as exc:
        fail(exc)
        return
    console.print(summary)
    if new.invitation is not None:
        console.print(
            f"Lien d'invitation (valable {INVITE_DAYS} jours, une seule fois) : transmettez-le "
            "à la personne, il lui permet de choisir son mot de passe."
        )
        typer.echo(f"{settings.public_url.rstrip('/')}/invitation/{new.invitation}")


@user_app.command("list")
def user_list(
    territory: Annotated[
        str | None, typer.Option(help="Seulement les comptes de ce territoire.")
    ] = None,
) -> None:
    """Liste les comptes (adresse, nom, rôle, territoire, état, dernière connexion)."""
    try:
        with server_store() as (settings, db), db.session() as s:
            lines = [
                " · ".join(
                    [
                        u.email,
                        u.name,
                        ROLE_FR[u.role],
                        u.territory_id or "toute la région",
                        user_state(u),
                        f"dernière connexion : {french_date(u.last_login_at)}",
                    ]
                )
                for u in list_users(s, territory_id=territory)
            ]
    except MiloError as exc:
        fail(exc)
        return
    where = f" du territoire {territory}" if territory else ""
    console.print(f"{len(lines)} compte(s){where}.")
    for line in lines:
        typer.echo(line)


@user_app.command("disable")
def user_disable(
    email: Annotated[str, typer.Argument(help="Adresse e-mail du compte.")],
) -> None:
    """Désactive un compte : ses sessions ouvertes cessent aussitôt, il ne peut plus se
    connecter."""
    try:
        with server_store() as (settings, db), db.session() as s:
            user = get_user(s, email)
            changed = disable_user(s, user)
            s.commit()
            address, since = user.email, french_date(user.disabled_at)
    except MiloError as exc:
        fail(exc)
        return
    if not changed:
        typer.echo(f"Compte {address} déjà désactivé le {since} ; rien à faire.")
        return
    typer.echo(f"Compte {address} désactivé : ses sessions ouvertes sont fermées.")
