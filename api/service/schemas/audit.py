"""Answers of the audit trail (who changed what, when, before and after)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class AuditActor(BaseModel):
    token_id: int | None = Field(description="Identifiant du jeton de l'auteur (API).")
    user_id: int | None = Field(
        default=None, description="Compte de l'auteur (application web), sinon null."
    )
    role: str = Field(description="Rôle de l'auteur (manager, conseiller...).")


class AuditEntryPublic(BaseModel):
    id: int = Field(description="Identifiant de l'entrée.")
    at: dt.datetime = Field(description="Instant du changement (UTC).")
    actor: AuditActor = Field(description="Qui a fait le changement.")
    territory_id: str | None = Field(description="Territoire concerné.")
    action: str = Field(
        description="Action : activity.create, activity.correct, activity.delete...",
        examples=["activity.correct"],
    )
    target: str = Field(
        description="Objet changé (son adresse dans l'API).",
        examples=["plans/0f3c9a4b/visits/12/activity"],
    )
    before: dict[str, Any] | None = Field(description="Valeurs avant (null pour une création).")
    after: dict[str, Any] | None = Field(description="Valeurs après (null pour une suppression).")


class AuditPublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    data: list[AuditEntryPublic] = Field(description="Entrées, la dernière écrite d'abord.")
    count: int = Field(description="Nombre d'entrées de cette page.")
    total: int = Field(description="Nombre d'entrées en tout.")
