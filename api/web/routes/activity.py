"""``/territoires/{id}/activite``: the counts of the published plan's sessions held so far.

The manager and the territory's conseillers (as the API allows them) list the started sessions
of the official plan, newest first, filtered by month or week, and enter or correct each one's
counts in its row (HTMX swaps the row for a small form and back; without script, the page
itself shows the form). Writing goes through the API's own functions
(:func:`api.service.routes.activity.record_activity`, ``delete_activity``): the same rules
(official plan, started session, bounds, repérés and mobilisés at most the contacts), the same
French messages, the same audit entry and revision. Counts only: no free text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.service.auth import Role, require_territory
from api.service.clock import NowDep
from api.service.db import repo
from api.service.db.models import PlanRow, VisitRow
from api.service.deps import StateDep
from api.service.errors import ConflictError
from api.service.routes.activity import (
    VisitId,
    delete_activity,
    record_activity,
    writable,
)
from api.service.schemas.activity import MAX_CONTACTS_PER_SESSION
from api.service.web_sessions import Viewer
from api.web.activity_entry import (
    APPROACHES,
    COUNTS,
    Entry,
    Held,
    checked,
    entry_of,
    held_one,
    held_sessions,
    partner_choices,
    totals,
)
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.errors import is_htmx
from api.web.outcome_form import OutcomesView, outcomes_view
from api.web.pages import render
from api.web.periods import period_bounds, period_label, period_options
from api.web.routes.activity_locks import weeks_of
from planner.errors import InvalidProblemError, NotFoundError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

NOT_LISTED = (
    "Cette séance n'est pas dans la liste (pas encore commencée, ou hors de la période) : "
    "choisissez-en une ci-dessous."
)
LOCKED = (
    "Cette séance est dans une semaine verrouillée : ses comptes ne se corrigent plus. "
    "Demandez au responsable de déverrouiller la semaine."
)
#: the HTMX event that refreshes the totals after a save (``HX-Trigger``)
SAVED_EVENT = "activite-enregistree"


def in_period(held: list[Held], periode: str) -> list[Held]:
    bounds = period_bounds(periode)
    if bounds is None:
        return held
    return [h for h in held if bounds[0] <= h.visit.date <= bounds[1]]


def territory_visit(s: Session, territory_id: str, visit_id: int) -> VisitRow:
    """A visit of one of the territory's plans (404 otherwise)."""
    visit = s.get(VisitRow, visit_id)
    plan = None if visit is None else s.get(PlanRow, visit.plan_id)
    if visit is None or plan is None or plan.territory_id != territory_id:
        raise NotFoundError(
            f"Séance n° {visit_id} inconnue dans le territoire {territory_id}.",
            hint="Revenez à la page Activité et choisissez une séance de la liste.",
        )
    return visit


# -- rendering -------------------------------------------------------------------------------


def row_response(
    request: Request,
    viewer: Viewer,
    territory_id: str,
    held: Held,
    periode: str,
    *,
    entry: Entry | None = None,
    partners: Sequence[tuple[str, str]] = (),
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    """One row of the table: as shown, or as a form (``entry``, with the ``partners`` it may
    name as met); ``notice`` says what was just saved and refreshes the totals."""
    headers = {"HX-Trigger": SAVED_EVENT} if notice else None
    return render(
        request,
        "_activity_row.html",
        viewer=viewer,
        title="Activité",
        status_code=status,
        headers=headers,
        t=territory_id,
        h=held,
        form=entry,
        partners=partners,
        notice=notice,
        error=error,
        periode=periode,
        approaches=APPROACHES,
        counts=COUNTS,
        max_count=MAX_CONTACTS_PER_SESSION,
    )


def activity_page(
    request: Request,
    state,
    viewer: Viewer,
    territory_id: str,
    now: dt.datetime,
    periode: str,
    *,
    editing: int | None = None,
    entry: Entry | None = None,
    outcomes: OutcomesView | None = None,
    status: int = 200,
) -> Response:
    """The page; the manager's also shows the « Suites des parcours » section (``outcomes``:
    as a save or an import left it; default, the rows and an empty form)."""
    manages = viewer.principal.role in (Role.MANAGER, Role.ADMIN)
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
        if manages and outcomes is None:
            outcomes = outcomes_view(s, territory_id, now)
        plan = repo.official_plan(s, territory_id)
        held = held_sessions(s, plan, now)
        shown = in_period(held, periode)
        error = ""
        row = next((h for h in shown if h.visit.id == editing), None)
        if row is not None and row.locked and entry is None:
            error, editing = LOCKED, None
        elif row is not None and entry is None:
            entry = entry_of(row)
        elif row is None and editing is not None:  # not held yet, or out of the period
            error = " ".join(entry.errors) if entry is not None and entry.errors else NOT_LISTED
            editing = None
        months, weeks = period_options([h.visit.date for h in held])
        locks = weeks_of(s, territory_id, [h.visit.date for h in shown])
        host = row.visit.host if row is not None and editing is not None else ""
        partners = partner_choices(s, territory_id, host) if editing is not None else []
    return render(
        request,
        "activity.html",
        viewer=viewer,
        title="Activité",
        status_code=status,
        territory=territory,
        plan=plan,
        rows=shown,
        held_count=len(held),
        months=months,
        weeks=weeks,
        locks=locks,
        periode=periode,
        period=period_label(periode),
        totals=totals(shown),
        editing=editing,
        entry=entry,
        partners=partners,
        error=error,
        t=territory_id,
        approaches=APPROACHES,
        counts=COUNTS,
        max_count=MAX_CONTACTS_PER_SESSION,
        manages=manages,
        outcomes=outcomes if manages else None,
        notice="",
    )


Periode = Annotated[str, Query(max_length=10)]
PeriodeForm = Annotated[str, Form(max_length=10)]
CountForm = Annotated[str, Form(max_length=200)]


def page_url(territory_id: str, periode: str, visit_id: int, *, editing: bool = False) -> str:
    """The page at a row (``editing``: the row as a form), for the browsers without script."""
    query = [f"saisir={visit_id}"] if editing else []
    query += [f"periode={periode}"] if periode else []
    url = f"/territoires/{territory_id}/activite"
    return url + ("?" + "&".join(query) if query else "") + f"#visite-{visit_id}"


# -- routes ----------------------------------------------------------------------------------


@router.get("/territoires/{territory_id}/activite")
def activity(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
    periode: Periode = "",
    saisir: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    require_territory(viewer.principal, territory_id, action="lire l'activité saisie")
    return activity_page(request, state, viewer, territory_id, now, periode, editing=saisir)


@router.get("/territoires/{territory_id}/activite/totaux")
def activity_totals(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
    periode: Periode = "",
) -> Response:
    """The totals of the period (HTMX refreshes them after a save)."""
    require_territory(viewer.principal, territory_id, action="lire l'activité saisie")
    with state.db.session() as s:
        plan = repo.official_plan(s, territory_id)
        held = in_period(held_sessions(s, plan, now), periode)
    return render(
        request,
        "_activity_totals.html",
        viewer=viewer,
        title="Activité",
        t=territory_id,
        periode=periode,
        period=period_label(periode),
        totals=totals(held),
    )


@router.get("/territoires/{territory_id}/activite/{visit_id}")
def activity_row(
    request: Request,
    territory_id: str,
    visit_id: VisitId,
    state: StateDep,
    viewer: ViewerDep,
    periode: Periode = "",
) -> Response:
    """A row as shown (« Annuler » of the form)."""
    require_territory(viewer.principal, territory_id, action="lire l'activité saisie")
    if not is_htmx(request):
        return RedirectResponse(page_url(territory_id, periode, visit_id), status_code=303)
    with state.db.session() as s:
        held = held_one(s, territory_visit(s, territory_id, visit_id))
    return row_response(request, viewer, territory_id, held, periode)


@router.get("/territoires/{territory_id}/activite/{visit_id}/saisie")
def activity_form(
    request: Request,
    territory_id: str,
    visit_id: VisitId,
    state: StateDep,
    viewer: ViewerDep,
    now: NowDep,
    periode: Periode = "",
) -> Response:
    """A row as a form (« Saisir » / « Corriger »), when the API would take its counts."""
    require_territory(viewer.principal, territory_id, action="saisir l'activité")
    if not is_htmx(request):
        url = page_url(territory_id, periode, visit_id, editing=True)
        return RedirectResponse(url, status_code=303)
    with state.db.session() as s:
        visit = territory_visit(s, territory_id, visit_id)
        held = held_one(s, visit)
        try:
            writable(s, viewer.principal, visit.plan_id, visit.id, now)
        except (InvalidProblemError, ConflictError) as exc:
            error = f"{exc.message} {exc.hint}"
            return row_response(request, viewer, territory_id, held, periode, error=error)
        partners = partner_choices(s, territory_id, visit.host)
    return row_response(
        request, viewer, territory_id, held, periode, entry=entry_of(held), partners=partners
    )


@router.post("/territoires/{territory_id}/activite/{visit_id}")
def save_activity(
    request: Request,
    territory_id: str,
    visit_id: VisitId,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    contacts: CountForm = "",
    reperes: CountForm = "",
    mobilises: CountForm = "",
    approach: Annotated[str, Form(max_length=40)] = "",
    partner_met: Annotated[str, Form(max_length=100)] = "",
    periode: PeriodeForm = "",
) -> Response:
    """Enter or correct a session's counts (the API's ``POST .../activity``)."""
    require_territory(viewer.principal, territory_id, action="saisir l'activité")
    counts = {"contacts": contacts, "reperes": reperes, "mobilises": mobilises}
    entry = Entry(counts | {"approach": approach, "partner_met": partner_met})
    with state.db.session() as s:
        visit = territory_visit(s, territory_id, visit_id)
        body = checked(entry)
        if body is not None:
            try:
                record_activity(visit.plan_id, visit.id, body, Response(), s, viewer.principal, now)
            except (InvalidProblemError, ConflictError) as exc:
                s.rollback()
                entry.errors.append(f"{exc.message} {exc.hint}")
        held = held_one(s, visit)
        partners = partner_choices(s, territory_id, visit.host)
    if entry.errors:
        if not is_htmx(request):
            return activity_page(
                request,
                state,
                viewer,
                territory_id,
                now,
                periode,
                editing=visit_id,
                entry=entry,
                status=422,
            )
        return row_response(
            request, viewer, territory_id, held, periode, entry=entry, partners=partners, status=422
        )
    if not is_htmx(request):
        return RedirectResponse(page_url(territory_id, periode, visit_id), status_code=303)
    revision = held.record.revision if held.record is not None else 0
    notice = f"Enregistré (révision {revision})."
    return row_response(request, viewer, territory_id, held, periode, notice=notice)


@router.post("/territoires/{territory_id}/activite/{visit_id}/effacer")
def erase_activity(
    request: Request,
    territory_id: str,
    visit_id: VisitId,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    periode: PeriodeForm = "",
) -> Response:
    """Remove a session's counts (the API's ``DELETE .../activity``): back to « à saisir »."""
    require_territory(viewer.principal, territory_id, action="supprimer l'activité")
    with state.db.session() as s:
        visit = territory_visit(s, territory_id, visit_id)
        delete_activity(visit.plan_id, visit.id, s, viewer.principal, now)
        held = held_one(s, visit)
    if not is_htmx(request):
        return RedirectResponse(page_url(territory_id, periode, visit_id), status_code=303)
    return row_response(request, viewer, territory_id, held, periode, notice="Saisie effacée.")
