"""Field taxonomies: partner types and outreach approaches (Milo'Lab, BFC 2020-2023).

Identifiers are stable ASCII slugs (used in files and the API); labels are French (shown to users).
"""

from __future__ import annotations

from enum import StrEnum


class PartnerType(StrEnum):
    """Kinds of partner that hosted or relayed outreach in the Milo'Lab project."""

    MAIRIE = "mairie"
    ASSOCIATION_CARITATIVE = "association_caritative"
    EPICERIE_SOCIALE = "epicerie_sociale"
    CENTRE_SOCIAL = "centre_social"
    AUTO_ECOLE = "auto_ecole"
    AGENCE_INTERIM = "agence_interim"
    RESIDENCE_SOCIALE = "residence_sociale"
    CLUB_SPORTIF = "club_sportif"
    ASSOCIATION_CULTURELLE = "association_culturelle"
    TIERS_LIEU_NUMERIQUE = "tiers_lieu_numerique"
    COMMERCE = "commerce"
    RESTAURATION_RAPIDE = "restauration_rapide"
    SDIS = "sdis"
    FRANCE_SERVICES = "france_services"
    MEDIATHEQUE = "mediatheque"
    ETABLISSEMENT_SCOLAIRE = "etablissement_scolaire"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return PARTNER_LABELS[self]


PARTNER_LABELS: dict[PartnerType, str] = {
    PartnerType.MAIRIE: "Mairie",
    PartnerType.ASSOCIATION_CARITATIVE: "Association caritative",
    PartnerType.EPICERIE_SOCIALE: "Épicerie sociale",
    PartnerType.CENTRE_SOCIAL: "Centre social",
    PartnerType.AUTO_ECOLE: "Auto-école",
    PartnerType.AGENCE_INTERIM: "Agence d'intérim",
    PartnerType.RESIDENCE_SOCIALE: "Résidence sociale",
    PartnerType.CLUB_SPORTIF: "CDOS / club sportif",
    PartnerType.ASSOCIATION_CULTURELLE: "Association culturelle ou de loisirs",
    PartnerType.TIERS_LIEU_NUMERIQUE: "Tiers-lieu numérique",
    PartnerType.COMMERCE: "Commerce",
    PartnerType.RESTAURATION_RAPIDE: "Food-truck / restauration rapide",
    PartnerType.SDIS: "SDIS (pompiers)",
    PartnerType.FRANCE_SERVICES: "France Services",
    PartnerType.MEDIATHEQUE: "Médiathèque",
    PartnerType.ETABLISSEMENT_SCOLAIRE: "Établissement scolaire",
    PartnerType.AUTRE: "Autre",
}


class Approach(StrEnum):
    """The six outreach approaches of the Milo'Lab project."""

    MARAUDE = "maraude"
    VEHICULE_ITINERANT = "vehicule_itinerant"
    ACTEURS_PROXIMITE = "acteurs_proximite"
    LIEU_TIERS = "lieu_tiers"
    EVENEMENTS = "evenements"
    RESEAUX_SOCIAUX = "reseaux_sociaux"

    @property
    def label(self) -> str:
        return APPROACH_LABELS[self]


APPROACH_LABELS: dict[Approach, str] = {
    Approach.MARAUDE: "Maraude",
    Approach.VEHICULE_ITINERANT: "Véhicule itinérant",
    Approach.ACTEURS_PROXIMITE: "Repérage par les acteurs de proximité",
    Approach.LIEU_TIERS: "Présence dans un lieu tiers",
    Approach.EVENEMENTS: "Événements / lieux de rencontre",
    Approach.RESEAUX_SOCIAUX: "Réseaux sociaux / webmarketing",
}


class FrrClass(StrEnum):
    """FRR (France Ruralités Revitalisation) class of a commune, as the DGCL publishes it."""

    NON_CLASSEE = "non_classee"
    SOCLE = "frr_socle"
    PLUS = "frr_plus"
    BENEFICIAIRE = "frr_beneficiaire"
    BENEFICIAIRE_PARTIELLEMENT = "frr_beneficiaire_partiellement"
    PARTIELLEMENT = "frr_partiellement"
    INCONNUE = "inconnue"

    @property
    def label(self) -> str:
        return FRR_LABELS[self]

    @property
    def is_frr(self) -> bool:
        """True for every class that brings at least part of the commune into FRR."""
        return self not in (FrrClass.NON_CLASSEE, FrrClass.INCONNUE)


FRR_LABELS: dict[FrrClass, str] = {
    FrrClass.NON_CLASSEE: "Non classée",
    FrrClass.SOCLE: "FRR socle",
    FrrClass.PLUS: "FRR+",
    FrrClass.BENEFICIAIRE: "FRR bénéficiaire",
    FrrClass.BENEFICIAIRE_PARTIELLEMENT: "FRR bénéficiaire partiellement",
    FrrClass.PARTIELLEMENT: "Classée FRR partiellement",
    FrrClass.INCONNUE: "Inconnue",
}

#: DGCL CSV wording -> class (compared after case folding and whitespace folding).
FRR_FROM_DGCL: dict[str, FrrClass] = {
    "non classée": FrrClass.NON_CLASSEE,
    "frr socle": FrrClass.SOCLE,
    "frr+": FrrClass.PLUS,
    "frr bénéficiaire": FrrClass.BENEFICIAIRE,
    "frr bénéficiaire partiellement": FrrClass.BENEFICIAIRE_PARTIELLEMENT,
    "classée frr partiellement": FrrClass.PARTIELLEMENT,
}
