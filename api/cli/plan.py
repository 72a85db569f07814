"""``milo plan`` and ``milo validate``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.app import DataDir, console, fail, open_territory
from api.cli.roads import NetworkOption, network_for
from geo_data.plan_files import read_plan, write_plan_files
from planner.csv_fr import number_fr
from planner.errors import MiloError
from planner.fleet import Van
from planner.itinerary.plan import Plan
from planner.itinerary.solver import DEFAULT_SOLVER, DEFAULT_TIME_LIMIT
from planner.taxonomy import APPROACH_LABELS, Approach
from planner.workflows.planning import check_plan_document, plan_territory


def next_monday(today: dt.date | None = None) -> dt.date:
    """The first Monday after ``today`` (the default start of a plan)."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def print_plan(plan: Plan) -> None:
    doc = plan.to_json()
    kpis = doc["kpis"]
    solver = doc["solver"]
    console.print(
        f"{len(doc['visits'])} visites sur {doc['weeks']} semaine(s), "
        f"{len(doc['days'])} journées de tournée ou de séances ; valeur servie "
        f"{kpis['need_served']:.1f} ; trajets {kpis['drive_h']:.1f} h, "
        f"{kpis['drive_km']:.0f} km.",
        markup=False,
    )
    by = kpis.get("expected_by_approach") or {}
    if by:
        parts = [
            f"{APPROACH_LABELS[Approach(a)]} {x['visits']} séance(s), "
            f"{number_fr(x['contacts'], 0)} contacts et {number_fr(x['reperes'], 0)} repérés "
            "attendus"
            for a, x in by.items()
        ]
        console.print(f"Par démarche : {' ; '.join(parts)}.", markup=False)
    console.print(
        f"Solveur {solver['name']} (graine {solver['seed']}, {solver['time_s']:.1f} s) ; "
        f"écart à la borne supérieure {solver['gap_pct']:.2f} %. "
        f"Temps de trajet : {doc['travel_time'] or doc['travel_time_method']}.",
        markup=False,
    )
    if doc["dropped"]:
        console.print(
            f"{len(doc['dropped'])} candidat(s) non planifié(s) : voir non-planifies.csv "
            "(raisons), communes.csv (où chaque commune est atteinte) et arrets.csv (pourquoi "
            "chaque arrêt)."
        )
    for note in doc.get("notes", []):
        console.print(f"Note : {note}", markup=False)


def cli_overrides(
    vans: tuple[Van, ...],
    access_minutes: int | None,
    exploration_share: float | None,
    max_drive: int | None,
    sessions_per_week: int | None,
) -> dict[str, Any]:
    """The ``milo plan`` options as plan overrides (the API's ``rules`` / ``vans`` format)."""
    rules: dict[str, Any] = {}
    if access_minutes is not None:
        rules["access_minutes"] = access_minutes
    if exploration_share is not None:
        rules["exploration_share"] = exploration_share
    caps: dict[str, Any] = {}
    if max_drive is not None:
        caps["max_drive_minutes"] = max_drive
    if sessions_per_week is not None:
        caps["sessions_per_week"] = sessions_per_week
    out: dict[str, Any] = {}
    if rules:
        out["rules"] = rules
    if caps:
        out["vans"] = {v.id: dict(caps) for v in vans}
    return out


def plan(
    spec: Annotated[str, typer.Argument(help="Fichier .toml du territoire, ou nom d'une démo.")],
    start: Annotated[
        str | None, typer.Option(help="Premier jour (AAAA-MM-JJ) ; par défaut lundi prochain.")
    ] = None,
    weeks: Annotated[int, typer.Option(help="Nombre de semaines (1 à 8).")] = 4,
    out: Annotated[Path, typer.Option(help="Dossier de sortie.")] = Path("out/plan"),
    time_limit: Annotated[
        float, typer.Option(help="Temps de calcul en secondes (au plus).")
    ] = DEFAULT_TIME_LIMIT,
    seed: Annotated[int, typer.Option(help="Graine (même graine, même plan).")] = 0,
    solver: Annotated[str, typer.Option(help="Solveur.")] = DEFAULT_SOLVER,
    network: NetworkOption = None,
    access_minutes: Annotated[
        int | None, typer.Option(help="Temps d'accès en minutes (remplace access_minutes).")
    ] = None,
    exploration_share: Annotated[
        float | None, typer.Option(help="Part d'exploration, 0 à 1 (remplace exploration_share).")
    ] = None,
    max_drive: Annotated[
        int | None,
        typer.Option(help="Conduite par jour au plus, en minutes, pour chaque véhicule."),
    ] = None,
    sessions_per_week: Annotated[
        int | None, typer.Option(help="Séances par semaine au plus, pour chaque véhicule.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Planifie les tournées du camion : plan.json, plan.csv, plan.ics, plan.gpx, et pourquoi
    (arrets.csv, communes.csv, non-planifies.csv)."""
    try:
        first = dt.date.fromisoformat(start) if start else next_monday()
    except ValueError:
        console.print(f"[bold red]Erreur :[/] date {start!r} illisible (attendu AAAA-MM-JJ).")
        raise typer.Exit(code=2) from None
    try:
        territory = open_territory(spec, data_dir)
        road_network = network_for(territory, network)
        options: dict[str, Any] = {"network": road_network} if road_network else {}
        overrides = cli_overrides(
            territory.vans, access_minutes, exploration_share, max_drive, sessions_per_week
        )
        if overrides:
            options["overrides"] = overrides
        with console.status(f"Planification ({time_limit:.0f} s au plus)…"):
            result = plan_territory(
                territory, start=first, weeks=weeks, time_limit=time_limit, seed=seed,
                solver=solver, spec=spec, **options,
            )  # fmt: skip
        paths = write_plan_files(result, out, network=options.get("network"))
    except MiloError as exc:
        fail(exc)
        return
    print_plan(result)
    for path in paths:
        console.print(f"Écrit : {path}")


def validate(
    plan_file: Annotated[Path, typer.Argument(help="Fichier plan.json.")],
    spec: Annotated[
        str | None, typer.Option(help="Territoire (par défaut celui indiqué dans le plan).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Revérifie toutes les règles d'un plan, indépendamment du solveur."""
    try:
        doc = read_plan(plan_file)
        territory = open_territory(spec or doc.get("source", {}).get("spec", ""), data_dir)
        report = check_plan_document(doc, territory)
    except MiloError as exc:
        fail(exc)
        return
    console.print(report.describe_fr(), markup=False)
    if not report.ok:
        raise typer.Exit(code=1)
