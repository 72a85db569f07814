"""The official schemas the tests validate exports against, installed at build time, never
committed: the GeoJSON JSON schemas of geojson.org (npm package ``geojson-schema``, pinned in
package.json, installed into ``node_modules/`` by ``.ci/install-browser.sh``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
GEOJSON_SCHEMAS = ROOT / "node_modules" / "geojson-schema"


@cache
def _validator(name: str) -> jsonschema.Draft7Validator:
    path = GEOJSON_SCHEMAS / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} absent: run `make assets` (npm ci) to install the GeoJSON schemas")
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def validate_geojson(doc: Any, kind: str = "FeatureCollection") -> None:
    """Fail with every violation of the official GeoJSON schema of ``kind``."""
    errors = sorted(_validator(kind).iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "; ".join(f"{list(e.absolute_path)[:4]}: {e.message[:120]}" for e in errors[:5])
        pytest.fail(f"{len(errors)} GeoJSON schema violation(s): {shown}")
