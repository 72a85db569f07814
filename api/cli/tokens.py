"""``milo token create|list|revoke``: access tokens, on the server (any role, any territory).

Listings never show a token nor its hash. A revocation is refused at once by new processes and
within :data:`api.service.auth.CACHE_TTL_S` seconds by a running server (its token cache).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from api.cli.app import console, fail
from api.cli.serve import server_store
from api.service.auth import CACHE_TTL_S, DEFAULT_EXPIRES_DAYS, Role, create_token, french_date
from api.service.db import repo
from api.service.tokens import STATE_FR, revoke, token_record
from planner.errors import MiloError

token_app = typer.Typer(help="Jetons d'accès à l'API.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="manager, conseiller ou arml.")],
    territory: Annotated[
        str | None, typer.Option(help="Territoire du jeton (pas pour arml).")
    ] = None,
    label: Annotated[
        str, typer.Option(help="À quoi sert le jeton (qui, quel appareil), pour les listes.")
    ] = "",
    expires_days: Annotated[
        int,
        typer.Option(
            help="Validité en jours ; 0 = jamais (manager et arml seulement ; un jeton "
            "conseiller expire toujours, au plus 365 jours)."
        ),
    ] = DEFAULT_EXPIRES_DAYS,
) -> None:
    """Crée un jeton ; il n'est affiché qu'une fois, seul sur la dernière ligne."""
    try:
        with server_store() as (settings, db):
            token = create_token(
                db,
                settings.secret,
                role=role,
                territory_id=territory,
                label=label,
                expires_days=expires_days,
            )
    except MiloError as exc:
        fail(exc)
        return
    scope = "toute la région" if Role(role) is Role.ARML else f"territoire {territory}"
    until = (
        "n'expire jamais"
        if expires_days == 0
        else f"expire dans {expires_days} jours (--expires-days)"
    )
    console.print(f"Jeton {role} créé pour {scope} ; il {until}.", markup=False)
    console.print("Conservez-le : il ne sera plus affiché.")
    typer.echo(token)


def token_line(record: dict[str, Any]) -> str:
    """One token, on one line (plain text: a label is never read as markup)."""
    label = f"« {record['label']} »" if record["label"] else "(sans libellé)"
    expires = record["expires_at"]
    return " · ".join(
        [
            f"jeton {record['id']}",
            record["role"],
            record["territory_id"] or "toute la région",
            label,
            f"créé le {french_date(record['created_at'])} ({record['created_by']})",
            "n'expire jamais" if expires is None else f"expire le {french_date(expires)}",
            f"dernière utilisation : {french_date(record['last_used_at'])}",
            STATE_FR[record["state"]]
            + (f" le {french_date(record['revoked_at'])}" if record["revoked_at"] else ""),
        ]
    )


@token_app.command("list")
def token_list(
    territory: Annotated[
        str | None, typer.Option(help="Seulement les jetons de ce territoire.")
    ] = None,
) -> None:
    """Liste les jetons (identifiant, rôle, territoire, libellé, dates, état) ; jamais le jeton."""
    try:
        with server_store() as (settings, db):
            now = dt.datetime.now(dt.UTC)
            with db.session() as s:
                if territory is not None:
                    repo.get_territory(s, territory)
                records = [
                    token_record(r, now) for r in repo.list_tokens(s, territory_id=territory)
                ]
    except MiloError as exc:
        fail(exc)
        return
    where = f" du territoire {territory}" if territory else ""
    console.print(f"{len(records)} jeton(s){where}.")
    for record in records:
        typer.echo(token_line(record))


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Identifiant du jeton (milo token list).")],
) -> None:
    """Révoque un jeton : refusé aussitôt (401), et par un serveur en marche d'ici 15 s."""
    try:
        with server_store() as (settings, db), db.session() as s:
            before = repo.get_token(s, token_id).revoked_at
            row = revoke(s, token_id)
            s.commit()
            record = token_record(row)
    except MiloError as exc:
        fail(exc)
        return
    if before is not None:
        typer.echo(f"Jeton {token_id} déjà révoqué le {french_date(before)} ; rien à faire.")
        return
    typer.echo(token_line(record))
    typer.echo(
        f"Jeton {token_id} révoqué : refusé dès maintenant par tout nouveau processus, et d'ici "
        f"{CACHE_TTL_S:.0f} s par un serveur déjà en marche."
    )
