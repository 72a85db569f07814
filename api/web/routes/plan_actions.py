"""The manager's actions on a plan from its page: cancel one date of a visit, re-plan the rest
(close dates, a van or team unavailable), publish.

Each re-plan runs the API's :func:`~api.service.routes.plans.replan` (same checks: a plan not
finished, archived or no longer current is refused in French) from the version shown on the
page, records it in the audit log, and sends the browser to the new draft's progress page; the
new draft lists what changed (``changes`` of its document). Publishing runs the API's
:func:`~api.service.routes.plans.publish` (which records it in the audit log).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.service.auth import require_manager
from api.service.db import repo
from api.service.deps import AppState, StateDep
from api.service.errors import message_fr
from api.service.routes.plans import publish, replan
from api.service.schemas.plans import CANCEL_REASONS, ChangeCreate, ReplanCreate
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, WebMark
from api.web.errors import is_htmx
from planner.errors import InvalidProblemError, NotFoundError

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

#: dates one re-plan may close (the API's limit)
MAX_DATES = 62
KINDS = ("close_date", "van_down")
MODES = ("minimal", "full")


def go(request: Request, url: str) -> Response:
    """Send the browser to ``url`` (``HX-Redirect`` for an HTMX request)."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def start_replan(
    state: AppState,
    viewer: Viewer,
    plan_id: str,
    changes: list[ChangeCreate],
    *,
    mode: Literal["minimal", "full"] = "minimal",
    fill_freed: bool = False,
) -> str:
    """Start a re-plan of ``plan_id`` from the version the page showed (the API records it in
    the audit log); the new plan's id."""
    who = viewer.principal
    with state.db.session() as s:
        parent = repo.get_plan(s, plan_id)
        body = ReplanCreate(
            changes=changes, mode=mode, fill_freed=fill_freed, version=parent.version
        )
        summary = replan(plan_id, body, state, s, who)  # audited there
        return str(summary["id"])


def find_visit(document: dict[str, Any] | None, plan_id: str, visit_id: int) -> dict[str, Any]:
    for v in (document or {}).get("visits", ()):
        if v.get("id") == visit_id:
            return v
    raise NotFoundError(
        f"Visite {visit_id} inconnue dans le plan {plan_id}.",
        hint="Rechargez la page du plan : elle a peut-être été re-planifiée entre-temps.",
    )


def _reason(code: str) -> str:
    if code not in CANCEL_REASONS:
        raise InvalidProblemError(
            f"Motif d'annulation {code!r} inconnu.",
            hint=f"Choisissez un motif de la liste : {', '.join(CANCEL_REASONS.values())}.",
        )
    return code


@router.post("/tournees/{plan_id}/visites/{visit_id}/annuler")
def cancel_visit(
    request: Request,
    plan_id: str,
    visit_id: int,
    state: StateDep,
    viewer: ActingViewerDep,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Cancel one date of a visit (with a reason from the list) and re-plan at once."""
    with state.db.session() as s:
        row = repo.get_plan(s, plan_id)
        require_manager(viewer.principal, row.territory_id, action="annuler une séance")
        visit = find_visit(row.document, plan_id, visit_id)
    change = ChangeCreate(
        kind="cancel_stop",
        stop_id=str(visit["stop_id"]),
        dates=[dt.date.fromisoformat(str(visit["date"]))],
        reason=_reason(reason),
    )
    new_id = start_replan(state, viewer, plan_id, [change])
    return go(request, f"/tournees/{new_id}/progression")


def _date(text: str, label: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidProblemError(
            f"{label} : date illisible (attendu AAAA-MM-JJ, par exemple 2025-05-06).",
            hint="Choisissez la date dans le calendrier du champ.",
        ) from None


def _dates(first: dt.date | None, last: dt.date | None) -> list[dt.date]:
    if first is None:
        if last is not None:
            raise InvalidProblemError(
                "Date « Du » manquante alors que « Au » est donnée.",
                hint="Donnez la première date de la période (ou aucune pour une indisponibilité "
                "sur tout l'horizon).",
            )
        return []
    last = last or first
    if last < first:
        raise InvalidProblemError(
            f"Période du {first:%d/%m/%Y} au {last:%d/%m/%Y} : la fin précède le début.",
            hint="Donnez une date « Au » postérieure ou égale à « Du ».",
        )
    days = (last - first).days + 1
    if days > MAX_DATES:
        raise InvalidProblemError(
            f"Période de {days} jours : au plus {MAX_DATES} jours par re-planification.",
            hint="Raccourcissez la période.",
        )
    return [first + dt.timedelta(days=i) for i in range(days)]


def _choice(value: str, allowed: tuple[str, ...], label: str) -> str:
    if value not in allowed:
        raise InvalidProblemError(
            f"{label} {value!r} inconnu (attendu : {', '.join(allowed)}).",
            hint="Choisissez une valeur de la liste.",
        )
    return value


@router.post("/tournees/{plan_id}/replanifier")
def replan_rest(
    request: Request,
    plan_id: str,
    state: StateDep,
    viewer: ActingViewerDep,
    kind: Annotated[str, Form(max_length=20)] = "close_date",
    van: Annotated[str, Form(max_length=100)] = "",
    first: Annotated[str, Form(max_length=20)] = "",
    last: Annotated[str, Form(max_length=20)] = "",
    mode: Annotated[str, Form(max_length=20)] = "minimal",
    fill_freed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Close dates or declare a van or team unavailable, then re-plan (minimal or full)."""
    with state.db.session() as s:
        row = repo.get_plan(s, plan_id)
        require_manager(viewer.principal, row.territory_id, action="re-planifier")
    kind = _choice(kind, KINDS, "Changement")
    how = cast(Literal["minimal", "full"], _choice(mode, MODES, "Mode de recalcul"))
    dates = _dates(_date(first, "Du"), _date(last, "Au"))
    if kind == "close_date" and not dates:
        raise InvalidProblemError(
            "Fermeture de dates : aucune date donnée.",
            hint="Donnez au moins la date « Du » (et « Au » pour plusieurs jours).",
        )
    if kind == "van_down" and not van:
        raise InvalidProblemError(
            "Indisponibilité : choisissez le véhicule ou l'équipe concerné.",
            hint="« tous » ne vaut que pour une fermeture de dates.",
        )
    try:
        change = ChangeCreate(kind=kind, van=van or None, dates=dates)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidProblemError(
            f"Changement refusé : {message_fr(exc.errors()[0])}.",
            hint="Vérifiez le véhicule et les dates.",
        ) from None
    new_id = start_replan(
        state, viewer, plan_id, [change], mode=how, fill_freed=fill_freed == "oui"
    )
    return go(request, f"/tournees/{new_id}/progression")


@router.post("/tournees/{plan_id}/publier")
def publish_plan(
    request: Request, plan_id: str, state: StateDep, viewer: ActingViewerDep
) -> Response:
    """Publish a finished draft (the API archives the published plan and audits both)."""
    with state.db.session() as s:
        publish(plan_id, state, s, viewer.principal)
    return go(request, f"/tournees/{plan_id}?publie=1")
