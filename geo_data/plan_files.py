"""Plan files: write ``plan.json`` and its exports, read ``plan.json`` back.

``planner.itinerary`` stays pure; this module is the only one that touches files for plans:
the one writer and the one reader of plan.json (whose schema is
:mod:`planner.itinerary.plan_schema`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planner.errors import DataSourceError, InvalidPlanError
from planner.itinerary.export import explanation_to_csv, plan_to_csv, plan_to_gpx, plan_to_ics
from planner.itinerary.plan import Plan
from planner.itinerary.plan_schema import EXPLANATIONS, check_plan_json
from planner.json_values import json_text
from planner.workflows.planning import route_geometries

#: explanation tables: ``arrets.csv``, ``communes.csv``, ``non-planifies.csv``
EXPLANATION_FILES = tuple(f"{slug}.csv" for _, _, slug in EXPLANATIONS)
PLAN_FILES = ("plan.json", "plan.csv", "plan.ics", "plan.gpx", *EXPLANATION_FILES)
NOT_A_PLAN = "Le fichier doit être un plan.json complet, non modifié à la main."


def write_plan_files(plan: Plan, out_dir: Path, *, network: Any = None) -> list[Path]:
    """Write plan.json, plan.csv, plan.ics, plan.gpx and the explanation tables (arrets.csv,
    communes.csv, non-planifies.csv) into ``out_dir``; return their paths.

    plan.json is strict JSON (no NaN); the CSV files are for French Excel (UTF-8 with BOM,
    ``;``, decimal comma: :mod:`planner.csv_fr`); plan.ics is stamped at writing time.

    With a road ``network``, each day of plan.json carries its route ``geometry`` (lon/lat
    list) for the maps; without one, maps draw dashed straight lines marked "trajet estimé".
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in PLAN_FILES]
    doc = plan.to_json()
    if network is not None:
        for day, line in zip(doc["days"], route_geometries(plan, network), strict=True):
            day["geometry"] = line
    paths[0].write_text(json_text(doc, indent=1), encoding="utf-8")
    paths[1].write_text(plan_to_csv(plan), encoding="utf-8")
    paths[2].write_bytes(plan_to_ics(plan))
    paths[3].write_text(plan_to_gpx(plan), encoding="utf-8")
    for path, (key, _, _) in zip(paths[4:], EXPLANATIONS, strict=True):
        path.write_text(explanation_to_csv(plan, key), encoding="utf-8")
    return paths


def read_plan(path: Path) -> dict[str, Any]:
    """The ``plan.json`` document at ``path``, checked against the plan schema.

    The one reader of plan files (``milo map``, ``milo validate``, the maps); files written
    before the explanation tables (no ``stops``, ``communes``, ``unplanned``) still load. Raises
    :class:`DataSourceError` when the file cannot be found or read, and
    :class:`InvalidPlanError` when its content is not a plan.json document
    (see :func:`planner.itinerary.plan_schema.check_plan_json`).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        why = "fichier introuvable" if isinstance(exc, FileNotFoundError) else "lecture impossible"
        raise DataSourceError(
            f"Plan illisible : {path} ({why}).",
            hint="Donnez le chemin d'un plan.json écrit par « milo plan » ou « milo demo ».",
        ) from exc
    except UnicodeDecodeError as exc:
        raise InvalidPlanError(
            f"Plan {path} : texte UTF-8 attendu (octet {exc.start} illisible).", hint=NOT_A_PLAN
        ) from None
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidPlanError(
            f"Plan {path} : JSON invalide ligne {exc.lineno} ({exc.msg}).", hint=NOT_A_PLAN
        ) from exc
    check_plan_json(plan, source=str(path))
    return plan
