"""The ``milo`` command line (typer). User-facing text is French.

Commands: ``territory``, ``demo``; the engine issues add ``plan``, ``validate``, ``coverage``,
``compare``, ``map``, ``serve`` and ``token`` through :func:`register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.summary import print_summary, write_territory_geojson
from geo_data.demo import DEMO_SLUGS, load_demo_territory
from geo_data.loader import load_territory
from geo_data.territory import Territory
from planner.errors import MiloError

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
    """A spec path, or the slug of an embedded demo territory."""
    if spec in DEMO_SLUGS:
        return load_demo_territory(spec)
    with console.status(f"Chargement du territoire {spec}…"):
        return load_territory(Path(spec), data_dir=data_dir)


def fail(exc: MiloError) -> None:
    console.print(f"[bold red]Erreur :[/] {exc.message}")
    if exc.hint:
        console.print(f"[yellow]Conseil :[/] {exc.hint}")
    raise typer.Exit(code=2)


@app.command()
def territory(
    spec: Annotated[str, typer.Argument(help="Fichier .toml du territoire, ou nom d'une démo.")],
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out"),
    data_dir: DataDir = None,
) -> None:
    """Résumé d'un territoire et export territory.geojson."""
    try:
        t = open_territory(spec, data_dir)
    except MiloError as exc:
        fail(exc)
        return
    print_summary(t, console)
    path = write_territory_geojson(t, out / t.id / "territory.geojson")
    console.print(f"Écrit : {path}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out/demo"),
    time_limit: Annotated[float, typer.Option(help="Temps de calcul par plan (s).")] = 20.0,
    data_dir: DataDir = None,
) -> None:
    """Lance la démonstration sur les territoires embarqués (hors ligne)."""
    from api import demo_run

    try:
        demo_run.run(out, console=console, data_dir=data_dir, time_limit=time_limit)
    except MiloError as exc:
        fail(exc)


def main() -> None:  # pragma: no cover - entry point
    app()


for _module in ("api.cli_plan", "api.cli_coverage", "api.cli_serve", "api.cli_map"):
    try:
        __import__(_module)
    except ModuleNotFoundError as _exc:  # a later issue's command group not written yet
        if _exc.name != _module:
            raise
