"""``milo worker``: run plan jobs of a PostgreSQL store (any machine that reaches it)."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Annotated

import typer

from api.cli.app import console, fail
from api.service.db.session import Database
from api.service.errors import SettingsError
from api.service.jobs.queue import is_postgres, run_worker
from api.service.settings import load_settings
from planner.errors import MiloError


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(help="Calculs menés à la fois (défaut : MILO_JOB_WORKERS).", min=1, max=32),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Nom du worker dans les journaux (défaut : la machine).")
    ] = None,
) -> None:
    """Exécute les calculs de plans d'une base PostgreSQL (MILO_DATABASE_URL) ; SIGTERM ou
    Ctrl+C l'arrête en quelques secondes et remet le calcul en cours dans la file."""
    try:
        settings = load_settings()
        if not is_postgres(settings.db_url):
            raise SettingsError(
                "milo worker demande une base PostgreSQL ; MILO_DATABASE_URL désigne "
                f"« {settings.db_url.split('@')[-1]} ».",
                hint="Définissez MILO_DATABASE_URL=postgresql+psycopg://utilisateur:motdepasse@"
                "hote:5432/base ; avec la base SQLite intégrée, milo serve exécute lui-même "
                "les calculs.",
            )
        db = Database(settings.db_url)
        db.upgrade()
    except MiloError as exc:
        fail(exc)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    label = name or socket.gethostname()
    console.print(f"Worker {label} : base {settings.db_url.split('@')[-1]}")
    try:
        asyncio.run(
            run_worker(
                db,
                concurrency=concurrency or settings.job_workers,
                overrun=settings.job_overrun_seconds,
                name=label,
                signals=True,
            )
        )
    finally:
        db.dispose()
    console.print(f"Worker {label} arrêté.")
