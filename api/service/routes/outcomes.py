"""Outcome counts of a territory (after mobilisation): list, record or correct, delete, import.

``/territories/{id}/outcomes``: one row per month x approach (counts only, rules in
:mod:`planner.outcomes`, checks and audit in :mod:`api.service.outcome_store`). Reading
follows the activity's rules (the territory's manager and conseillers; the ARML reads the
regional aggregates, never a territory's rows); writing is the territory's manager's. A
refused row answers 422 with every French reason and stores nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from api.service.auth import require_territory
from api.service.clock import NowDep
from api.service.db import outcomes_repo, repo
from api.service.db.models import OutcomeRow
from api.service.deps import PrincipalDep, SessionDep
from api.service.outcome_import import COLUMNS, import_outcomes
from api.service.outcome_store import (
    erase_outcome,
    parse_approach,
    parse_month,
    write_outcome,
)
from api.service.routes.activity import utc
from api.service.routes.territories import TerritoryId
from api.service.schemas.common import ERRORS
from api.service.schemas.outcomes import (
    OutcomeCounts,
    OutcomePublic,
    OutcomesImportPublic,
    OutcomesPublic,
)
from planner.errors import InvalidProblemError
from planner.outcomes import OUTCOME_COLUMNS

router = APIRouter(tags=["terrain"], responses=ERRORS)

Month = Annotated[
    str, Path(max_length=10, description="Mois (AAAA-MM, ou AAAA-MM-01).", examples=["2024-03"])
]
ApproachPath = Annotated[
    str,
    Path(max_length=40, description="Démarche (planner.taxonomy.Approach).", examples=["maraude"]),
]
FromQuery = Annotated[
    str | None, Query(alias="from", max_length=10, description="Premier mois (AAAA-MM, inclus).")
]
ToQuery = Annotated[
    str | None, Query(alias="to", max_length=10, description="Dernier mois (AAAA-MM, inclus).")
]


def outcome_public(row: OutcomeRow) -> dict[str, Any]:
    out = {
        "id": row.id,
        "territory_id": row.territory_id,
        "month": f"{row.month:%Y-%m}",
        "approach": row.approach,
        "mobilises": row.mobilises,
    }
    out |= {name: getattr(row, name) for name in OUTCOME_COLUMNS}
    return out | {
        "revision": row.revision,
        "recorded_at": utc(row.recorded_at),
        "recorded_by": row.recorded_by,
        "recorded_user": row.recorded_user,
        "recorded_role": row.recorded_role,
    }


@router.get(
    "/territories/{territory_id}/outcomes",
    response_model=OutcomesPublic,
    summary="Suites des parcours du territoire, par mois et démarche (managers et conseillers)",
)
def list_outcomes(
    territory_id: TerritoryId,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
    first: FromQuery = None,
    last: ToQuery = None,
) -> dict:
    require_territory(who, territory_id, action="lire les suites de parcours")
    repo.get_territory(s, territory_id)
    start = None if first is None else parse_month(first, now)
    end = None if last is None else parse_month(last, now)
    if start is not None and end is not None and start > end:
        raise InvalidProblemError(
            f"Période inversée : from={first} est après to={last}.",
            hint="Donnez le premier mois dans from et le dernier dans to (AAAA-MM).",
        )
    rows = outcomes_repo.list_outcomes(s, territory_id, first=start, last=end)
    data = [outcome_public(r) for r in rows]
    return {"territory_id": territory_id, "data": data, "count": len(data)}


@router.put(
    "/territories/{territory_id}/outcomes/{month}/{approach}",
    response_model=OutcomePublic,
    responses={201: {"description": "Ligne créée."}},
    summary="Enregistrer ou corriger les suites des parcours d'un mois et d'une démarche "
    "(manager ; 201 créée, 200 remplacée)",
)
def put_outcome(
    territory_id: TerritoryId,
    month: Month,
    approach: ApproachPath,
    body: OutcomeCounts,
    response: Response,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> dict:
    counts = body.model_dump(exclude_none=True)
    row, before = write_outcome(
        s, who, territory_id, parse_month(month, now), parse_approach(approach), counts, now
    )
    s.commit()
    response.status_code = 201 if before is None else 200
    return outcome_public(row)


@router.delete(
    "/territories/{territory_id}/outcomes/{month}/{approach}",
    status_code=204,
    summary="Supprimer les suites des parcours d'un mois et d'une démarche (manager)",
)
def delete_outcome(
    territory_id: TerritoryId,
    month: Month,
    approach: ApproachPath,
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> Response:
    erase_outcome(s, who, territory_id, parse_month(month, now), parse_approach(approach))
    s.commit()
    return Response(status_code=204)


@router.post(
    "/territories/{territory_id}/outcomes.csv",
    response_model=OutcomesImportPublic,
    summary="Importer un CSV de suites des parcours (manager) : les bonnes lignes sont "
    "enregistrées, les autres listées avec leur numéro et la raison",
)
def import_outcomes_file(
    territory_id: TerritoryId,
    file: Annotated[
        UploadFile,
        File(
            description="Fichier CSV (UTF-8, « ; » ou « , »), une ligne par mois et démarche : "
            f"colonnes {', '.join(COLUMNS[:3])} puis au choix {', '.join(COLUMNS[3:])} ; "
            "toute autre colonne refuse le fichier (des comptes seulement)."
        ),
    ],
    s: SessionDep,
    who: PrincipalDep,
    now: NowDep,
) -> dict:
    result = import_outcomes(
        s,
        territory_id=territory_id,
        data=file.file.read(),
        filename=file.filename or "",
        who=who,
        now=now,
    )
    s.commit()
    return result.public()
