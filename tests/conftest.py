"""Shared fixtures. Tests never touch the network: MILO_OFFLINE is forced on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.durations import longest_files_first, register

os.environ["MILO_OFFLINE"] = "1"
os.environ.pop("MILO_DATA_DIR", None)

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's cache."""
    monkeypatch.setenv("MILO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real open data, benchmark instances); tests needing it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared absent : données réelles indisponibles")
    return SHARED


@pytest.fixture(scope="session")
def geo_dir(shared_dir: Path) -> Path:
    return shared_dir / "geo_data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Tiny named test files of this repository."""
    return DATA


#: Set to 1 to run every store-backed API test on PostgreSQL too (not only the ``store`` ones).
ALL_BACKENDS = os.environ.get("MILO_TEST_ALL_BACKENDS") == "1"


def on_postgres_only_for_the_store(item: pytest.Item) -> bool:
    """An API test run on the PostgreSQL store (the ``db_url`` fixture's second backend) that
    is not about the store: the code above the store is the same on both, so the SQLite run
    covers it; the ``store`` tests (migrations, upserts, locks, races, the job queue, sessions,
    idempotency) run on both."""
    callspec = getattr(item, "callspec", None)
    on_pg = callspec is not None and callspec.params.get("db_url") == "postgres"
    return on_pg and item.get_closest_marker("store") is None


def pytest_configure(config: pytest.Config) -> None:
    register(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    longest_files_first(items)
    if not ALL_BACKENDS:
        dropped = [item for item in items if on_postgres_only_for_the_store(item)]
        if dropped:
            items[:] = [item for item in items if not on_postgres_only_for_the_store(item)]
            config.hook.pytest_deselected(items=dropped)
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason="../shared absent : données réelles indisponibles")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


# Property tests: reproducible examples in CI, no wall-clock deadline on a shared 2-core machine.
settings.register_profile("milo", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("milo")
