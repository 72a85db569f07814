"""``/terrain/seances/{visit_id}/bilan``: the session report of a conseiller's phone.

Counts only (contacts, repérés, mobilisés) and the approach (pre-filled with the visit's): no
free text. Each report carries an idempotency ``key`` (a UUID the page's script makes once per
report, or the hidden field the server put in the form): the first request with a key writes
the activity through the API's own functions (:func:`api.service.routes.activity.writable`
and ``_write``: official plan only 409, started session 422, bounds 422, audit entry, revision)
and stores an :class:`~api.service.db.models.ActivityReportRow` in the same transaction; the
same key again (a phone's retry after a lost answer) gets the stored answer, never a second
write. A correction is a new report (a new key): the revision grows. A report queued on the
phone for a visit of a version archived since (a new publication while it waited) is written
on the same session of the published plan (:func:`api.service.db.lifecycle.followed`), where
the records of the archived version moved; a session the new version dropped is refused (409).

The partner met (optional) is chosen in the list of the territory's partners, the session's
host first (``partner_met``: a partner key, never free text; checked by the API's ``_write``).

Answers: a plain form post is redirected to ``/terrain`` with « Bilan envoyé »; with
``Accept: application/json`` (the offline queue of ``static/field.js``), ``{"status":
"envoye", "revision": n, "duplicate": bool}`` (201 new, 200 duplicate) or the French error
``{"detail", "hint"}`` with its status.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.service.auth import require_territory
from api.service.clock import NowDep
from api.service.db import repo
from api.service.db.lifecycle import followed
from api.service.db.models import ActivityReportRow, PlanRow, VisitRow
from api.service.deps import StateDep
from api.service.errors import ConflictError, error_body, status_of
from api.service.routes.activity import VisitId, _write, started, utc, writable
from api.service.schemas.activity import MAX_CONTACTS_PER_SESSION, ActivityCreate
from api.service.web_sessions import Viewer
from api.web.activity_entry import (
    APPROACHES,
    COUNTS,
    Entry,
    checked,
    entry_of,
    held_one,
    partner_choices,
)
from api.web.deps import ActingViewerDep, ViewerDep, WebMark
from api.web.errors import wants_json
from api.web.pages import render
from api.web.routes.field import conseiller_territory
from planner.errors import InvalidProblemError, MiloError, NotFoundError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

KEY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CountForm = Annotated[str, Form(max_length=200)]
TextForm = Annotated[str, Form(max_length=100)]


def report_url(visit_id: int) -> str:
    return f"/terrain/seances/{visit_id}/bilan"


def territory_visit(s: Session, viewer: Viewer, visit_id: int) -> VisitRow:
    """The visit (404), of the viewer's territory (the French 403 otherwise)."""
    visit = s.get(VisitRow, visit_id)
    plan = None if visit is None else s.get(PlanRow, visit.plan_id)
    if visit is None or plan is None:
        raise NotFoundError(
            f"Séance n° {visit_id} inconnue.",
            hint="Revenez à la page Aujourd'hui et choisissez une séance du plan publié.",
        )
    require_territory(viewer.principal, plan.territory_id, action="saisir l'activité")
    return visit


def visit_territory(s: Session, visit: VisitRow) -> str:
    return repo.get_plan(s, visit.plan_id).territory_id


def check_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise InvalidProblemError(
            f"Clé du bilan illisible : un identifiant UUID est attendu (36 caractères), reçu "
            f"« {key[:40]} ».",
            hint="Rechargez le formulaire du bilan : il porte sa propre clé.",
        )
    return key.lower()


def stored_answer(s: Session, viewer: Viewer, key: str, visit_id: int) -> int | None:
    """The revision a report with ``key`` already wrote (None if the key is new); the key of
    another session is refused (409)."""
    row = s.get(ActivityReportRow, key, populate_existing=True)
    if row is None:
        return None
    if row.visit_id != visit_id:
        raise ConflictError(
            f"Clé de bilan déjà utilisée pour une autre séance (n° {row.visit_id}), reçue pour "
            f"la séance n° {visit_id}.",
            hint="Rechargez le formulaire du bilan : chaque bilan a sa propre clé.",
        )
    territory_visit(s, viewer, visit_id)
    return row.revision


def save_report(
    s: Session, viewer: Viewer, visit_id: int, key: str, body: ActivityCreate, now: dt.datetime
) -> tuple[int, bool]:
    """Write the report once: (revision, duplicate)."""
    revision = stored_answer(s, viewer, key, visit_id)
    if revision is not None:
        return revision, True
    who = viewer.principal
    # queued before a publication: the same session of the plan published since
    visit = followed(s, territory_visit(s, viewer, visit_id))
    plan, visit = writable(s, who, visit.plan_id, visit.id, now)
    repo.lock_visit(s, visit.id)  # a concurrent sender of the same key waits here
    revision = stored_answer(s, viewer, key, visit_id)
    if revision is not None:
        s.rollback()
        return revision, True
    old = repo.get_activity(s, visit.id)
    expected = 1 if old is None else old.revision + 1
    # the key stays with the visit the phone sent it for: its retries find the stored answer
    report = ActivityReportRow(key=key, visit_id=visit_id, user_id=viewer.user.id)
    report.revision, report.received_at = expected, utc(now)
    s.add(report)
    s.flush()
    row, _ = _write(s, who, plan, visit, body, now, must_exist=False)  # commits both
    return row.revision, False


def send(state: Any, viewer: Viewer, visit_id: int, key: str, body: ActivityCreate, now) -> tuple:
    with state.db.session() as s:
        try:
            return save_report(s, viewer, visit_id, key, body, now)
        except IntegrityError:  # the same key committed by a concurrent request
            s.rollback()
            revision = stored_answer(s, viewer, key, visit_id)
            if revision is None:
                raise
            return revision, True


def form_page(
    request: Request,
    state: Any,
    viewer: Viewer,
    visit_id: int,
    now: dt.datetime,
    *,
    entry: Entry | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    with state.db.session() as s:
        visit = territory_visit(s, viewer, visit_id)
        held = held_one(s, visit)
        is_started = started(visit, now)
        partners = partner_choices(s, visit_territory(s, visit), visit.host)
    return render(
        request,
        "field_report.html",
        viewer=viewer,
        title="Bilan de séance",
        status_code=status,
        h=held,
        entry=entry or entry_of(held),
        key=str(uuid.uuid4()),
        started=is_started,
        error=error,
        approaches=APPROACHES,
        partners=partners,
        counts=COUNTS,
        max_count=MAX_CONTACTS_PER_SESSION,
        updated=now,
    )


@router.get("/terrain/seances/{visit_id}/bilan")
def report_form(
    request: Request, visit_id: VisitId, state: StateDep, viewer: ViewerDep, now: NowDep
) -> Response:
    conseiller_territory(viewer, "Bilan de séance")
    return form_page(request, state, viewer, visit_id, now)


def json_error(exc: MiloError) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=status_of(exc))


@router.post("/terrain/seances/{visit_id}/bilan")
async def report_send(
    request: Request,
    visit_id: VisitId,
    state: StateDep,
    viewer: ActingViewerDep,
    now: NowDep,
    key: TextForm = "",
    contacts: CountForm = "",
    reperes: CountForm = "",
    mobilises: CountForm = "",
    approach: TextForm = "",
    partner_met: TextForm = "",
) -> Response:
    as_json = wants_json(request)
    counts = {"contacts": contacts, "reperes": reperes, "mobilises": mobilises}
    entry = Entry(counts | {"approach": approach, "partner_met": partner_met})
    try:
        conseiller_territory(viewer, "Bilan de séance")
        key = check_key(key)
        body = checked(entry)
        if body is None:
            raise InvalidProblemError(
                " ".join(entry.errors),
                hint=f"Des nombres entiers de 0 à {MAX_CONTACTS_PER_SESSION}, repérés et "
                "mobilisés au plus égaux aux contacts.",
            )
        revision, duplicate = await run_in_threadpool(send, state, viewer, visit_id, key, body, now)
    except MiloError as exc:
        if as_json:
            return json_error(exc)
        if status_of(exc) in (401, 403, 404):
            raise
        error = f"{exc.message} {exc.hint}".strip()
        if not entry.errors:
            entry.errors.append(error)
        return form_page(
            request, state, viewer, visit_id, now, entry=entry, error=error, status=status_of(exc)
        )
    if as_json:
        answer = {"status": "envoye", "revision": revision, "duplicate": duplicate}
        return JSONResponse(answer, status_code=200 if duplicate else 201)
    return RedirectResponse(f"/terrain?envoye=1&revision={revision}", status_code=303)
