"""What ``milo demo`` does, step by step, for each embedded demo territory."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from api.summary import print_summary, write_territory_geojson
from geo_data.demo import DEMO_SLUGS, load_demo_territory


def run(out: Path, *, console: Console, data_dir: Path | None = None) -> list[Path]:
    """Summarise (and later plan, cover, map) each demo territory into ``out/<slug>/``."""
    written: list[Path] = []
    for slug in DEMO_SLUGS:
        territory = load_demo_territory(slug)
        print_summary(territory, console)
        target = out / slug
        written.append(write_territory_geojson(territory, target / "territory.geojson"))
        console.print(f"Écrit : {written[-1]}")
    return written
