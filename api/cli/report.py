"""``milo report REGION.toml [--activity FILE] --out DIR``: the ARML's regional report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import DataDir, console, fail
from planner.errors import InvalidSpecError, MiloError

FICTIVE_MONTHS = 42  # January 2020 - June 2023: the span of the ARML's published report


def report(
    region: Annotated[Path, typer.Argument(help="Fichier .toml de la région (voir README).")],
    activity: Annotated[
        Path | None,
        typer.Option(
            "--activity",
            help="Comptages par territoire, mois et démarche (CSV ; colonnes dans le README).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Dossier de sortie.")] = Path("out/report"),
    fictives: Annotated[
        bool,
        typer.Option(
            "--activite-fictive",
            help="Sans fichier : des comptages fictifs de démonstration (signalés partout).",
        ),
    ] = False,
    stops: Annotated[
        int, typer.Option(help="Arrêts du véhicule par territoire pour la couverture.")
    ] = 8,
    data_dir: DataDir = None,
) -> None:
    """Bilan régional de l'aller-vers (ARML) : report.html et report.pdf."""
    try:
        paths = run_report(region, out, activity=activity, fictives=fictives, stops=stops,
                           data_dir=data_dir)  # fmt: skip
    except MiloError as exc:
        fail(exc)
        return
    for path in paths:
        console.print(f"Écrit : {path}")


def run_report(
    region: Path,
    out: Path,
    *,
    activity: Path | None,
    fictives: bool = False,
    stops: int = 8,
    data_dir: Path | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    from geo_data.counts_file import parse_counts
    from geo_data.region import load_region
    from geo_data.user_files import read_table
    from maps.report import write_report
    from planner.coverage.synthetic_outcomes import synthetic_counts
    from planner.workflows.comparison import region_comparison
    from planner.workflows.report import regional_report

    today = today or dt.date.today()
    if activity is None and not fictives:
        raise InvalidSpecError(
            "Aucun comptage : le bilan régional se fait à partir des comptages des Missions "
            "Locales.",
            hint="Donnez --activity comptages.csv (voir le README), ou --activite-fictive pour "
            "une démonstration.",
        )
    with console.status("Chargement des territoires de la région…"):
        spec, territories = load_region(region, data_dir=data_dir)
    ids = [t.id for t in territories]
    if activity is not None:
        counts = parse_counts(
            read_table(activity), source=activity.name, territories=ids, today=today
        )
        source = f"Comptages des Missions Locales ({activity.name})"
    else:
        counts = synthetic_counts(ids, first=dt.date(2020, 1, 1), months=FICTIVE_MONTHS)
        source = "Comptages fictifs de démonstration (milo-nomade)"
    with console.status(f"Couverture de {len(territories)} territoires…"):
        table, rows = region_comparison(territories, k=stops, today=today)
    travel = rows[0].travel_description or rows[0].method if rows else ""
    coverage_source = (
        "Calcul milo-nomade sur les données officielles (communes, France Services, mairies) : "
        f"lieux fixes, puis {stops} arrêts réguliers du véhicule par territoire choisis par le "
        f"modèle de couverture ; temps de trajet : {travel}"
    )
    partner_types = {
        t.id: {str(k): int(v) for k, v in t.partners["type"].value_counts().items()}
        for t in territories
    }
    result = regional_report(
        spec.name,
        {t.id: t.name for t in territories},
        counts,
        counts_source=source,
        synthetic=activity is None,
        comparison=table,
        coverage_source=coverage_source,
        partner_types=partner_types,
        partners_source="Lieux recensés dans les données des territoires (mairies de "
        "l'Annuaire de l'administration, France Services de l'ANCT, partenaires déclarés)",
    )
    return write_report(result, out, edited=today)
