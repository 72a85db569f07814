"""``milo serve``: the API with uvicorn (the tokens are in :mod:`api.cli.tokens`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from api.cli.app import console, fail
from api.service.db.session import Database
from api.service.jobs.queue import is_postgres
from api.service.jobs.state import recover_all
from api.service.settings import Settings, load_settings
from api.service.territory_store import seed_demo
from planner.errors import MiloError


def open_store(settings: Settings) -> Database:
    """The store, schema upgraded, demo territories loaded (first start)."""
    db = Database(settings.db_url)
    db.upgrade()
    if settings.load_demo:
        added = seed_demo(db)
        if added:
            console.print(f"Territoires de démonstration chargés : {', '.join(added)}")
    return db


@contextmanager
def server_store() -> Iterator[tuple[Settings, Database]]:
    """The settings and the open store of a command run on the server; closed on the way out
    (a bad configuration or store is a :class:`MiloError` for the command to report)."""
    settings = load_settings()
    db = open_store(settings)
    try:
        yield settings, db
    finally:
        db.dispose()


def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute.", min=1, max=65535)] = 8000,
) -> None:
    """Lance l'API (uvicorn) ; crée la base et charge les démos au premier démarrage."""
    import uvicorn

    try:
        settings = load_settings()
        db = open_store(settings)
        if not settings.jobs_sync and not is_postgres(settings.db_url):
            # this process runs the embedded store's jobs: those a dead server left running are
            # requeued now, before the web stack loads (the runner resubmits them at start-up)
            recover_all(db)
        db.dispose()
    except MiloError as exc:
        fail(exc)
        return
    console.print(f"Base de données : {settings.db_url.split('@')[-1]}")
    console.print(f"Application web : http://{host}:{port}/connexion (comptes : milo user create)")
    console.print(f"Documentation de l'API : http://{host}:{port}/docs")
    uvicorn.run("api.service.main:app", host=host, port=port, log_level="info")
