"""``milo demo``: what it does, step by step, for each embedded demo territory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.app import DataDir, console, fail
from api.cli.coverage import run_compare
from api.cli.plan import next_monday, print_plan
from api.cli.report import run_report
from api.cli.territory import print_summary
from geo_data.demo import DEMO_DIR, DEMO_SLUGS, load_demo_territory
from geo_data.outputs import write_coverage, write_territory_geojson
from geo_data.plan_files import write_plan_files
from maps.writers import write_coverage as write_coverage_map
from maps.writers import write_itinerary
from planner.errors import DataSourceError, MiloError
from planner.workflows.coverage import territory_coverage
from planner.workflows.planning import plan_territory

DEMO_STOPS = 8
DEMO_WEEKS = 4


def run(
    out: Path,
    *,
    console: Console,
    data_dir: Path | None = None,
    time_limit: float = 20.0,
    start: dt.date | None = None,
) -> list[Path]:
    """Summary, coverage (and the later steps) of each demo territory into ``out/<slug>/``,
    then the regional comparison into ``out/region/`` when the official files are available."""
    written: list[Path] = []
    for slug in DEMO_SLUGS:
        territory = load_demo_territory(slug)
        print_summary(territory, console)
        target = out / slug
        written.append(write_territory_geojson(territory, target / "territory.geojson"))
        with console.status(f"{territory.name} : besoins et couverture…"):
            result = territory_coverage(territory, k=DEMO_STOPS)
        written += write_coverage(territory, result, target)
        first = start or next_monday()
        with console.status(f"{territory.name} : planification de {DEMO_WEEKS} semaines…"):
            plan = plan_territory(
                territory, start=first, weeks=DEMO_WEEKS, time_limit=time_limit, seed=0,
                spec=slug, need=result.need,
            )  # fmt: skip
        print_plan(plan)
        written += write_plan_files(plan, target)
        with console.status(f"{territory.name} : cartes…"):
            written.append(write_itinerary(target / "plan.json", territory=territory))
            written.append(
                write_coverage_map(
                    territory, target / "coverage.html", plan=plan.to_json(), coverage=result
                )
            )
        for path in written[-10:]:
            console.print(f"Écrit : {path}")
    written += _region(out / "region", console=console, data_dir=data_dir)
    return written


def _region(out: Path, *, console: Console, data_dir: Path | None) -> list[Path]:
    """The ARML comparison and the regional report (fictive counts), from the official files
    when present, else from the region pack installed with the package (no download)."""
    region = DEMO_DIR / "specs" / "region-bfc.toml"
    try:
        paths = run_compare(region, out, data_dir=data_dir, synthetic=True)
    except DataSourceError as exc:
        console.print(
            "Comparaison régionale non lancée : données de la région indisponibles "
            f"({exc.message}) {exc.hint or ''}",
            markup=False,
        )
        return []
    # the regional report on fictive counts (activity and outcomes, « données fictives »)
    paths += run_report(region, out, activity=None, fictives=True, data_dir=data_dir)
    for path in paths:
        console.print(f"Écrit : {path}")
    return paths


def demo(
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out/demo"),
    time_limit: Annotated[float, typer.Option(help="Temps de calcul par plan (s).")] = 20.0,
    data_dir: DataDir = None,
) -> None:
    """Lance la démonstration sur les territoires embarqués (hors ligne)."""
    try:
        run(out, console=console, data_dir=data_dir, time_limit=time_limit)
    except MiloError as exc:
        fail(exc)
