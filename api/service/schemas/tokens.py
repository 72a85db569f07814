"""Tokens a manager creates, lists and revokes for its territory's conseillers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.service.auth import DEFAULT_EXPIRES_DAYS, LABEL_MAX, MAX_CONSEILLER_DAYS
from api.service.schemas.common import Strict


class TokenCreate(Strict):
    """A new conseiller token of the manager's territory."""

    label: str = Field(
        min_length=1,
        max_length=LABEL_MAX,
        description="À quoi sert le jeton (qui, quel appareil) : affiché dans les listes.",
        examples=["Téléphone de Julie (Milo Mobile 1)"],
    )
    expires_days: int = Field(
        default=DEFAULT_EXPIRES_DAYS,
        ge=1,
        le=MAX_CONSEILLER_DAYS,
        description="Validité en jours (un jeton conseiller expire toujours).",
    )


class TokenPublic(BaseModel):
    """A token's description: never the token itself nor its hash."""

    id: int = Field(description="Identifiant du jeton (pour le révoquer).")
    role: str = Field(description="manager, conseiller ou arml.")
    territory_id: str | None = Field(description="Territoire du jeton (aucun pour arml).")
    label: str = Field(description="Libellé donné à la création.")
    created_at: dt.datetime = Field(description="Création (UTC).")
    created_by: str = Field(
        description="Créé par : « ligne de commande », « jeton N » (un manager) ou « inconnu »."
    )
    expires_at: dt.datetime | None = Field(description="Expiration (UTC) ; null : jamais.")
    last_used_at: dt.datetime | None = Field(
        description="Dernière utilisation (UTC, à la minute près) ; null : jamais utilisé."
    )
    revoked_at: dt.datetime | None = Field(description="Révocation (UTC) ; null : non révoqué.")
    state: Literal["active", "expired", "revoked"] = Field(description="État du jeton.")


class TokenCreated(TokenPublic):
    token: str = Field(
        description="Le jeton, affiché cette seule fois : transmettez-le au conseiller."
    )


class TokensPublic(BaseModel):
    data: list[TokenPublic] = Field(description="Jetons conseiller du territoire, par identifiant.")
    count: int = Field(description="Nombre de jetons listés.")
