"""The private calendar feed: ``GET /agenda/{secret}.ics`` and its section of « Mon compte ».

Calendar apps (Google Agenda, Outlook, Apple Calendar) cannot log in: the feed's URL carries a
secret (:mod:`api.service.calendar_feeds`). It answers the published plan of the person's
territory as the API's ICS export builds it (:func:`planner.itinerary.export.plan_to_ics`:
the same UID per visit and a SEQUENCE that grows with each re-plan that changes it, removed
visits as ``STATUS:CANCELLED``), so a moved or cancelled session updates in place. A draft
never reaches it. An unknown or revoked secret, or a disabled account, gets the same plain
French 404. On « Mon compte », the person creates the feed, changes its address (rotation) or
revokes it (POST + CSRF, audited); the URL is shown once, to its owner only.
"""

from __future__ import annotations

from typing import Annotated, Literal

import icalendar
from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from api.service import calendar_feeds
from api.service.db import repo
from api.service.db.models import CalendarFeedRow
from api.service.deps import StateDep
from api.service.settings import Settings
from api.service.web_sessions import Viewer
from api.web.deps import ActingViewerDep, WebMark
from api.web.pages import render
from planner.itinerary.export import plan_to_ics
from planner.itinerary.plan import Plan

#: the feed itself: no login, no HTML error pages (a calendar app reads the answer)
feed_router = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False, dependencies=[WebMark])

NOT_FOUND = (
    "Agenda introuvable : cette adresse n'existe pas ou n'est plus valable.\n"
    "Ouvrez « Mon compte » dans milo-nomade pour obtenir l'adresse actuelle de votre agenda.\n"
)
FEED_HEADERS = {
    "Cache-Control": "private, max-age=300",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


def empty_calendar(territory_id: str) -> bytes:
    """A valid calendar without events (no published plan yet): subscriptions keep working."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//milo-nomade//itinéraire//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Tournées {territory_id}")
    return cal.to_ical()


@feed_router.get("/agenda/{secret}.ics")
def feed(secret: str, state: StateDep) -> Response:
    with state.db.session() as s:
        user = calendar_feeds.resolve_feed(s, secret[:100], state.settings.secret)
        if user is None or user.territory_id is None:
            return PlainTextResponse(
                NOT_FOUND, status_code=404, headers={"X-Robots-Tag": "noindex"}
            )
        plan = repo.official_plan(s, user.territory_id)
        body = (
            plan_to_ics(Plan.from_json(plan.document))
            if plan is not None and plan.document is not None
            else empty_calendar(user.territory_id)
        )
        s.commit()  # last_fetched_at
    return Response(body, media_type="text/calendar; charset=utf-8", headers=FEED_HEADERS)


# -- « Mon compte » --------------------------------------------------------------------------


def public_base(request: Request, settings: Settings) -> str:
    """The address people reach the service at: ``MILO_PUBLIC_URL`` when set, else the
    request's own."""
    if "public_url" in settings.model_fields_set:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def feed_urls(request: Request, settings: Settings, token: str) -> dict[str, str]:
    """The feed's https address and its ``webcal://`` form (calendar apps subscribe to it)."""
    url = f"{public_base(request, settings)}/agenda/{token}.ics"
    scheme, _, rest = url.partition("://")
    return {"url": url, "webcal": f"webcal://{rest}" if rest else url}


def feed_of(state, viewer: Viewer) -> CalendarFeedRow | None:
    with state.db.session() as s:
        row = calendar_feeds.active_feed(s, viewer.user.id)
        if row is not None:
            s.expunge(row)
        return row


def account_response(
    request: Request,
    state,
    viewer: Viewer,
    *,
    urls: dict[str, str] | None = None,
    notice: str = "",
    done: bool = False,
    error: str = "",
    hint: str = "",
    status: int = 200,
) -> Response:
    """« Mon compte » (``urls``: the feed's address, just made; shown this once)."""
    response = render(
        request,
        "account.html",
        viewer=viewer,
        title="Mon compte",
        status_code=status,
        error=error,
        hint=hint,
        done=done,
        feed=feed_of(state, viewer),
        feed_urls=urls,
        feed_notice=notice,
    )
    response.headers["Cache-Control"] = "no-store"  # the page may show the feed's secret
    return response


@router.post("/compte/agenda")
def make_feed(
    request: Request,
    state: StateDep,
    viewer: ActingViewerDep,
    action: Annotated[Literal["creer", "changer"], Form()] = "creer",
) -> Response:
    """Create the feed, or change its address (the old one answers 404 at once)."""
    with state.db.session() as s:
        token, _ = calendar_feeds.create_feed(s, viewer.principal, state.settings.secret)
        s.commit()
    notice = (
        "Nouvelle adresse créée : l'ancienne ne fonctionne plus. Abonnez vos agendas à celle-ci."
        if action == "changer"
        else "Agenda créé. Copiez son adresse maintenant : elle ne sera plus affichée."
    )
    return account_response(
        request, state, viewer, urls=feed_urls(request, state.settings, token), notice=notice
    )


@router.post("/compte/agenda/revoquer")
def revoke_feed(state: StateDep, viewer: ActingViewerDep) -> Response:
    """Revoke one's own feed (its address answers 404 at once)."""
    with state.db.session() as s:
        calendar_feeds.revoke_feed(s, viewer.principal)
        s.commit()
    return RedirectResponse("/compte?agenda=revoque#agenda", status_code=303)
