"""Plan outputs: exports (.ics, .gpx, .csv, .geojson), the explanations (JSON and one CSV per
table: arrets, communes, non-planifies) and the next stop of a van.

Declared before ``GET /plans/{plan_id}`` so that ``/plans/{id}.ics`` reaches its route.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from api.service import responses
from api.service.auth import require_territory
from api.service.db.models import PlanRow
from api.service.deps import AppState, PrincipalDep, SessionDep, StateDep
from api.service.plan_index import PlanEntry
from api.service.routes.plans import (
    PlanId,
    not_published,
    not_ready,
    plan_entry,
    published_id,
    readable_plan,
)
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.plans import EARLIEST, LATEST, ExplanationsPublic, NextStopPublic
from api.service.territory_tables import HOSTS, hosts_of
from planner.errors import InvalidProblemError, NotFoundError
from planner.itinerary.export import explanation_to_csv, plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.itinerary.plan_schema import EXPLANATIONS
from planner.json_values import json_text

router = APIRouter(tags=["plans"], responses=ERRORS)
#: French table name (as in ``milo plan``'s files) -> plan.json section
TABLES = {slug: key for key, _, slug in EXPLANATIONS}
#: seconds a next-stop answer may show partner hours without re-checking partner edits
HOSTS_MAX_AGE_S = 5.0


def done_plan(row: PlanRow) -> dict:
    if row.status != "done" or row.document is None:
        raise not_ready(row.id, row.status)
    return row.document


def check_instant(at: dt.datetime) -> None:
    """Refuse instants outside the supported years (old Paris offsets are not ISO 8601)."""
    if not EARLIEST <= at.date() <= LATEST:
        raise InvalidProblemError(
            f"Instant {at.isoformat()} hors de la plage prise en charge "
            f"({EARLIEST.year}-{LATEST.year}).",
            hint="Donnez une date et une heure ISO 8601, par exemple 2026-01-06T13:00:00+01:00.",
        )


def _export(
    s, who, plan_id: str, render, media_type: str, suffix: str, *, table: str = ""
) -> Response:
    row = readable_plan(s, who, plan_id, action="exporter un plan")
    body = render(done_plan(row))
    tail = f"-{table}" if table else ""
    name = f"plan-{row.territory_id}-{row.start.isoformat()}{tail}.{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _doc(media_type: str) -> dict:
    return {
        200: {
            "content": {media_type: {"schema": {"type": "string"}}},
            "description": "Le fichier exporté.",
        }
    }


@router.get(
    "/plans/{plan_id}.ics",
    response_class=Response,
    responses=_doc("text/calendar"),
    summary="Export iCalendar (un événement par visite)",
)
def export_ics(plan_id: PlanId, s: SessionDep, who: PrincipalDep) -> Response:
    return _export(
        s,
        who,
        plan_id,
        lambda d: plan_to_ics(Plan.from_json(d)),
        "text/calendar; charset=utf-8",
        "ics",
    )


@router.get(
    "/plans/{plan_id}.gpx",
    response_class=Response,
    responses=_doc("application/gpx+xml"),
    summary="Export GPX (arrêts et journées)",
)
def export_gpx(plan_id: PlanId, s: SessionDep, who: PrincipalDep) -> Response:
    return _export(
        s, who, plan_id, lambda d: plan_to_gpx(Plan.from_json(d)), "application/gpx+xml", "gpx"
    )


@router.get(
    "/plans/{plan_id}.csv",
    response_class=Response,
    responses=_doc("text/csv"),
    summary="Export CSV pour Excel en français (une ligne par visite ; UTF-8 avec BOM, "
    "séparateur ;, virgule décimale, oui/non)",
)
def export_csv(plan_id: PlanId, s: SessionDep, who: PrincipalDep) -> Response:
    return _export(
        s, who, plan_id, lambda d: plan_to_csv(Plan.from_json(d)), "text/csv; charset=utf-8", "csv"
    )


@router.get(
    "/plans/{plan_id}/explanations",
    response_model=ExplanationsPublic,
    summary="Pourquoi ce plan : arrêts, communes atteintes, non planifiés et pourquoi",
)
def explanations(plan_id: PlanId, s: SessionDep, who: PrincipalDep) -> Response:
    row = readable_plan(s, who, plan_id, action="lire un plan")
    document = done_plan(row)
    body = {key: document.get(key, []) for key, _, _ in EXPLANATIONS}
    return Response(json_text(body).encode(), media_type="application/json")


@router.get(
    "/plans/{plan_id}/{table}.csv",
    response_class=Response,
    responses=_doc("text/csv"),
    summary="Export CSV d'une table d'explication (arrets, communes, non-planifies ; en-têtes "
    "en français)",
)
def export_explanation_csv(
    plan_id: PlanId,
    table: Annotated[
        str,
        Path(
            max_length=40,
            description="arrets (pourquoi chaque arrêt), communes (où chaque commune est "
            "atteinte) ou non-planifies (non planifiés et pourquoi).",
            examples=["non-planifies"],
        ),
    ],
    s: SessionDep,
    who: PrincipalDep,
) -> Response:
    if table not in TABLES:
        raise NotFoundError(
            f"Table {table!r} inconnue pour le plan {plan_id}.",
            hint=f"Tables : {', '.join(TABLES)} (par exemple /plans/{{id}}/non-planifies.csv).",
        )
    return _export(
        s,
        who,
        plan_id,
        lambda d: explanation_to_csv(Plan.from_json(d), TABLES[table]),
        "text/csv; charset=utf-8",
        "csv",
        table=table,
    )


@router.get(
    "/plans/{plan_id}.geojson",
    response_class=Response,
    responses=_doc("application/geo+json"),
    summary="Export GeoJSON (visites et journées)",
)
def export_geojson(plan_id: PlanId, s: SessionDep, who: PrincipalDep) -> Response:
    return _export(
        s,
        who,
        plan_id,
        lambda d: json_text(responses.plan_geojson(d)),
        "application/geo+json",
        "geojson",
    )


VanQuery = Annotated[
    str, Query(max_length=100, description="Véhicule / équipe.", examples=["equipe-creusot"])
]
AtQuery = Annotated[
    dt.datetime,
    Query(
        description="Instant (ISO 8601 ; sans fuseau : Europe/Paris).",
        examples=["2026-01-06T13:00:00+01:00"],
    ),
]


def published_or_conflict(state: AppState, entry: PlanEntry) -> None:
    """A field read (next stop) answers from the published plan only: a draft or an archived
    plan may hold cancelled stops (409 pointing to the published plan)."""
    if entry.stage != "published":
        with state.db.session() as s:
            raise not_published(s, entry.plan_id, entry.territory_id)


@router.get(
    "/plans/{plan_id}/next",
    response_model=NextStopPublic,
    tags=["terrain"],
    summary="Prochain arrêt d'un véhicule ou prochaine séance d'une équipe (plan publié seulement)",
)
async def next_stop(
    plan_id: PlanId, van: VanQuery, at: AtQuery, state: StateDep, who: PrincipalDep
) -> Response:
    entry = await plan_entry(state, who, plan_id, action="lire le prochain arrêt")
    return await next_answer(state, entry, van, at)


@router.get(
    "/territories/{territory_id}/next",
    response_model=NextStopPublic,
    tags=["terrain"],
    summary="Prochain arrêt d'un véhicule ou d'une équipe dans le plan publié du territoire",
)
async def territory_next_stop(
    territory_id: TerritoryId, van: VanQuery, at: AtQuery, state: StateDep, who: PrincipalDep
) -> Response:
    require_territory(who, territory_id, action="lire le prochain arrêt")
    plan_id = await run_in_threadpool(published_id, state, territory_id)
    entry = await plan_entry(state, who, plan_id, action="lire le prochain arrêt")
    return await next_answer(state, entry, van, at)


async def next_answer(state: AppState, entry: PlanEntry, van: str, at: dt.datetime) -> Response:
    plan_id = entry.plan_id
    if entry.status != "done":
        raise not_ready(plan_id, entry.status)
    if entry.stage != "published":
        await run_in_threadpool(published_or_conflict, state, entry)
    check_instant(at)
    local = responses.at_paris(at)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    visit = entry.next_visit(van, local.date(), seconds)
    if visit is None:
        if van not in entry.vans:
            raise NotFoundError(
                f"Véhicule {van!r} absent du plan {plan_id} : ce n'est ni un véhicule ni une "
                "équipe de ce plan.",
                hint=f"Véhicules et équipes du plan : {', '.join(sorted(entry.vans))}.",
            )
        raise NotFoundError(
            f"Plus aucun arrêt prévu pour {van} après le {local:%d/%m/%Y à %H:%M}.",
            hint="Le plan est terminé : calculez un plan pour les semaines suivantes.",
        )
    tid = entry.territory_id
    hosts: Any = state.territories.recent(tid, HOSTS, max_age=HOSTS_MAX_AGE_S)
    if hosts is None:
        hosts = await run_in_threadpool(hosts_of, state.territories, tid)
    host = hosts.get((visit.commune, visit.host))
    body = responses.next_stop_public(plan_id, visit, local, seconds, host)
    return Response(json_text(body).encode(), media_type="application/json")
