"""Plan files: write ``plan.json`` and its exports, read ``plan.json`` back.

``planner.itinerary`` stays pure; this module is the only one that touches files for plans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planner.errors import DataSourceError
from planner.itinerary.export import plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.workflows.planning import route_geometries

PLAN_FILES = ("plan.json", "plan.csv", "plan.ics", "plan.gpx")


def write_plan_files(plan: Plan, out_dir: Path, *, network: Any = None) -> list[Path]:
    """Write plan.json, plan.csv, plan.ics and plan.gpx into ``out_dir``; return their paths.

    With a road ``network``, each day of plan.json carries its route ``geometry`` (lon/lat
    list) for the maps; without one, maps draw dashed straight lines marked "trajet estimé".
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in PLAN_FILES]
    doc = plan.to_json()
    if network is not None:
        for day, line in zip(doc["days"], route_geometries(plan, network), strict=True):
            day["geometry"] = line
    paths[0].write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(plan_to_csv(plan), encoding="utf-8")
    paths[2].write_bytes(plan_to_ics(plan))
    paths[3].write_text(plan_to_gpx(plan), encoding="utf-8")
    return paths


def read_plan(path: Path) -> dict[str, Any]:
    """The ``plan.json`` document at ``path``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataSourceError(
            f"Plan {path} illisible ({exc.__class__.__name__}).",
            hint="Donnez le fichier plan.json écrit par « milo plan ».",
        ) from None
