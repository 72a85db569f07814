"""Shared answer shapes: errors, health, GeoJSON collections."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Request bodies refuse unknown fields (no free text can slip in)."""

    model_config = ConfigDict(extra="forbid")


class ErrorPublic(BaseModel):
    detail: str = Field(
        description="Ce qui était attendu et ce qui est arrivé.",
        examples=["Territoire 'x' inconnu."],
    )
    hint: str = Field(
        description="Comment corriger.", examples=["Territoires enregistrés : creusot-montceau."]
    )


class HealthPublic(BaseModel):
    status: Literal["ok"] = Field(description="« ok » quand le service et la base répondent.")
    database: str = Field(
        description="Moteur de base de données (sqlite, postgresql).", examples=["sqlite"]
    )
    territories: int = Field(description="Nombre de territoires enregistrés.", examples=[2])


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946), served as ``application/geo+json``."""

    type: Literal["FeatureCollection"] = Field(description="Toujours « FeatureCollection ».")
    features: list[dict[str, Any]] = Field(description="Entités GeoJSON (géométrie + propriétés).")
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Provenance : territoire, méthodes, notes."
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic, "description": "Jeton absent, inconnu, expiré ou révoqué."},
    403: {"model": ErrorPublic, "description": "Rôle ou territoire du jeton insuffisant."},
    404: {"model": ErrorPublic, "description": "Objet inconnu."},
    422: {"model": ErrorPublic, "description": "Requête refusée (valeur invalide)."},
    413: {"model": ErrorPublic, "description": "Corps de requête trop volumineux."},
    429: {"model": ErrorPublic, "description": "Trop d'échecs d'authentification (Retry-After)."},
}
