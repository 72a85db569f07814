"""The web application: server-rendered French pages (Jinja2 + HTMX) for each role.

Served by the same FastAPI process as the JSON API (:func:`install`). People log in with an
account (:mod:`api.service.users`) and a session cookie (:mod:`api.service.web_sessions`);
every state-changing request carries the session's CSRF token (:mod:`api.web.deps`). Pages
call the same workflows as the API and the CLI; user text is escaped by Jinja2 (autoescape)
and reaches scripts only as JSON (``tojson``). Assets are the project's own (``static/``) and
npm copies (``maps/vendor/``), served by :mod:`api.web.routes.static`.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.web import errors
from api.web.routes import (
    account,
    activity,
    activity_locks,
    agenda,
    arml,
    arml_map,
    field,
    field_offline,
    field_report,
    home,
    journal,
    outcomes,
    partners,
    plan_actions,
    plan_kit,
    plan_moves,
    plan_view,
    planning,
    public,
    roads,
    static,
    team,
    territory,
)


def install(app: FastAPI) -> None:
    """Add the pages and the HTML error pages to ``app``."""
    errors.install(app)
    for module in (
        static,
        agenda,
        account,
        home,
        field,
        field_report,
        field_offline,
        team,
        territory,
        roads,
        partners,
        planning,
        plan_view,
        plan_actions,
        plan_kit,
        plan_moves,
        activity,
        activity_locks,
        outcomes,
        journal,
        arml,
        arml_map,
        public,
    ):
        app.include_router(module.router)
    app.include_router(agenda.feed_router)  # the private calendar feed: no login, no HTML
