"""``milo roads``: download (or import) a territory's road network into the road cache.

From then on ``milo plan`` and ``milo coverage`` use it for that territory (see
:func:`network_for`), and their travel-time method reads « réseau routier OSM (date) ».
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.app import DataDir, console, fail, open_territory
from geo_data.roads_download import (
    DEFAULT_BUFFER_M,
    download_territory_network,
    import_network_file,
    territory_network,
)
from planner.errors import MiloError
from planner.territory import Territory

#: the ``--network`` option of ``milo plan`` and ``milo coverage``
NetworkOption = Annotated[
    Path | None,
    typer.Option(
        help="Réseau routier OSM (.osm, .osm.pbf, .graphml) ; par défaut celui de "
        "« milo roads » pour ce territoire, sinon l'estimation déclarée."
    ),
]


def network_for(territory: Territory, path: Path | None) -> Any:
    """The network a command uses: ``--network FILE`` when given, else the territory's
    downloaded network when complete and current, else None (the declared estimate)."""
    from geo_data.roads import load_road_network

    if path is not None:
        with console.status(f"Chargement du réseau routier {path}…"):
            network, report = load_road_network(path)
        console.print(f"Réseau routier : {report}", markup=False)
        return network
    found = territory_network(territory)
    if found is None:
        return None
    network, status = found
    console.print(
        f"Réseau routier {network.source} du territoire ({status.folder}) : "
        f"{network.n_nodes} nœuds, {network.n_edges} tronçons.",
        markup=False,
    )
    return network


def roads(
    spec: Annotated[str, typer.Argument(help="Fichier .toml du territoire, ou nom d'une démo.")],
    buffer_m: Annotated[
        float, typer.Option("--buffer-m", help="Marge autour du territoire, en mètres.")
    ] = DEFAULT_BUFFER_M,
    force: Annotated[
        bool, typer.Option(help="Retélécharger même si le réseau est à jour.")
    ] = False,
    network: Annotated[
        Path | None,
        typer.Option(
            help="Prendre ce fichier local (.osm, .osm.pbf, .graphml) au lieu d'Overpass."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Télécharge le réseau routier du territoire (OpenStreetMap, via Overpass) ; les plans et
    la couverture l'utilisent ensuite automatiquement."""
    try:
        territory = open_territory(spec, data_dir)
        if network is not None:
            with console.status(f"Import du réseau routier {network}…"):
                status = import_network_file(territory, network)
        else:
            status = download_territory_network(
                territory,
                buffer_m=buffer_m,
                force=force,
                progress=lambda message: console.print(message, markup=False),
            )
    except MiloError as exc:
        fail(exc)
        return
    m = status.manifest
    assert m is not None
    console.print(
        f"Réseau routier {m.label()} de {territory.name} : {m.n_nodes} nœuds, {m.n_edges} "
        f"tronçons, {m.size_bytes / 1e6:.1f} Mo ({m.origin}). "
        f"Écrit : {status.folder / 'network.graphml'}",
        markup=False,
    )
    console.print(
        "milo plan et milo coverage l'utilisent désormais pour ce territoire.", markup=False
    )
