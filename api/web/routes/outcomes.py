"""``/territoires/{id}/suites-parcours``: the « Suites des parcours » of the Activité page.

The territory's manager records or corrects the counts of one month x approach (entries into
support schemes, situations, path durations: :mod:`planner.outcomes`), deletes a row, or
imports a CSV of them. Writing goes through :mod:`api.service.outcome_store` and
:mod:`api.service.outcome_import`, as the API's ``/territories/{id}/outcomes``: the same
rules, French messages, revision and audit entry. A refused form comes back with every
problem next to its fields and the values as typed; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.service.auth import require_manager
from api.service.clock import NowDep
from api.service.db import outcomes_repo
from api.service.deps import StateDep
from api.service.errors import status_of
from api.service.outcome_import import import_outcomes
from api.service.outcome_store import (
    OutcomesRefused,
    erase_outcome,
    missing,
    month_fr,
    parse_approach,
    parse_month,
    write_outcome,
)
from api.service.routes.territories import TerritoryId
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.outcome_form import OutcomeEntry, entry_of, outcomes_view, read_entry
from api.web.partner_form import FormDep
from api.web.routes.activity import activity_page
from planner.errors import InvalidProblemError, MiloError
from planner.taxonomy import APPROACH_LABELS

router = APIRouter(include_in_schema=False, dependencies=[WebMark])
ACTION = "enregistrer les suites de parcours"


def section_page(
    request: Request,
    state: Any,
    viewer: Viewer,
    territory_id: str,
    now: dt.datetime,
    *,
    entry: OutcomeEntry | None = None,
    status: int = 200,
    **more: Any,
) -> Response:
    """The Activité page with the section as a save, a correction or an import left it."""
    with state.db.session() as s:
        view = outcomes_view(s, territory_id, now, entry=entry, **more)
    return activity_page(
        request, state, viewer, territory_id, now, "", outcomes=view, status=status
    )


def _month_and_approach(entry: OutcomeEntry, now: dt.datetime) -> tuple[dt.date, Any] | None:
    """The entry's month and approach, or None with the French reason in ``entry.errors``."""
    try:
        return parse_month(entry.month, now), parse_approach(entry.approach)
    except InvalidProblemError as exc:
        entry.errors.append(f"{exc.message} {exc.hint}")
        return None


@router.post("/territoires/{territory_id}/suites-parcours")
def save_outcome(
    request: Request,
    territory_id: TerritoryId,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    form: FormDep,
) -> Response:
    """Record or correct one month x approach (the API's ``PUT .../outcomes/{mois}/{démarche}``)."""
    require_manager(viewer.principal, territory_id, action=ACTION)
    month_text, approach_text = str(form.get("mois", "")), str(form.get("demarche", ""))
    entry, counts = read_entry(month_text, approach_text, form)
    where = _month_and_approach(entry, now)
    if entry.refused or where is None:
        return section_page(request, state, viewer, territory_id, now, entry=entry, status=422)
    month, approach = where
    with state.db.session() as s:
        try:
            row, before = write_outcome(
                s, viewer.principal, territory_id, month, approach, counts, now
            )
        except OutcomesRefused as exc:  # the same rules as the form's: kept as a safety net
            entry.errors.extend(exc.problems)
            return section_page(request, state, viewer, territory_id, now, entry=entry, status=422)
        s.commit()
        revision = row.revision
    what = "enregistrées" if before is None else f"corrigées (révision {revision})"
    notice = f"Suites de {month_fr(month)} · {APPROACH_LABELS[approach]} {what}."
    return section_page(request, state, viewer, territory_id, now, notice=notice)


@router.get("/territoires/{territory_id}/suites-parcours/{month}/{approach}")
def correct_outcome(
    request: Request,
    territory_id: TerritoryId,
    month: str,
    approach: str,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
) -> Response:
    """The page with the form filled with a stored row (« Corriger »)."""
    require_manager(viewer.principal, territory_id, action=ACTION)
    first, kind = parse_month(month[:10], now), parse_approach(approach[:40])
    with state.db.session() as s:
        row = outcomes_repo.get_outcome(s, territory_id, first, kind.value)
        if row is None:
            raise missing(territory_id, first, kind.value)
        entry = entry_of(row)
    return section_page(request, state, viewer, territory_id, now, entry=entry)


@router.post("/territoires/{territory_id}/suites-parcours/{month}/{approach}/effacer")
def delete_outcome(
    request: Request,
    territory_id: TerritoryId,
    month: str,
    approach: str,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
) -> Response:
    """Delete one row (the API's ``DELETE``)."""
    first, kind = parse_month(month[:10], now), parse_approach(approach[:40])
    with state.db.session() as s:
        erase_outcome(s, viewer.principal, territory_id, first, kind)
        s.commit()
    notice = f"Suites de {month_fr(first)} · {APPROACH_LABELS[kind]} supprimées."
    return section_page(request, state, viewer, territory_id, now, notice=notice)


@router.post("/territoires/{territory_id}/suites-parcours/import")
def import_outcomes_file(
    request: Request,
    territory_id: TerritoryId,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    form: FormDep,
) -> Response:
    """Import a CSV (the API's ``POST .../outcomes.csv``) and show its report line by line."""
    require_manager(viewer.principal, territory_id, action="importer des suites de parcours")
    upload = form.get("fichier")
    filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    try:
        if not isinstance(upload, UploadFile) or not filename:
            raise InvalidProblemError(
                "Aucun fichier reçu.",
                hint="Choisissez un fichier CSV puis cliquez sur « Importer les suites ».",
            )
        with state.db.session() as s:
            result = import_outcomes(
                s,
                territory_id=territory_id,
                data=upload.file.read(),
                filename=filename,
                who=viewer.principal,
                now=now,
            )
            s.commit()
    except MiloError as exc:
        if status_of(exc) != 422:  # refused access: the error page
            raise
        error = f"{exc.message} {exc.hint}"
        return section_page(
            request,
            state,
            viewer,
            territory_id,
            now,
            filename=filename,
            import_error=error,
            status=422,
        )
    return section_page(request, state, viewer, territory_id, now, filename=filename, report=result)
