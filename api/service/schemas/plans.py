"""Plans: creation, re-planning, the stored plan document, the next stop.

The visit and van-day models are built from the plan schema (:mod:`planner.itinerary.plan_schema`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model, field_validator

from api.service.schemas.common import ErrorPublic, Strict
from api.service.schemas.rules import RulesCreate, VanCapsCreate
from planner.itinerary.calendar import MAX_WEEKS
from planner.itinerary.plan_schema import (
    CHANGE,
    COMMUNE,
    STOP,
    UNPLANNED,
    VAN_DAY,
    VISIT,
    Record,
)
from planner.itinerary.solver import DEFAULT_SOLVER, SOLVERS

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
PlanStatus = Literal["queued", "running", "done", "failed", "cancelled"]
PlanStage = Literal["draft", "published", "archived"]


def check_date(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(
            f"date {value.isoformat()} hors de la plage prise en charge "
            f"({EARLIEST.isoformat()} - {LATEST.isoformat()})"
        )
    return value


class PlanCreate(Strict):
    """What to plan: from ``start``, ``weeks`` weeks; solver options."""

    start: dt.date = Field(
        description="Premier jour de l'horizon (de préférence un lundi).", examples=["2026-01-05"]
    )
    weeks: int = Field(
        default=1, ge=1, le=MAX_WEEKS, description="Nombre de semaines.", examples=[1]
    )
    solver: Literal[SOLVERS] = Field(  # type: ignore[valid-type]
        default=DEFAULT_SOLVER,
        description="Moteur : local (défaut), pyvrp, ortools, greedy (référence simple).",
    )
    time_limit: float | None = Field(
        default=None,
        gt=0,
        le=3600,
        description="Limite de calcul en secondes (défaut et plafond fixés par le service).",
        examples=[5],
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Graine : même graine, même plan.")
    require_host: bool = Field(
        default=False, description="N'accepter que des arrêts accueillis par un partenaire ouvert."
    )
    rules: RulesCreate | None = Field(
        default=None,
        description="Règles du responsable pour ce plan (mêmes clés que [planning] de la "
        "spécification ; chaque clé donnée remplace celle du territoire).",
    )
    vans: dict[str, VanCapsCreate] | None = Field(
        default=None,
        max_length=50,
        description="Plafonds par véhicule pour ce plan (max_drive_minutes, sessions_per_week).",
        examples=[{"milo-mobile-1": {"sessions_per_week": 6}}],
    )

    _start = field_validator("start")(check_date)

    def overrides(self) -> dict[str, Any] | None:
        """The rule overrides in the engine's format (None when the request gives none)."""
        out: dict[str, Any] = {}
        if self.rules is not None and self.rules.table():
            out["rules"] = self.rules.table()
        if self.vans:
            out["vans"] = {k: v.model_dump(exclude_unset=True) for k, v in self.vans.items()}
        return out or None


#: why a manager cancels a visit: a closed list, so that no free text (which could name a
#: person) is stored with a plan; code -> French label
CANCEL_REASONS = {
    "partenaire_indisponible": "partenaire indisponible",
    "meteo": "météo",
    "vehicule_en_panne": "véhicule en panne",
    "equipe_indisponible": "équipe indisponible",
    "autre": "autre",
}
CancelReason = Literal[tuple(CANCEL_REASONS)]  # type: ignore[valid-type]
_SLOT = "Créneau (nom d'un créneau du territoire : matin, apres-midi)."


class ChangeCreate(Strict):
    """One change: cancel a stop, close dates (all vans or one), a van out of service, or move
    one visit to another slot."""

    kind: Literal["cancel_stop", "close_date", "van_down", "move_visit"] = Field(
        description="cancel_stop (arrêt annulé), close_date (dates fermées), van_down (véhicule "
        "indisponible), move_visit (une visite déplacée par le responsable).",
        examples=["close_date"],
    )
    stop_id: str | None = Field(
        default=None,
        max_length=100,
        description="Arrêt annulé (cancel_stop) ou dont la visite est déplacée (move_visit).",
        examples=["71153"],
    )
    van: str | None = Field(
        default=None,
        max_length=100,
        description="Véhicule concerné (close_date d'un seul véhicule, van_down ; move_visit : "
        "le véhicule de la visite, quand deux véhicules visitent l'arrêt ce jour-là).",
    )
    dates: list[dt.date] = Field(
        default_factory=list,
        max_length=62,
        description="Dates concernées : cancel_stop, les visites de ces dates seulement (sans "
        "date : toutes les visites de l'arrêt) ; close_date, au moins une ; van_down, ces "
        "jours (sans date : tout l'horizon) ; move_visit, la date de la visite à déplacer "
        "(une seule).",
        examples=[["2026-01-06"]],
    )
    reason: CancelReason | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Motif, dans une liste fermée (aucun texte libre) : "
        + ", ".join(f"{k} ({v})" for k, v in CANCEL_REASONS.items())
        + ". Gardé avec le plan et dans le journal.",
        examples=["meteo"],
    )
    to_date: dt.date | None = Field(
        default=None, description="move_visit : nouvelle date.", examples=["2026-01-08"]
    )
    to_slot: str | None = Field(
        default=None, max_length=40, description=f"move_visit : nouveau créneau. {_SLOT}"
    )
    to_van: str | None = Field(
        default=None,
        max_length=100,
        description="move_visit : nouveau véhicule (défaut : celui de la visite).",
    )

    @field_validator("dates")
    @classmethod
    def _dates(cls, values: list[dt.date]) -> list[dt.date]:
        return [check_date(v) for v in values]

    @field_validator("to_date")
    @classmethod
    def _to_date(cls, value: dt.date | None) -> dt.date | None:
        return None if value is None else check_date(value)


class VisitKeyCreate(Strict):
    """A visit of the plan: its date, van and stop (a stop is visited once a van-day)."""

    date: dt.date = Field(description="Date de la visite.", examples=["2026-01-06"])
    van: str = Field(max_length=100, description="Véhicule ou équipe de la visite.")
    stop_id: str = Field(max_length=100, description="Arrêt.", examples=["71153"])

    _date = field_validator("date")(check_date)

    def key(self) -> tuple[dt.date, str, str]:
        return (self.date, self.van, self.stop_id)


class LocksUpdate(Strict):
    """The plan's locked visits (the whole list: a visit left out is unlocked)."""

    locked: list[VisitKeyCreate] = Field(
        max_length=500,
        description="Visites verrouillées : une re-planification (minimale ou complète) les "
        "garde telles quelles et refuse de les annuler ou de les déplacer.",
    )


class LocksPublic(BaseModel):
    plan_id: str = Field(description="Plan.")
    locked: list[dict[str, str]] = Field(
        description="Visites verrouillées du plan (date, van, stop_id, slot, stop_name)."
    )
    count: int = Field(description="Nombre de visites verrouillées.")


class MoveCheckCreate(Strict):
    """A move to check at once (nothing is saved): the visit, and where it would go."""

    stop_id: str = Field(max_length=100, description="Arrêt de la visite.", examples=["71153"])
    date: dt.date = Field(description="Date de la visite.", examples=["2026-01-06"])
    van: str | None = Field(
        default=None,
        max_length=100,
        description="Véhicule de la visite (quand deux véhicules visitent l'arrêt ce jour-là).",
    )
    to_date: dt.date = Field(description="Nouvelle date.", examples=["2026-01-08"])
    to_slot: str = Field(max_length=40, description=f"Nouveau créneau. {_SLOT}")
    to_van: str | None = Field(
        default=None, max_length=100, description="Nouveau véhicule (défaut : le même)."
    )

    _dates = field_validator("date", "to_date")(check_date)

    def change(self) -> dict[str, Any]:
        """The ``move_visit`` change of POST /plans/{id}/replan."""
        return {
            "kind": "move_visit",
            "stop_id": self.stop_id,
            "van": self.van,
            "dates": [self.date.isoformat()],
            "to_date": self.to_date.isoformat(),
            "to_slot": self.to_slot,
            "to_van": self.to_van,
        }


class MoveVerdictPublic(BaseModel):
    ok: bool = Field(description="Le déplacement tient : toutes les règles sont respectées.")
    reason: str | None = Field(
        default=None,
        description="Sinon : la raison précise, en français (partenaire fermé, créneau pris, "
        "journée trop longue...).",
    )
    hint: str | None = Field(
        default=None, description="Sinon : les places libres qui conviennent à la visite."
    )


class ReplanCreate(Strict):
    """The changes, and how much of the plan may move."""

    changes: list[ChangeCreate] = Field(
        min_length=1, max_length=20, description="Changements à appliquer au plan."
    )
    mode: Literal["minimal", "full"] = Field(
        default="minimal",
        description="minimal (défaut) : les visites non touchées gardent date, créneau, "
        "véhicule et horaires ; full : tout l'horizon est recalculé.",
    )
    fill_freed: bool = Field(
        default=False,
        description="Mode minimal : proposer les places libérées aux arrêts non planifiés "
        "(défaut : non, rien n'apparaît que le responsable n'a pas demandé).",
    )
    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Version du plan dont part la re-planification (concurrence optimiste ; "
        "aussi possible par l'en-tête If-Match) : refusée (409) si ce n'est plus la version "
        "du plan re-planifié.",
        examples=[3],
    )
    locked: list[VisitKeyCreate] = Field(
        default_factory=list,
        max_length=500,
        description="Visites à verrouiller en plus de celles que le plan verrouille déjà (PUT "
        "/plans/{id}/locks) : la re-planification les garde telles quelles, en mode complet "
        "aussi, et le nouveau brouillon les garde verrouillées.",
    )


def record_model(name: str, record: Record, **extra: Any) -> type[BaseModel]:
    """The answer model of a plan record: ``extra`` fields first, then the schema's fields."""
    fields: dict[str, Any] = {
        **extra,
        **{f.name: (f.kind, Field(description=f.description)) for f in record.fields},
    }
    return create_model(name, **fields)


VisitPublic = record_model(
    "VisitPublic",
    VISIT,
    id=(int, Field(description="Identifiant de la visite (saisie d'activité).")),
)
VanDayPublic = record_model("VanDayPublic", VAN_DAY)
ChangePublic = record_model("ChangePublic", CHANGE)
StopReasonPublic = record_model("StopReasonPublic", STOP)
CommuneReachPublic = record_model("CommuneReachPublic", COMMUNE)
UnplannedPublic = record_model("UnplannedPublic", UNPLANNED)
_STOPS = "Arrêts planifiés : visites, fréquence, jour et créneau, jeunes à portée, pourquoi."
_COMMUNES = (
    "Chaque commune : atteinte ou non, par quel arrêt ou point fixe, en combien de minutes, "
    "régulièrement ou non ; sinon pourquoi."
)
_UNPLANNED = "Non planifiés et pourquoi : chaque arrêt candidat sans visite, avec sa raison."


class ExplanationsPublic(BaseModel):
    """Why the plan is what it is (empty tables for a plan computed before them)."""

    stops: list[StopReasonPublic] = Field(description=_STOPS)  # type: ignore[valid-type]
    communes: list[CommuneReachPublic] = Field(description=_COMMUNES)  # type: ignore[valid-type]
    unplanned: list[UnplannedPublic] = Field(description=_UNPLANNED)  # type: ignore[valid-type]


class PlanDocument(BaseModel):
    """The ``plan.json`` document (visits carry their stored ids)."""

    territory: str = Field(description="Territoire.")
    travel_time_method: str = Field(
        description="Temps de trajet : estimate (estimation déclarée) ou osm (réseau routier)."
    )
    start: dt.date = Field(description="Premier jour.")
    weeks: int = Field(description="Semaines.")
    visits: list[VisitPublic] = Field(description="Visites planifiées.")  # type: ignore[valid-type]
    days: list[VanDayPublic] = Field(description="Journées de véhicule.")  # type: ignore[valid-type]
    dropped: list[dict[str, Any]] = Field(description="Arrêts écartés, avec la raison.")
    skipped: list[dict[str, Any]] = Field(
        default_factory=list, description="Répétitions sautées (fériés...), avec la raison."
    )
    changes: list[ChangePublic] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Re-plan : ce qui a changé par rapport au plan d'origine (visite annulée, "
        "supprimée, déplacée, ajoutée, arrivée modifiée) ; vide pour un plan calculé.",
    )
    stops: list[StopReasonPublic] = Field(  # type: ignore[valid-type]
        default_factory=list, description=_STOPS
    )
    communes: list[CommuneReachPublic] = Field(  # type: ignore[valid-type]
        default_factory=list, description=_COMMUNES
    )
    unplanned: list[UnplannedPublic] = Field(  # type: ignore[valid-type]
        default_factory=list, description=_UNPLANNED
    )
    kpis: dict[str, Any] = Field(description="Indicateurs du plan.")
    solver: dict[str, Any] = Field(description="Moteur, graine, temps, objectif, borne, écart.")
    notes: list[str] = Field(default_factory=list, description="Remarques.")


class PrincipalPublic(BaseModel):
    """Who acted: the access token (API) or the account (web application), and its role."""

    token_id: int | None = Field(description="Identifiant du jeton (API), sinon null.")
    user_id: int | None = Field(default=None, description="Compte (application web), sinon null.")
    role: str = Field(description="Rôle de l'auteur.", examples=["manager"])


class PlanSummary(BaseModel):
    id: str = Field(description="Identifiant du plan.", examples=["9f1c2e..."])
    territory_id: str = Field(description="Territoire.")
    status: PlanStatus = Field(
        description="queued, running, done, failed ou cancelled (POST /plans/{id}/cancel)."
    )
    attempts: int = Field(
        description="Calculs commencés (un calcul interrompu par un redémarrage est relancé, "
        "3 fois au plus)."
    )
    start: dt.date = Field(description="Premier jour.")
    weeks: int = Field(description="Semaines.")
    options: dict[str, Any] = Field(description="Options du calcul (solveur, limite, graine).")
    parent_id: str | None = Field(description="Plan d'origine d'un re-plan.")
    changes: list[dict[str, Any]] | None = Field(description="Changements d'un re-plan.")
    created_at: dt.datetime = Field(description="Création (UTC).")
    finished_at: dt.datetime | None = Field(description="Fin du calcul (UTC).")
    error: ErrorPublic | None = Field(
        description="Erreur du calcul (status failed) ou raison de l'annulation (cancelled)."
    )
    stage: PlanStage = Field(
        description="Étape du plan : draft (brouillon du responsable), published (le plan en "
        "vigueur du territoire) ou archived (ancien plan, lecture seule)."
    )
    version: int = Field(description="Version du plan dans son territoire (1, 2, ...).")
    base_version: int | None = Field(
        description="Version dont part un re-plan (null pour un nouveau plan)."
    )
    created_by: PrincipalPublic | None = Field(description="Qui a demandé le plan.")
    published_by: PrincipalPublic | None = Field(description="Qui l'a publié.")
    published_at: dt.datetime | None = Field(description="Publication (UTC).")
    archived_at: dt.datetime | None = Field(description="Archivage (UTC).")


class PlanPublic(PlanSummary):
    plan: PlanDocument | None = Field(description="Le plan, une fois le calcul terminé.")


class PublishPublic(BaseModel):
    plan: PlanSummary = Field(description="Le plan publié.")
    archived: PlanSummary | None = Field(
        description="Le plan publié jusque-là, désormais archivé (null s'il n'y en avait pas)."
    )


class PlansPublic(BaseModel):
    data: list[PlanSummary] = Field(
        description="Plans du territoire, de la version la plus récente à la plus ancienne "
        "(étape, version, version de départ, qui et quand ; un conseiller ne voit pas les "
        "brouillons)."
    )
    count: int = Field(description="Nombre de plans.")


class HostPublic(BaseModel):
    name: str = Field(description="Partenaire qui accueille.")
    partner_id: str | None = Field(description="Identifiant du partenaire (s'il est connu).")
    type: str | None = Field(description="Type de partenaire.")
    opening_hours: str = Field(description="Horaires en clair.")
    open_during_visit: bool | None = Field(description="Ouvert pendant toute la séance.")


class NextStopPublic(BaseModel):
    plan_id: str = Field(description="Plan.")
    van: str = Field(description="Véhicule ou équipe.")
    at: dt.datetime = Field(description="Instant de la question (Europe/Paris).")
    status: Literal["en_cours", "a_venir"] = Field(description="Séance en cours ou à venir.")
    visit_id: int = Field(description="Visite (pour saisir l'activité).")
    date: dt.date = Field(description="Date de la séance.")
    weekday: str = Field(description="Jour de la semaine.", examples=["mardi"])
    slot: str = Field(description="Créneau.")
    arrival: dt.datetime = Field(description="Arrivée prévue (Europe/Paris).")
    start: dt.datetime = Field(description="Début de séance (Europe/Paris).")
    end: dt.datetime = Field(description="Fin de séance (Europe/Paris).")
    days_ahead: int = Field(description="Jours d'ici la séance (0 : aujourd'hui).")
    session: dict[str, str] = Field(
        description="Ce qu'est la séance : kind (commune, partenaire, maraude, evenement), "
        "approach (démarche), resource (vehicule ou equipe) et leurs libellés en français "
        "(kind_label, approach_label, resource_label : « Équipe equipe-1 », « Véhicule X »)."
    )
    place: dict[str, Any] = Field(
        description="Lieu : arrêt, nom, commune, lon, lat, horaires, et to_check (équipements "
        "à vérifier sur place, « stationnement à vérifier » ; vide si rien)."
    )
    host: HostPublic | None = Field(description="Partenaire qui accueille, ou null.")
    links: dict[str, str] = Field(
        description="Liens pour ouvrir le lieu dans une application "
        "de cartographie (geo, osm, google, apple, waze)."
    )
