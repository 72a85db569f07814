"""Activity counts and coverage answers. Counts only: no free-text field exists."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt, model_validator

from api.service.schemas.common import Strict
from planner.taxonomy import Approach

#: Most young people met in one half-day session (see :class:`ActivityCreate`).
MAX_CONTACTS_PER_SESSION = 200
_BOUND = (
    f"Au plus {MAX_CONTACTS_PER_SESSION} par séance (une demi-journée) : le bilan terrain compte "
    "5 133 repérés en 256 séances, environ 20 par séance ; 200, dix fois plus, suppose plus d'un "
    "jeune par minute pendant trois heures. Au-delà, c'est une faute de frappe ou le total de "
    "plusieurs séances (une saisie par visite)."
)
#: A count: a JSON integer only (true, 3.0 and "3" are refused), from 0 to the session bound.
Count = Annotated[StrictInt, Field(ge=0, le=MAX_CONTACTS_PER_SESSION)]


class ActivityCreate(Strict):
    """Counts of one visit (never individuals, no comment field).

    Bounds per half-day session: ``contacts`` <= 200 (:data:`MAX_CONTACTS_PER_SESSION`),
    ``reperes`` <= ``contacts`` and ``mobilises`` <= ``contacts`` (a young person already known
    can be mobilised without being repéré that day). Counts are strict JSON integers.
    """

    contacts: Count = Field(description=f"Jeunes rencontrés. {_BOUND}", examples=[12])
    reperes: Count = Field(
        description="Jeunes repérés (inconnus ou sans contact depuis 12 mois), au plus le "
        "nombre de contacts.",
        examples=[4],
    )
    mobilises: Count = Field(
        description="Jeunes mobilisés (rendez-vous pris), au plus le nombre de contacts.",
        examples=[2],
    )
    approach: Approach | None = Field(
        default=None,
        description="Démarche d'aller-vers de la séance (planner.taxonomy.Approach : "
        f"{', '.join(a.value for a in Approach)}). Absente ou null : la démarche de la visite "
        "dans le plan (vehicule_itinerant pour un arrêt du véhicule, maraude pour une "
        "maraude...).",
        examples=["maraude"],
    )
    partner_met: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Partenaire rencontré pendant la séance (facultatif) : l'identifiant "
        "(id) d'un partenaire du territoire (GET /territories/{id}/partners), jamais un texte "
        "libre ; absent ou null : aucun.",
        examples=["mairie-71306"],
    )

    @model_validator(mode="after")
    def _ordered(self) -> ActivityCreate:
        for name, label in (("reperes", "repéré"), ("mobilises", "mobilisé")):
            value = getattr(self, name)
            if value > self.contacts:
                raise ValueError(
                    f"comptes incohérents : attendu {label}s <= contacts, reçu {value} {label}s "
                    f"pour {self.contacts} contacts ; un jeune {label} a d'abord été rencontré"
                )
        return self


class ActivityPublic(BaseModel):
    id: int = Field(description="Identifiant de la saisie.")
    visit_id: int = Field(description="Visite.")
    plan_id: str = Field(description="Plan.")
    territory_id: str = Field(description="Territoire.")
    date: dt.date = Field(description="Date de la visite.")
    slot: str = Field(description="Créneau (demi-journée) de la visite.")
    van: str = Field(description="Véhicule.")
    stop_id: str = Field(description="Arrêt.")
    stop_name: str = Field(description="Nom de l'arrêt.")
    approach: str = Field(description="Démarche d'aller-vers de la séance.")
    contacts: int = Field(description="Jeunes rencontrés.")
    reperes: int = Field(description="Jeunes repérés.")
    mobilises: int = Field(description="Jeunes mobilisés.")
    partner_met: str | None = Field(
        default=None, description="Partenaire rencontré (identifiant), ou null."
    )
    recorded_at: dt.datetime = Field(description="Dernière saisie ou correction (UTC).")
    revision: int = Field(description="1 à la saisie, +1 à chaque correction.")
    recorded_by: int | None = Field(
        description="Jeton (identifiant) de la dernière saisie, null avant la traçabilité."
    )
    recorded_role: str | None = Field(description="Rôle de ce jeton.")
    official: bool = Field(
        description="Vrai quand la visite est du plan officiel : seules ces saisies comptent "
        "dans la couverture et la comparaison."
    )


class ActivityTotals(BaseModel):
    sessions: int = Field(description="Séances saisies du plan officiel.")
    contacts: int = Field(description="Jeunes rencontrés.")
    reperes: int = Field(description="Jeunes repérés.")
    mobilises: int = Field(description="Jeunes mobilisés.")


class ActivitiesPublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    official_plan_id: str | None = Field(description="Plan officiel, ou null.")
    totals: ActivityTotals = Field(description="Totaux des saisies du plan officiel.")
    data: list[ActivityPublic] = Field(description="Une saisie par visite, par date.")
    count: int = Field(description="Nombre de saisies.")


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
        description="Une ligne par territoire et un total régional ; comptes de 0 à 10 remplacés "
        "par « < 11 », cellules masquées en plus pour qu'aucune ne soit recalculable par « masqué "
        "(secret secondaire) », ratios et km dépendant d'un compte masqué par « secret »."
    )
    count: int = Field(description="Nombre de lignes.")


class WeekLockPublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    week_start: dt.date = Field(description="Lundi de la semaine verrouillée.")
    week_end: dt.date = Field(description="Dimanche de la semaine verrouillée.")
    locked_at: dt.datetime = Field(description="Verrouillée depuis (UTC).")
    locked_by: str = Field(description="Qui l'a verrouillée : user:<id> ou token:<id>.")
    locked_by_fr: str = Field(description="Qui l'a verrouillée, en français (nom et rôle).")


class WeekLocksPublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    data: list[WeekLockPublic] = Field(
        description="Semaines verrouillées, la plus récente d'abord."
    )
    count: int = Field(description="Nombre de semaines verrouillées.")
