"""The embedded demo: two territories built from the official files by :mod:`geo_data.build_demo`.

Facts only (public official data, simplified polygons), in the project's own schema; see
``geo_data/demo/ATTRIBUTION.md``.
"""

from __future__ import annotations

from pathlib import Path

from planner.errors import NotFoundError
from planner.territory import Territory

DEMO_DIR = Path(__file__).resolve().parent
DEMO_SLUGS = ("marches-de-bourgogne", "creusot-montceau")


def demo_spec_path(slug: str) -> Path:
    """The TOML spec the demo territory ``slug`` was built from."""
    _check(slug)
    return DEMO_DIR / "specs" / f"{slug}.toml"


def load_demo_territory(slug: str) -> Territory:
    """Load the embedded demo territory ``slug`` (no official file, no network needed)."""
    from geo_data.territory_io import territory_from_files

    _check(slug)
    return territory_from_files(DEMO_DIR / slug)


def _check(slug: str) -> None:
    if slug not in DEMO_SLUGS:
        raise NotFoundError(
            f"Territoire de démonstration {slug!r} inconnu.",
            hint=f"Territoires disponibles : {', '.join(DEMO_SLUGS)}.",
        )
