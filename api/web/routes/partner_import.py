"""``/territoires/{id}/partenaires/import``: partners from a CSV or GeoJSON file.

The upload goes to :func:`api.service.partner_import.import_partners`, as the API's
``POST /territories/{id}/partners/import``: the good rows are added (or replace the partner
with the same id), one audit entry and one partners revision for the whole file, and the page
lists how many were added and updated and each refused row with its line, id, why and how to
fix it. A file refused as a whole (format, columns, personal data) shows its French message.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import StateDep
from api.service.errors import status_of
from api.service.limits import size_fr
from api.service.partner_import import PartnersImported, import_partners
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.pages import render
from api.web.partner_form import FormDep
from geo_data.partner_import import PHONE_COLUMN, REQUIRED_COLUMNS, UPLOAD_SUFFIXES
from planner.errors import InvalidTerritoryError, MiloError
from planner.hours import DAY_NAMES_FR
from planner.taxonomy import PartnerType

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
#: the optional columns of a partners file, as the page explains them
OPTIONAL_COLUMNS = (
    ("lon, lat", "longitude et latitude WGS84 (degrés décimaux), sauf dans un GeoJSON de points"),
    ("commune", "code INSEE ; déduit du point s'il est vide"),
    ("can_host_van", "peut accueillir le camion : oui / non"),
    ("power, parking", "électricité, stationnement : oui / non / vide (à vérifier)"),
    (", ".join(DAY_NAMES_FR), "horaires du jour, ex. 09:00-12:00 / 14:00-17:00"),
    (
        PHONE_COLUMN,
        "téléphone de l'accueil du lieu, son standard public (jamais un numéro personnel) : "
        "10 chiffres commençant par 0, ex. 03 80 61 01 94, ou +33 3 80 61 01 94 ; vide : non "
        "renseigné",
    ),
)


def import_page(
    request: Request,
    state: Any,
    viewer: Viewer,
    territory_id: str,
    *,
    result: PartnersImported | None = None,
    filename: str = "",
    error: MiloError | None = None,
    status: int = 200,
) -> Response:
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
    return render(
        request,
        "partner_import.html",
        viewer=viewer,
        title=f"Importer des partenaires · {territory.name}",
        status_code=status,
        territory=territory,
        result=result,
        filename=filename,
        error=error,
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        suffixes=", ".join(UPLOAD_SUFFIXES),
        types=", ".join(t.value for t in PartnerType),
        max_size=size_fr(state.settings.max_body_bytes),
    )


@router.get("/territoires/{territory_id}/partenaires/import")
def import_form(
    request: Request, territory_id: str, state: StateDep, viewer: ViewerDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="importer des partenaires")
    return import_page(request, state, viewer, territory_id)


@router.post("/territoires/{territory_id}/partenaires/import")
def import_file(
    request: Request, territory_id: str, state: StateDep, viewer: ActingViewerDep, data: FormDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="importer des partenaires")
    upload = data.get("fichier")
    filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    try:
        if not isinstance(upload, UploadFile) or not filename:
            raise InvalidTerritoryError(
                "Aucun fichier reçu.",
                hint=f"Choisissez un fichier CSV ou GeoJSON ({', '.join(UPLOAD_SUFFIXES)}) "
                "puis cliquez sur « Importer ».",
            )
        with state.db.session() as s:
            result = import_partners(
                s,
                state.territories,
                territory_id=territory_id,
                data=upload.file.read(),
                filename=filename,
                who=viewer.principal,
            )
            s.commit()
    except MiloError as exc:
        if status_of(exc) != 422:  # refused access: the error page
            raise
        return import_page(
            request, state, viewer, territory_id, filename=filename, error=exc, status=422
        )
    return import_page(request, state, viewer, territory_id, result=result, filename=filename)
