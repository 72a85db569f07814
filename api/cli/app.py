"""The typer application of ``milo`` and what every command group shares.

Each command group lives in its own module of :mod:`api.cli` and registers on :data:`app`;
``api/cli/__init__.py`` imports them all. User-facing text is French.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from geo_data.demo import DEMO_SLUGS, load_demo_territory
from geo_data.loader import load_territory
from planner.errors import MiloError
from planner.territory import Territory

app = typer.Typer(
    help="milo-nomade : planifier l'aller-vers des Missions Locales (tournées, couverture).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Dossier des fichiers officiels (sinon MILO_DATA_DIR)."),
]


def open_territory(spec: str, data_dir: Path | None = None) -> Territory:
    """A spec path, the slug of an embedded demo territory, or a folder of territory files
    (``meta.json``, ``communes.geojson``...: the embedded demos' format)."""
    if spec in DEMO_SLUGS:
        return load_demo_territory(spec)
    folder = Path(spec)
    if folder.is_dir() and (folder / "meta.json").is_file():  # a territory in files
        from geo_data.territory_io import territory_from_files

        return territory_from_files(folder)
    with console.status(f"Chargement du territoire {spec}…"):
        return load_territory(Path(spec), data_dir=data_dir)


def fail(exc: MiloError) -> None:
    console.print(f"[bold red]Erreur :[/] {exc.message}")
    if exc.hint:
        console.print(f"[yellow]Conseil :[/] {exc.hint}")
    raise typer.Exit(code=2)
