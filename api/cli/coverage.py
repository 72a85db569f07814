"""``milo coverage`` and ``milo compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.app import DataDir, console, fail, open_territory
from api.cli.roads import NetworkOption, network_for
from geo_data.outputs import write_comparison, write_coverage
from geo_data.region import load_region
from planner.errors import MiloError
from planner.workflows.comparison import region_comparison
from planner.workflows.coverage import territory_coverage


def coverage(
    spec: Annotated[str, typer.Argument(help="Fichier .toml du territoire, ou nom d'une démo.")],
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out"),
    stops: Annotated[int, typer.Option("--stops", "-k", help="Nombre d'arrêts du camion.")] = 8,
    within: Annotated[int, typer.Option(help="Seuil d'accès en minutes.")] = 20,
    network: NetworkOption = None,
    data_dir: DataDir = None,
) -> None:
    """Score de besoin par commune (need.csv, need.geojson) et choix des arrêts du camion."""
    try:
        territory = open_territory(spec, data_dir)
        road_network = network_for(territory, network)
        with console.status("Calcul des besoins et de la couverture…"):
            result = territory_coverage(
                territory, k=stops, within=within * 60, network=road_network
            )
        paths = write_coverage(territory, result, out)
    except MiloError as exc:
        fail(exc)
        return
    ind = result.indicators.to_record()
    console.print(
        f"{territory.name} : {len(result.choice.selected_ids)} arrêts choisis ; jeunes à moins de "
        f"20 min d'un point de contact : {ind['share_20min_fixed']:.0%} (sites fixes) → "
        f"{ind['share_20min_with_van']:.0%} (avec le camion). "
        f"Temps de trajet : {result.travel_description}."
    )
    for path in paths:
        console.print(f"Écrit : {path}")


def compare(
    region: Annotated[
        Path, typer.Argument(help="Fichier .toml de la région (liste de territoires).")
    ],
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out/region"),
    stops: Annotated[
        int, typer.Option("--stops", "-k", help="Arrêts du camion par territoire.")
    ] = 8,
    fictives: Annotated[
        bool,
        typer.Option(
            "--activite-fictive",
            help="Donner un historique d'activité fictif (démonstration) aux territoires sans "
            "fichier d'activité.",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Comparaison régionale (ARML) : comparison.csv et comparison.json, comptes < 11 masqués."""
    try:
        paths = run_compare(region, out, stops=stops, data_dir=data_dir, synthetic=fictives)
    except MiloError as exc:
        fail(exc)
        return
    for path in paths:
        console.print(f"Écrit : {path}")


def run_compare(
    region: Path,
    out: Path,
    *,
    stops: int = 8,
    data_dir: Path | None = None,
    synthetic: bool = False,
) -> list[Path]:
    with console.status("Chargement des territoires de la région…"):
        spec, territories = load_region(region, data_dir=data_dir)
    with console.status(f"Couverture de {len(territories)} territoires…"):
        table, _ = region_comparison(territories, k=stops, synthetic_activity=synthetic)
    console.print(
        f"{spec.name} : {len(territories)} territoires comparés ; comptes inférieurs à 11 masqués."
    )
    if spec.approximation:
        console.print(spec.approximation, style="dim", markup=False)
    about: dict[str, Any] = {"id": spec.id, "name": spec.name, "approximation": spec.approximation}
    if territories:
        about["sources"] = list(territories[0].sources)
    paths = write_comparison(table, out, region=about)
    return [*paths, write_comparison_map(territories, table, out / "comparison.html")]


def write_comparison_map(territories: list, table, path: Path) -> Path:
    """``comparison.html``: territories shaded by the share of young people within 20 min."""
    import pandas as pd

    from maps.comparison import territories_from_communes
    from maps.writers import write_comparison as write_map
    from planner.coverage.compare import TOTAL_ID

    communes = pd.concat([t.communes.assign(territory_id=t.id) for t in territories])
    shapes = territories_from_communes(
        communes, key="territory_id", names={t.id: t.name for t in territories}
    )
    frame = table.to_frame().set_index("territory_id").drop(index=TOTAL_ID, errors="ignore")
    return write_map(shapes, frame, path, indicator="share_20min_fixed")
