"""``milo data``: where each official layer of the region is read from, and its download."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.app import DataDir, console, fail
from geo_data.fetch import locate
from geo_data.official import LAYERS, load_official
from geo_data.region_pack import source_keys
from geo_data.sources import SOURCES
from planner.errors import DataSourceError, MiloError


def _download(folder: Path | None) -> None:
    """Fetch into the cache every official file that has a direct link and is not present."""
    for layer in LAYERS:
        for key in source_keys(layer):
            source = SOURCES[key]
            try:
                path = locate(key, folder=folder, download=source.url is not None)
            except DataSourceError as exc:
                console.print(f"{source.title} : {exc.message}", markup=False)
                continue
            console.print(f"{source.title} : {path}", markup=False)


def data(
    download: Annotated[
        bool,
        typer.Option(
            "--download",
            help="Télécharger dans le cache les fichiers officiels qui ont un lien direct "
            "(communes, EPCI, contours) ; les autres s'obtiennent sur la page de leur producteur.",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Données de la région : pour chaque couche, sa source, son édition et d'où elle est lue
    (fichier officiel présent, sinon le paquet régional installé avec milo-nomade)."""
    try:
        if download:
            _download(data_dir)
        official = load_official(folder=data_dir)
    except MiloError as exc:
        fail(exc)
        return
    table = Table(title="Données de la région", show_lines=False)
    for column in ("Couche", "Édition", "Lue depuis"):
        table.add_column(column)
    for layer, line in zip(LAYERS, official.attributions(), strict=True):
        origin = official.origins.get(layer, "")
        where = official.origin_fr(layer) if origin == "pack" else origin
        table.add_row(line.split(" — ")[0], SOURCES[source_keys(layer)[0]].edition, where)
    console.print(table)
    if official.pack is not None:
        console.print(
            f"Paquet régional : {official.pack.folder} (construit le "
            f"{official.pack.built.isoformat()}) ; un fichier officiel présent dans "
            "--data-dir, MILO_DATA_DIR ou le cache passe devant.",
            markup=False,
        )
