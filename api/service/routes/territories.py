"""Territories: list, detail, communes (GeoJSON with need scores), coverage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.service import responses
from api.service.auth import require_territory
from api.service.db import repo
from api.service.deps import AppState, PrincipalDep, SessionDep, StateDep
from api.service.schemas.activity import CoveragePublic
from api.service.schemas.common import ERRORS, FeatureCollection
from api.service.schemas.territories import TerritoriesPublic, TerritoryPublic
from api.service.territory_json import communes_geojson, indicator_record
from api.service.territory_tables import fixed_matrix_of, need_of
from planner.coverage.compare import ComparisonTable, compare_territories
from planner.coverage.indicators import TerritoryIndicators
from planner.coverage.need import NO_ACTIVITY_LABEL, REAL_LABEL
from planner.json_values import json_value
from planner.workflows.coverage import plan_indicators

router = APIRouter(prefix="/territories", tags=["territoires"], responses=ERRORS)

TerritoryId = Annotated[
    str,
    Path(description="Identifiant du territoire.", max_length=64, examples=["creusot-montceau"]),
]


@router.get("", response_model=TerritoriesPublic, summary="Liste des territoires")
def list_territories(state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    rows = repo.list_territories(s)
    shared = shared_counts(state, s)
    data = [
        responses.territory_public(r, len(repo.list_partners(s, r.id)), shared[r.id]) for r in rows
    ]
    return {"data": data, "count": len(data)}


@router.get("/{territory_id}", response_model=TerritoryPublic, summary="Un territoire")
def get_territory(
    territory_id: TerritoryId, state: StateDep, s: SessionDep, who: PrincipalDep
) -> dict:
    row = repo.get_territory(s, territory_id)
    shared = shared_counts(state, s)[territory_id]
    return responses.territory_public(row, len(repo.list_partners(s, territory_id)), shared)


@router.get(
    "/{territory_id}/communes",
    response_model=FeatureCollection,
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
    summary="Communes (GeoJSON) : classe FRR, QPV, score de besoin et ses composantes",
)
def communes(
    territory_id: TerritoryId, state: StateDep, s: SessionDep, who: PrincipalDep
) -> JSONResponse:
    require_territory(who, territory_id, action="lire les communes et scores de besoin")
    territory, _ = state.territories.get(territory_id, s)
    body = communes_geojson(territory, need_of(state.territories, territory_id, s))
    return JSONResponse(body, media_type="application/geo+json")


@router.get(
    "/{territory_id}/coverage",
    response_model=CoveragePublic,
    summary="Couverture et activité du territoire (vue propre, non masquée)",
)
def coverage(territory_id: TerritoryId, state: StateDep, s: SessionDep, who: PrincipalDep) -> dict:
    require_territory(who, territory_id, action="lire la couverture détaillée")
    plan_id, ind = territory_indicators(state, s, territory_id)
    return {
        "territory_id": territory_id,
        "plan_id": plan_id,
        "indicators": indicator_record(ind),
    }


def territory_indicators(
    state: AppState, s: Session, territory_id: str
) -> tuple[str | None, TerritoryIndicators]:
    """Indicators of ``territory_id`` with its published plan (never a draft: a what-if stays
    out of the official figures until published) and recorded activity."""
    territory, _ = state.territories.get(territory_id, s)
    to_fixed = fixed_matrix_of(state.territories, territory_id, s)
    plan = repo.official_plan(s, territory_id)
    totals = repo.activity_totals(s, territory_id)
    label = REAL_LABEL if totals["sessions"] else NO_ACTIVITY_LABEL
    ind = plan_indicators(
        territory,
        plan=plan.document if plan else None,
        activity=totals,
        activity_label=label,
        to_fixed=to_fixed,
    )
    return (plan.id if plan else None), ind


def shared_comparison(state: AppState, s: Session) -> ComparisonTable:
    """The one suppressed view of the figures shared between territories (``/comparison``,
    and the counts of ``/territories``): every role and route reads its cells from here."""
    rows = [territory_indicators(state, s, t.id)[1] for t in repo.list_territories(s)]
    return compare_territories(rows, with_total=True)


#: Shared counts of ``/territories``: answer field -> comparison column.
SHARED_COUNTS = {"communes": "communes", "qpv": "qpv_total"}


def shared_counts(state: AppState, s: Session) -> dict[str, dict[str, int | str]]:
    """Territory id -> its ``/territories`` counts as the comparison shows them."""
    frame = shared_comparison(state, s).frame.set_index("territory_id")
    return {
        str(tid): {key: json_value(frame.loc[tid, col]) for key, col in SHARED_COUNTS.items()}
        for tid in frame.index
    }
