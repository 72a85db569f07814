"""Fixtures of the glue-layer tests: the tiny coverage territory and the embedded demo."""

from __future__ import annotations

import pytest

from geo_data.demo import load_demo_territory
from planner.territory import Territory
from tests.planner.coverage.conftest import line_seconds, tiny

__all__ = ["line_seconds", "tiny"]


@pytest.fixture(scope="session")
def marches() -> Territory:
    return load_demo_territory("marches-de-bourgogne")


@pytest.fixture(scope="session")
def creusot() -> Territory:
    return load_demo_territory("creusot-montceau")
