"""Fixtures of the CLI tests: the small demo plan the map tests build (``milo map``)."""

from tests.maps.conftest import marches, small_plan  # noqa: F401
