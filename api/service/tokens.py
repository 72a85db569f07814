"""Token lifecycle shared by ``milo token list|revoke`` and the manager's API: each token's
public record (never the token nor its hash), its state, revocation and who may revoke it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from api.service.auth import Principal, Role, as_utc
from api.service.db import repo
from api.service.db.models import TokenRow
from api.service.errors import ForbiddenError

STATE_FR = {"active": "actif", "expired": "expiré", "revoked": "révoqué"}


def token_state(row: TokenRow, now: dt.datetime) -> str:
    """``revoked``, ``expired`` or ``active`` (revocation wins: it is what a person did)."""
    if row.revoked_at is not None:
        return "revoked"
    expires = as_utc(row.expires_at)
    if expires is not None and expires <= now:
        return "expired"
    return "active"


def creator_fr(created_by: str | None) -> str:
    """Who made a token, in French (``cli``, ``token:12`` or unknown)."""
    if created_by == "cli":
        return "ligne de commande"
    if created_by and created_by.startswith("token:"):
        return f"jeton {created_by.removeprefix('token:')}"
    return "inconnu"


def token_record(row: TokenRow, now: dt.datetime | None = None) -> dict[str, Any]:
    """The public description of a token: everything but the token and its hash."""
    now = now or dt.datetime.now(dt.UTC)
    return {
        "id": row.id,
        "role": row.role,
        "territory_id": row.territory_id,
        "label": row.label,
        "created_at": as_utc(row.created_at),
        "created_by": creator_fr(row.created_by),
        "expires_at": as_utc(row.expires_at),
        "last_used_at": as_utc(row.last_used_at),
        "revoked_at": as_utc(row.revoked_at),
        "state": token_state(row, now),
    }


def revoke(s: Session, token_id: int, *, by: Principal | None = None) -> TokenRow:
    """Revoke a token (idempotent: an already revoked token keeps its first date).

    ``by`` is the manager asking through the API (None: the server's command line, which may
    revoke any token). A manager revokes only the conseiller tokens of its own territory.
    The caller commits and then drops the token from its authenticator's cache.
    """
    if by is not None:
        require_token_manager(by, None)  # the role first: no probing of token ids
    row = repo.get_token(s, token_id)
    if by is not None:
        require_token_manager(by, row)
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        s.flush()
    return row


def require_token_manager(who: Principal, row: TokenRow | None) -> None:
    """A manager manages the conseiller tokens of its own territory, nothing else (``row``
    None: check the role only)."""
    if who.role is not Role.MANAGER:
        raise ForbiddenError(
            f"Le rôle {who.role.value} ne peut pas révoquer de jeton.",
            hint="Demandez à votre responsable (jeton manager du territoire) ou à "
            "l'administrateur du serveur (milo token revoke).",
        )
    if row is None:
        return
    if row.role != Role.CONSEILLER.value or row.territory_id != who.territory_id:
        what = (
            f"un jeton {row.role}"
            if row.role != Role.CONSEILLER.value
            else f"un jeton conseiller du territoire {row.territory_id}"
        )
        raise ForbiddenError(
            f"Un manager ne révoque que les jetons conseiller de son territoire "
            f"({who.territory_id}) ; le jeton {row.id} est {what}.",
            hint="Les jetons manager et arml se révoquent sur le serveur : milo token revoke ID.",
        )
