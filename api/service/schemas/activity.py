"""Activity counts and coverage answers. Counts only: no free-text field exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, model_validator

from api.service.schemas.common import Strict
from planner.taxonomy import Approach


class ActivityCreate(Strict):
    """Counts of one visit (never individuals, no comment field)."""

    contacts: int = Field(ge=0, le=10_000, description="Jeunes rencontrés.", examples=[12])
    reperes: int = Field(
        ge=0,
        le=10_000,
        description="Jeunes repérés (inconnus ou sans contact depuis 12 mois).",
        examples=[4],
    )
    mobilises: int = Field(
        ge=0, le=10_000, description="Jeunes mobilisés (rendez-vous pris).", examples=[2]
    )
    approach: Approach = Field(
        default=Approach.VEHICULE_ITINERANT, description="Approche d'aller-vers."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ActivityCreate:
        if self.reperes > self.contacts or self.mobilises > self.reperes:
            raise ValueError("comptes incohérents : attendu mobilisés <= repérés <= contacts")
        return self


class ActivityPublic(BaseModel):
    id: int = Field(description="Identifiant de la saisie.")
    visit_id: int = Field(description="Visite.")
    plan_id: str = Field(description="Plan.")
    territory_id: str = Field(description="Territoire.")
    date: dt.date = Field(description="Date de la visite.")
    stop_id: str = Field(description="Arrêt.")
    approach: str = Field(description="Approche.")
    contacts: int = Field(description="Jeunes rencontrés.")
    reperes: int = Field(description="Jeunes repérés.")
    mobilises: int = Field(description="Jeunes mobilisés.")
    recorded_at: dt.datetime = Field(description="Saisie (UTC).")


class CoveragePublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    plan_id: str | None = Field(description="Plan publié utilisé (jamais un brouillon), ou null.")
    indicators: dict[str, Any] = Field(
        description="Vue propre de la Mission Locale (non masquée) : parts de jeunes à moins de "
        "20 / 30 min avec et sans camion, communes / FRR / QPV atteints, séances, repérés, "
        "mobilisés, contacts, km par contact."
    )


class ComparisonPublic(BaseModel):
    suppression: str = Field(description="Règle de secret statistique appliquée.")
    notes: list[str] = Field(description="Remarques (données fictives, méthodes).")
    data: list[dict[str, Any]] = Field(
        description="Une ligne par territoire et un total régional ; comptes < 11 remplacés "
        "par « < 11 », ratios correspondants par « secret »."
    )
    count: int = Field(description="Nombre de lignes.")
