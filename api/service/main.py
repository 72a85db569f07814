"""The FastAPI application: ``uvicorn api.service.main:app`` or ``milo serve``.

On start it creates or upgrades the schema (Alembic) and, when the store has no territory yet,
loads the embedded demo territories so that a new user sees something.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api.service.auth import Authenticator
from api.service.db.session import Database
from api.service.deps import AppState
from api.service.errors import install_error_handlers
from api.service.jobs import make_runner
from api.service.jobs.queue import is_postgres, run_worker
from api.service.limits import BodySizeLimit, FailureLimiter
from api.service.plan_index import PlanIndex
from api.service.routes import (
    activity,
    activity_locks,
    audit,
    comparison,
    docs,
    health,
    maps,
    outcomes,
    partners,
    plan_edits,
    plan_outputs,
    plans,
    territories,
    tokens,
)
from api.service.security import SecurityHeaders
from api.service.settings import Settings, get_settings
from api.service.territory_store import TerritoryCache, seed_demo
from api.web import install as _install_web

DESCRIPTION = """
Planification de l'aller-vers des Missions Locales : tournées du camion (Milo Mobile),
prochain arrêt, saisie d'activité (comptes uniquement), couverture et comparaison régionale.

**Accès** : un jeton par territoire (`milo token create --territory ID --role manager|conseiller`)
ou régional (`--role arml`), dans l'en-tête `Authorization: Bearer <jeton>`.
- *manager* : planifie et modifie son territoire ;
- *conseiller* : lit les plans de son territoire et saisit l'activité ;
- *arml* : lit la liste des territoires et la comparaison régionale (comptes < 11 masqués).

Les erreurs sont en français : `{"detail": ..., "hint": ...}`.
"""

#: answers smaller than this are sent as they are (gzip would not pay for its header)
GZIP_MINIMUM_BYTES = 1000

TAGS = [
    {"name": "service", "description": "État du service."},
    {"name": "territoires", "description": "Territoires, communes, couverture."},
    {"name": "partenaires", "description": "Lieux partenaires d'un territoire."},
    {"name": "plans", "description": "Tournées : calcul, re-planification, exports."},
    {"name": "terrain", "description": "Prochain arrêt et saisie d'activité."},
    {"name": "région", "description": "Comparaison régionale (ARML), avec secret statistique."},
    {"name": "cartes", "description": "Cartes HTML autonomes (hors ligne)."},
    {"name": "jetons", "description": "Jetons conseiller d'un territoire (manager)."},
]


def build_state(settings: Settings) -> AppState:
    """Open the store, upgrade its schema, seed the demo territories, start the job pool."""
    db = Database(settings.db_url)
    db.upgrade()
    if settings.load_demo:
        seed_demo(db)
    cache = TerritoryCache(db)
    jobs = make_runner(db, cache, settings)
    jobs.start()
    return AppState(
        settings=settings,
        db=db,
        territories=cache,
        jobs=jobs,
        auth=Authenticator(
            db, settings.secret, FailureLimiter(limit=settings.auth_failures_per_minute)
        ),
        plans=PlanIndex(db),
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the state from the settings; a state installed beforehand is kept as is (its owner
    closes it), so that in-process clients that start the app per request share one store."""
    if getattr(app.state, "milo", None) is not None:
        yield
        return
    settings = app.dependency_overrides.get(get_settings, get_settings)()
    state = build_state(settings)
    app.state.milo = state
    worker = None
    if is_postgres(settings.db_url) and not settings.jobs_sync and not settings.external_workers:
        worker = asyncio.create_task(
            run_worker(
                state.db,
                concurrency=settings.job_workers,
                overrun=settings.job_overrun_seconds,
                name="milo-serve",
                signals=False,
            )
        )
    try:
        yield
    finally:
        if worker is not None:  # stops at once: its running job goes back to the queue
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        state.jobs.shutdown()
        state.db.dispose()
        app.state.milo = None


def create_app() -> FastAPI:
    """A new application (settings are read at start-up through :func:`get_settings`)."""
    app = FastAPI(
        title="milo-nomade",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # served offline by routes/docs.py
        redoc_url=None,
    )
    install_error_handlers(app)
    # The last added is the outermost: the body limit first (before anything reads the body or
    # the token), then gzip, which must wrap the security headers (the CSP hashes the page
    # before it is compressed).
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)
    app.add_middleware(BodySizeLimit)
    for module in (
        health,
        territories,
        partners,
        plan_outputs,
        plans,
        plan_edits,
        activity,
        activity_locks,
        outcomes,
        audit,
        comparison,
        maps,
        docs,
        tokens,
    ):
        app.include_router(module.router)
    _install_web(app)  # the pages, and HTML error pages for them
    return app


app = create_app()
