"""Build the embedded demo data set from the official files.

Run ``MILO_DATA_DIR=../shared/geo_data python -m geo_data.build_demo`` (or online, with the
official downloads). It reads each spec of ``geo_data/demo/specs/``, builds the territory with the
ordinary loader, simplifies polygons (20 m) and writes ``geo_data/demo/<slug>/``.
"""

from __future__ import annotations

import argparse
import dataclasses
from datetime import date, timedelta
from pathlib import Path

from geo_data.demo import DEMO_DIR, DEMO_SLUGS, demo_spec_path
from geo_data.loader import build_territory
from geo_data.official import load_official
from geo_data.spec import read_spec
from geo_data.territory_io import territory_to_files

SIMPLIFY_M = 20.0
#: The synthetic demo history ends the day before this date (the end of a school year)...
DEMO_ACTIVITY_UNTIL = date(2026, 7, 1)
#: ... and covers this many school years (1 July 2024 - 30 June 2026): with one year, a
#: backtest cut in the spring learns on 8 months (no rentrée seen twice, no end of year at all)
#: and predicts a dozen sessions; with two it learns on 20 months, every month at least once,
#: and predicts about 40 (:mod:`planner.coverage.synthetic`, ``benchmarks/learning.py``).
DEMO_ACTIVITY_YEARS = 2


def build(out_dir: Path = DEMO_DIR, *, folder: Path | None = None) -> list[Path]:
    """Build every demo territory into ``out_dir``; return the written folders."""
    official = load_official(folder=folder)
    written = []
    for slug in DEMO_SLUGS:
        territory = build_territory(read_spec(demo_spec_path(slug)), official)
        territory = _with_demo_activity(territory, seed=DEMO_SLUGS.index(slug))
        target = out_dir / slug
        territory_to_files(territory, target, simplify_m=SIMPLIFY_M)
        written.append(target)
    return written


def _with_demo_activity(territory, seed: int):
    """Attach the seeded synthetic activity history ("données fictives"),
    ``DEMO_ACTIVITY_YEARS`` school years ending the day before ``DEMO_ACTIVITY_UNTIL``; a
    territory whose spec brings real activity keeps it."""
    from planner.workflows.comparison import synthetic_territory_activity

    if not territory.activity.empty:
        return territory
    activity = synthetic_territory_activity(
        territory,
        end=DEMO_ACTIVITY_UNTIL - timedelta(days=1),
        seed=seed,
        years=DEMO_ACTIVITY_YEARS,
    )
    return dataclasses.replace(territory, activity=activity, activity_synthetic=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEMO_DIR)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    for path in build(args.out, folder=args.data_dir):
        print(f"écrit : {path}")


if __name__ == "__main__":
    main()
