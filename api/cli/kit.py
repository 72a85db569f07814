"""``milo kit PLAN --week N --out DIR``: the communication kit of one week of a plan file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import DataDir, console, fail, open_territory
from api.service.settings import public_url_setting
from geo_data.plan_files import read_plan
from planner.errors import InvalidSpecError, MiloError
from planner.itinerary.plan import Plan


def kit(
    plan_file: Annotated[Path, typer.Argument(help="Fichier plan.json du plan publié.")],
    week: Annotated[int, typer.Option("--week", help="Semaine du plan (1 = la première).")] = 1,
    out: Annotated[Path, typer.Option("--out", help="Dossier de sortie.")] = Path("out/kit"),
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="Adresse publique du service (sinon MILO_PUBLIC_URL), pour les liens."
        ),
    ] = None,
    territory: Annotated[
        str | None, typer.Option(help="Territoire (.toml ou démo) ; défaut : celui du plan.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Kit de communication d'une semaine : images 1080x1080 et 1080x1920, texte du post,
    affiches A4 par lieu (code QR) et fiches des partenaires qui accueillent."""
    from maps.kit.bundle import PublicUrls, week_kit

    try:
        base = url or public_url_setting()
        if not base:
            raise InvalidSpecError(
                "Adresse publique du service inconnue : les images, le texte et les codes QR "
                "des affiches mènent à la page publique du territoire.",
                hint="Donnez --url https://adresse-du-service.fr (ou MILO_PUBLIC_URL).",
            )
        doc = read_plan(plan_file)
        terr = open_territory(territory or doc.get("source", {}).get("spec", ""), data_dir)
        plan = Plan.from_json(doc)
        with console.status("Préparation du kit (images, affiches)…"):
            files = week_kit(terr, plan, week, PublicUrls(base, terr.id), edited=dt.date.today())
    except MiloError as exc:
        fail(exc)
        return
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    console.print(f"Écrit : {len(files)} fichiers dans {out}", markup=False)
    console.print((out / f"semaine-{week}-texte.txt").read_text(), markup=False)
