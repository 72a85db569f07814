"""Partners of a territory: list, create, read, replace, delete, import a file (manager of the
territory)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Response, UploadFile

from api.service import audit, responses
from api.service.auth import require_manager, require_territory
from api.service.db import repo
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.partner_import import import_partners
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.territories import (
    PartnerCreate,
    PartnerPublic,
    PartnersImportPublic,
    PartnersPublic,
)
from api.service.territory_store import PartnerPlacer
from geo_data.parse_places import parse_weekly_text
from geo_data.phone import normalise_phone
from geo_data.text import clean_text
from planner.hours import DAY_NAMES_FR

router = APIRouter(
    prefix="/territories/{territory_id}/partners", tags=["partenaires"], responses=ERRORS
)

PartnerId = Annotated[
    str, Path(description="Identifiant du partenaire.", max_length=100, examples=["mairie-71153"])
]


def target_of(territory_id: str, partner_id: str) -> str:
    """The audit target of a partner (its address in the API)."""
    return f"territories/{territory_id}/partners/{partner_id}"


def partner_values(state: Any, s: Any, territory_id: str, body: PartnerCreate) -> dict[str, Any]:
    """Checked store values of a partner (point inside the territory, hours readable)."""
    name = clean_text(body.name, what="le nom du partenaire")
    territory, _ = state.territories.get(territory_id, s)
    commune = PartnerPlacer(territory).commune(body.lon, body.lat, name=name, commune=body.commune)
    hours = None
    if body.opening_hours is not None:
        per_day = {DAY_NAMES_FR.index(day): text for day, text in body.opening_hours.items()}
        hours = parse_weekly_text(per_day, where=f"le partenaire « {name} »").to_json()
    return {
        "name": name,
        "type": body.type.value,
        "commune": commune,
        "lon": body.lon,
        "lat": body.lat,
        "hours": hours,
        "can_host_van": body.can_host_van,
        "power": body.power,
        "parking": body.parking,
        "fixed_site": body.fixed_site,
        "source": "API",
        "phone": normalise_phone(body.phone, where=f"Le partenaire « {name} », champ phone"),
    }


@router.get("", response_model=PartnersPublic, summary="Partenaires du territoire")
def list_partners(territory_id: TerritoryId, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire les partenaires")
    repo.get_territory(s, territory_id)
    data = [responses.partner_public(r) for r in repo.list_partners(s, territory_id)]
    return {"data": data, "count": len(data)}


@router.post("", response_model=PartnerPublic, status_code=201, summary="Ajouter un partenaire")
def create_partner(
    territory_id: TerritoryId,
    body: PartnerCreate,
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> dict:
    require_manager(who, territory_id, action="ajouter un partenaire")
    row = repo.create_partner(s, territory_id, partner_values(state, s, territory_id, body))
    audit.record(
        s,
        who,
        "partner.create",
        target_of(territory_id, row.key),
        None,
        responses.partner_public(row),
        territory_id=territory_id,
    )
    s.commit()
    return responses.partner_public(row)


@router.post(
    "/import",
    response_model=PartnersImportPublic,
    summary="Importer un fichier de partenaires (CSV ou GeoJSON) : les bonnes lignes sont "
    "ajoutées ou remplacent le partenaire de même identifiant, les autres listées avec la raison",
)
def import_partners_file(
    territory_id: TerritoryId,
    file: Annotated[
        UploadFile,
        File(
            description="Fichier CSV (UTF-8, « ; » ou « , ») ou GeoJSON : colonnes id, name, "
            "type, lon/lat (ou un point), et au choix commune, can_host_van, power, parking, "
            "lundi ... dimanche, telephone (le standard public du lieu, jamais un numéro "
            "personnel)."
        ),
    ],
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> dict:
    result = import_partners(
        s,
        state.territories,
        territory_id=territory_id,
        data=file.file.read(),
        filename=file.filename or "",
        who=who,
    )
    s.commit()
    return result.public()


@router.get("/{partner_id}", response_model=PartnerPublic, summary="Un partenaire")
def get_partner(
    territory_id: TerritoryId, partner_id: PartnerId, s: SessionDep, who: PrincipalDep
) -> dict:
    require_territory(who, territory_id, action="lire un partenaire")
    return responses.partner_public(repo.get_partner(s, territory_id, partner_id))


@router.put("/{partner_id}", response_model=PartnerPublic, summary="Remplacer un partenaire")
def update_partner(
    territory_id: TerritoryId,
    partner_id: PartnerId,
    body: PartnerCreate,
    state: StateDep,
    s: SessionDep,
    who: PrincipalDep,
) -> dict:
    require_manager(who, territory_id, action="modifier un partenaire")
    before = responses.partner_public(repo.get_partner(s, territory_id, partner_id))
    row = repo.update_partner(
        s, territory_id, partner_id, partner_values(state, s, territory_id, body)
    )
    audit.record(
        s,
        who,
        "partner.update",
        target_of(territory_id, partner_id),
        before,
        responses.partner_public(row),
        territory_id=territory_id,
    )
    s.commit()
    return responses.partner_public(row)


@router.delete(
    "/{partner_id}", status_code=204, response_class=Response, summary="Supprimer un partenaire"
)
def delete_partner(
    territory_id: TerritoryId, partner_id: PartnerId, s: SessionDep, who: PrincipalDep
) -> Response:
    require_manager(who, territory_id, action="supprimer un partenaire")
    before = responses.partner_public(repo.get_partner(s, territory_id, partner_id))
    repo.delete_partner(s, territory_id, partner_id)
    audit.record(
        s,
        who,
        "partner.delete",
        target_of(territory_id, partner_id),
        before,
        None,
        territory_id=territory_id,
    )
    s.commit()
    return Response(status_code=204)
