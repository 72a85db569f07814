"""``milo map PLAN.json --out FILE``: the offline itinerary map of any plan file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import DataDir, console, fail, open_territory
from planner.errors import MiloError


def map_command(
    plan: Annotated[Path, typer.Argument(help="Fichier plan.json (écrit par milo plan / demo).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier HTML (défaut : itinerary.html à côté).")
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(help="Territoire pour les contours (.toml ou démo) ; défaut : celui du plan."),
    ] = None,
    couleurs: Annotated[
        str, typer.Option(help="Couleurs par jour (day), par véhicule (van) ou auto.")
    ] = "auto",
    data_dir: DataDir = None,
) -> None:
    """Carte interactive hors ligne d'un plan (arrêts numérotés, trajets, semaines)."""
    from maps.writers import write_itinerary

    try:
        terr = open_territory(territory, data_dir) if territory else None
        path = write_itinerary(plan, out, territory=terr, color_by=couleurs)
    except MiloError as exc:
        fail(exc)
        return
    size = path.stat().st_size / 1e6
    console.print(f"Écrit : {path} ({size:.1f} Mo, s'ouvre sans connexion)")
