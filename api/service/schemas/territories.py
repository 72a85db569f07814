"""Territories and partners."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.service.schemas.common import Strict
from planner.taxonomy import PartnerType

DayName = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class ResourcePublic(BaseModel):
    id: str = Field(description="Identifiant du véhicule ou de l'équipe.", examples=["milo-mobile"])
    kind: Literal["vehicule", "equipe"] = Field(description="vehicule ou equipe.")
    mode: Literal["voiture", "transports", "pied"] = Field(description="Mode de déplacement.")
    base: str = Field(description="Base de départ.")
    crew: list[str] = Field(description="Personnes (identifiants).")
    working_days: list[str] = Field(description="Jours travaillés.", examples=[["lundi"]])


class TerritoryPublic(BaseModel):
    id: str = Field(description="Identifiant du territoire.", examples=["creusot-montceau"])
    name: str = Field(
        description="Nom de la Mission Locale / du territoire.", examples=["Creusot-Montceau"]
    )
    source_kind: Literal["demo", "spec"] = Field(
        description="Origine : démonstration embarquée ou fichier de spécification."
    )
    communes: int | str = Field(
        description="Nombre de communes, masqué comme dans GET /comparison (« < 11 », « masqué "
        "(secret secondaire) »).",
        examples=[34],
    )
    young: float = Field(description="Jeunes 16-25 ans estimés.", examples=[10660.8])
    qpv: int | str = Field(
        description="Nombre de QPV 2024, masqué comme dans GET /comparison (« < 11 »...).",
        examples=["< 11"],
    )
    partners: int = Field(description="Nombre de partenaires enregistrés.", examples=[39])
    vans: list[str] = Field(description="Véhicules / équipes.", examples=[["equipe-creusot"]])
    resources: list[ResourcePublic] = Field(
        default_factory=list,
        description="Véhicules et équipes : type, mode de déplacement, base, équipage "
        "(identifiants "
        "de personnes choisis par la Mission Locale) et jours travaillés.",
    )
    bases: list[dict[str, Any]] = Field(description="Sièges et antennes (id, nom, lon, lat).")
    young_method: str = Field(description="Méthode d'estimation des jeunes.")
    approximation: str = Field(description="Approximation déclarée du périmètre, s'il y en a.")


class TerritoriesPublic(BaseModel):
    data: list[TerritoryPublic] = Field(description="Territoires.")
    count: int = Field(description="Nombre de territoires.", examples=[2])


class PartnerCreate(Strict):
    """A partner place: required name, type, lon, lat; optional commune, hours, flags and the
    public phone of its reception."""

    name: str = Field(
        min_length=1,
        max_length=200,
        description="Nom du lieu.",
        examples=["Centre social du Tennis"],
    )
    type: PartnerType = Field(
        description="Type de partenaire (taxonomie Milo'Lab).", examples=["centre_social"]
    )
    lon: float = Field(
        ge=-180, le=180, description="Longitude WGS84 (degrés décimaux).", examples=[4.4281]
    )
    lat: float = Field(
        ge=-90, le=90, description="Latitude WGS84 (degrés décimaux).", examples=[46.8021]
    )
    commune: str | None = Field(
        default=None,
        pattern=r"^[0-9][0-9AB][0-9]{3}$",
        description="Code INSEE de la commune ; déduit du point s'il est absent.",
        examples=["71153"],
    )
    opening_hours: dict[DayName, str] | None = Field(
        default=None,
        description="Horaires par jour (« 09:00-12:00 / 14:00-17:00 », « fermé ») ; "
        "absent : sans contrainte d'horaires.",
        examples=[{"lundi": "09:00-12:00 / 14:00-17:00", "mercredi": "14:00-18:00"}],
    )
    can_host_van: bool = Field(default=True, description="Peut accueillir le camion.")
    power: bool | None = Field(
        default=None,
        description="Prise électrique disponible : true (oui), false (non), null ou absent "
        "(à vérifier : personne ne l'a confirmé ; le lieu n'est alors pas choisi "
        "automatiquement pour une séance qui en a besoin).",
    )
    parking: bool | None = Field(
        default=None,
        description="Stationnement possible pour le véhicule : true (oui), false (non), null ou "
        "absent (à vérifier, comme pour power).",
    )
    fixed_site: bool = Field(
        default=False, description="Point de contact fixe (ex. France Services fixe)."
    )
    phone: str | None = Field(
        default=None,
        max_length=40,
        description="Téléphone de l'accueil du lieu : son standard public, jamais un numéro "
        "personnel. Un numéro français à 10 chiffres commençant par 0 (espaces, points ou "
        "tirets permis) ou +33 suivi de 9 chiffres ; enregistré sous la forme « 03 80 61 01 "
        "94 ». Absent ou null : non renseigné.",
        examples=["03 80 61 01 94"],
    )


class PartnerPublic(BaseModel):
    id: str = Field(description="Identifiant du partenaire.", examples=["mairie-71153"])
    territory_id: str = Field(description="Territoire.", examples=["creusot-montceau"])
    name: str = Field(description="Nom du lieu.", examples=["Mairie de Le Creusot"])
    type: str = Field(description="Type de partenaire.", examples=["mairie"])
    type_label: str = Field(description="Libellé du type.", examples=["Mairie"])
    commune: str = Field(description="Code INSEE de la commune.", examples=["71153"])
    lon: float = Field(description="Longitude WGS84.")
    lat: float = Field(description="Latitude WGS84.")
    opening_hours: str = Field(
        description="Horaires en clair.", examples=["lundi 08:00-12:00, 13:30-17:30"]
    )
    opening_hours_minutes: dict[str, Any] | None = Field(
        description="Horaires en minutes par jour (0 = lundi), ou null."
    )
    can_host_van: bool = Field(description="Peut accueillir le camion.")
    power: bool | None = Field(
        description="Prise électrique disponible : true (oui), false (non), null (à vérifier)."
    )
    parking: bool | None = Field(
        description="Stationnement possible : true (oui), false (non), null (à vérifier)."
    )
    amenities: str = Field(
        description="Équipements en clair ; un équipement inconnu est « à vérifier ».",
        examples=["électricité : à vérifier ; stationnement : oui"],
    )
    fixed_site: bool = Field(description="Point de contact fixe.")
    source: str = Field(description="Origine de la donnée.")
    phone: str | None = Field(
        description="Téléphone de l'accueil du lieu (standard public, « 03 80 61 01 94 »), ou "
        "null quand aucune source ne le donne.",
        examples=["03 80 61 01 94"],
    )


class PartnersPublic(BaseModel):
    data: list[PartnerPublic] = Field(description="Partenaires.")
    count: int = Field(description="Nombre de partenaires.")


class RefusedRowPublic(BaseModel):
    line: int = Field(
        description="Ligne du fichier (CSV : l'en-tête est la ligne 1 ; GeoJSON : numéro de "
        "l'objet, à partir de 1).",
        examples=[3],
    )
    id: str | None = Field(description="Identifiant lu sur la ligne, ou null.", examples=["p2"])
    message: str = Field(
        description="Ce qui était attendu, ce qui a été lu.",
        examples=[
            "Partenaires (partenaires.csv) : ligne 3, colonne type : valeurs inconnues "
            "['boulangerie']."
        ],
    )
    hint: str = Field(description="Comment corriger la ligne.")


class PartnersImportPublic(BaseModel):
    added: int = Field(description="Partenaires ajoutés.", examples=[12])
    updated: int = Field(
        description="Partenaires remplacés (même identifiant déjà enregistré).", examples=[3]
    )
    refused: list[RefusedRowPublic] = Field(
        description="Lignes refusées, dans l'ordre du fichier ; les autres sont enregistrées."
    )
    count: int = Field(description="Nombre de lignes refusées.", examples=[1])
