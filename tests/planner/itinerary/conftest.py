"""Fixtures of the itinerary tests: the tiny hand-made instance and random small instances."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def load_factory() -> ModuleType:
    """Import ``itinerary_factory.py`` by path (pytest runs in importlib mode)."""
    name = "itinerary_factory"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def factory() -> ModuleType:
    return load_factory()
