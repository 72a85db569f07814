"""``/territoires/{id}/partenaires``: the manager lists, maps, adds, edits and deletes partners.

- the list, filtered by type (a GET form; HTMX refreshes the list only), with a Leaflet map of
  the listed partners (data in a JSON block, ``static/partners-map.js``);
- ``/nouveau`` and ``/{partner_id}``: the form (a point to drag on a small map, or lon/lat typed
  in; hours per weekday; amenities oui / non / à vérifier). Writes call the API's partner
  routes (:mod:`api.service.routes.partners`) with the viewer as the caller: the same checks
  and French messages, the partners revision bumped, one audit entry per change. A refused
  form comes back with every value kept and the message next to it;
- ``/{partner_id}/supprimer``: deletion (a POST; the button asks for confirmation first);
- ``/import``: a CSV or GeoJSON file (:mod:`api.web.routes.partner_import`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import shapely
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.service import responses
from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import StateDep
from api.service.errors import status_of
from api.service.routes import partners as api_partners
from api.service.territory_store import TerritoryCache
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.errors import is_htmx
from api.web.pages import render
from api.web.partner_form import (
    AMENITY_CHOICES,
    FormDep,
    FormErrors,
    PartnerForm,
    bad_days,
    hours_summary,
    partner_body,
)
from api.web.routes import partner_import
from api.web.territory_view import name_key
from geo_data.phone import phone_href
from planner.amenities import amenity_label
from planner.errors import MiloError
from planner.hours import DAY_NAMES_FR
from planner.taxonomy import PartnerType
from planner.territory import Territory

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
#: messages after a change (``?fait=...``)
DONE = {
    "ajoute": "Partenaire ajouté.",
    "modifie": "Partenaire enregistré.",
    "supprime": "Partenaire supprimé.",
}
OUTLINES = "web_outlines"


def base_url(territory_id: str) -> str:
    return f"/territoires/{territory_id}/partenaires"


def outlines(territory: Territory) -> dict[str, Any]:
    """Commune outlines for the pages' maps (simplified to about 50 m, rounded)."""
    frame = territory.communes[["name", "geometry"]].copy()
    frame["geometry"] = shapely.set_precision(frame.geometry.simplify(0.0005).values, 1e-5)
    return frame.reset_index(names="code").__geo_interface__


def map_base(cache: TerritoryCache, territory_id: str, s: Any) -> dict[str, Any]:
    territory, _ = cache.get(territory_id, s)
    minx, miny, maxx, maxy = (float(v) for v in territory.communes.total_bounds)
    return {
        "bounds": [[miny, minx], [maxy, maxx]],
        "communes": cache.derived(territory_id, OUTLINES, outlines, s),
    }


def done_message(done: str, key: str, partners: Any) -> str:
    """« Partenaire « X » ajouté. » after a change (the name when the partner is listed)."""
    if done not in DONE:
        return ""
    name = next((p.name for p in partners if p.key == key), "")
    return DONE[done].replace("Partenaire", f"Partenaire « {name} »") if name else DONE[done]


def partner_rows(s: Any, territory: Territory, territory_id: str, kind: str) -> list[dict]:
    names = territory.communes["name"].astype(str).to_dict()
    rows = []
    for row in repo.list_partners(s, territory_id):
        if kind and row.type != kind:
            continue
        public = responses.partner_public(row)
        public["commune_name"] = names.get(row.commune, row.commune)
        public["power_label"] = amenity_label(row.power)
        public["parking_label"] = amenity_label(row.parking)
        public["hours_summary"] = hours_summary(row.hours)
        public["phone_href"] = phone_href(row.phone)
        rows.append(public)
    return sorted(rows, key=lambda p: (name_key(p["commune_name"]), name_key(p["name"])))


@router.get("/territoires/{territory_id}/partenaires")
def partners_page(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ViewerDep,
    type: Annotated[str, Query(max_length=40)] = "",  # noqa: A002 - the form's field name
    fait: Annotated[str, Query(max_length=20)] = "",
    partenaire: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    require_manager(viewer.principal, territory_id, action="gérer les partenaires")
    kind = type if type in PartnerType._value2member_map_ else ""
    with state.db.session() as s:
        row = repo.get_territory(s, territory_id)
        territory, _ = state.territories.get(territory_id, s)
        everyone = repo.list_partners(s, territory_id)
        listed = partner_rows(s, territory, territory_id, kind)
        data = map_base(state.territories, territory_id, s)
    counts: dict[str, int] = {}
    for p in everyone:
        counts[p.type] = counts.get(p.type, 0) + 1
    types = sorted(
        ((k, PartnerType(k).label, n) for k, n in counts.items()), key=lambda t: name_key(t[1])
    )
    points = [
        {
            "id": p["id"],
            "name": p["name"],
            "type": p["type_label"],
            "commune": p["commune_name"],
            "lon": p["lon"],
            "lat": p["lat"],
            "url": f"{base_url(territory_id)}/{p['id']}",
        }
        for p in listed
    ]
    fragment = is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"
    return render(
        request,
        "_partners_list.html" if fragment else "partners.html",
        viewer=viewer,
        title=f"Partenaires · {row.name}",
        territory=row,
        partners=listed,
        total=len(everyone),
        types=types,
        kind=kind,
        kind_label=PartnerType(kind).label if kind else "",
        done=done_message(fait, partenaire, everyone),
        highlight=partenaire,
        map_data=data,
        points=points,
    )


def form_page(
    request: Request,
    state: Any,
    viewer: Viewer,
    territory_id: str,
    form: PartnerForm,
    *,
    partner_id: str | None = None,
    error: FormErrors | None = None,
    status: int = 200,
) -> Response:
    with state.db.session() as s:
        row = repo.get_territory(s, territory_id)
        territory, _ = state.territories.get(territory_id, s)
        data = map_base(state.territories, territory_id, s)
    communes = territory.communes.sort_values("name", key=lambda c: c.map(name_key))
    data["points"] = {
        str(code): [float(c["lon"]), float(c["lat"])] for code, c in communes.iterrows()
    }
    action = (
        f"{base_url(territory_id)}/{partner_id}"
        if partner_id
        else f"{base_url(territory_id)}/nouveau"
    )
    title = "Modifier un partenaire" if partner_id else "Ajouter un partenaire"
    return render(
        request,
        "partner_form.html",
        viewer=viewer,
        title=f"{title} · {row.name}",
        status_code=status,
        heading=title,
        territory=row,
        form=form,
        partner_id=partner_id,
        action=action,
        error=error,
        field_errors=error.fields if error is not None else {},
        types=sorted(((t.value, t.label) for t in PartnerType), key=lambda t: name_key(t[1])),
        communes=[(str(code), str(c["name"])) for code, c in communes.iterrows()],
        amenities=[(k, label) for k, (_, label) in AMENITY_CHOICES.items()],
        days=DAY_NAMES_FR,
        map_data=data,
    )


def save(
    request: Request,
    state: Any,
    viewer: Viewer,
    territory_id: str,
    form: PartnerForm,
    partner_id: str | None,
) -> Response:
    """Create or replace a partner from ``form``; the form again (422) when refused."""
    try:
        with state.db.session() as s:
            territory, _ = state.territories.get(territory_id, s)
            body = partner_body(form, territory)
            # the API's own routes: the same checks, revision bump, audit entry and commit
            if partner_id is None:
                saved = api_partners.create_partner(territory_id, body, state, s, viewer.principal)
            else:
                saved = api_partners.update_partner(
                    territory_id, partner_id, body, state, s, viewer.principal
                )
            key = saved["id"]
    except MiloError as exc:
        if status_of(exc) != 422:  # unknown partner, refused access: the error page
            raise
        if not isinstance(exc, FormErrors):  # the API's message; mark the unreadable days
            exc = FormErrors(exc.message, hint=exc.hint, fields=bad_days(form))
        return form_page(
            request, state, viewer, territory_id, form, partner_id=partner_id, error=exc, status=422
        )
    done = "ajoute" if partner_id is None else "modifie"
    url = f"{base_url(territory_id)}?fait={done}&partenaire={quote(key, safe='')}"
    return RedirectResponse(url, status_code=303)


@router.get("/territoires/{territory_id}/partenaires/nouveau")
def new_partner(
    request: Request, territory_id: str, state: StateDep, viewer: ViewerDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="ajouter un partenaire")
    return form_page(request, state, viewer, territory_id, PartnerForm())


@router.post("/territoires/{territory_id}/partenaires/nouveau")
def create_partner(
    request: Request, territory_id: str, state: StateDep, viewer: ActingViewerDep, data: FormDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="ajouter un partenaire")
    return save(request, state, viewer, territory_id, PartnerForm.from_form(data), None)


router.include_router(partner_import.router)  # before /{partner_id}: « import » is a page


@router.get("/territoires/{territory_id}/partenaires/{partner_id}")
def edit_partner(
    request: Request, territory_id: str, partner_id: str, state: StateDep, viewer: ViewerDep
) -> Response:
    require_manager(viewer.principal, territory_id, action="modifier un partenaire")
    with state.db.session() as s:
        form = PartnerForm.from_row(repo.get_partner(s, territory_id, partner_id))
    return form_page(request, state, viewer, territory_id, form, partner_id=partner_id)


@router.post("/territoires/{territory_id}/partenaires/{partner_id}")
def update_partner(
    request: Request,
    territory_id: str,
    partner_id: str,
    state: StateDep,
    viewer: ActingViewerDep,
    data: FormDep,
) -> Response:
    require_manager(viewer.principal, territory_id, action="modifier un partenaire")
    with state.db.session() as s:
        repo.get_partner(s, territory_id, partner_id)  # 404 before reading the form
    return save(request, state, viewer, territory_id, PartnerForm.from_form(data), partner_id)


@router.post("/territoires/{territory_id}/partenaires/{partner_id}/supprimer")
def delete_partner(
    territory_id: str, partner_id: str, state: StateDep, viewer: ActingViewerDep
) -> Response:
    with state.db.session() as s:
        api_partners.delete_partner(territory_id, partner_id, s, viewer.principal)
    return RedirectResponse(f"{base_url(territory_id)}?fait=supprime", status_code=303)
