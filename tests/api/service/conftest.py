"""API fixtures: a clean store per test, on SQLite (always) and PostgreSQL (when
``MILO_TEST_POSTGRES_URL`` is set, see ``.ci/postgres.sh``); tokens for every role."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.service.auth import create_token
from api.service.db.session import Database
from api.service.main import create_app
from api.service.settings import Settings, get_settings
from api.service.territory_store import seed_demo

CM = "creusot-montceau"
MB = "marches-de-bourgogne"
PLAN_START = "2025-05-05"  # Thursday 8 May 2025 is a public holiday (Victoire 1945)

#: The test server's database, shared by every run and every pytest-xdist worker.
BASE_PG_URL = os.environ.get("MILO_TEST_POSTGRES_URL")
#: Under pytest-xdist, each worker keeps its store in a schema of its own of that database
#: (``search_path``), so that one worker's clean store never drops another's tables.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
PG_SCHEMA = f"milo_{_WORKER}" if _WORKER else None
PG_URL = (
    f"{BASE_PG_URL}{'&' if '?' in BASE_PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"
    if BASE_PG_URL and PG_SCHEMA
    else BASE_PG_URL
)
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not PG_URL,
                reason="MILO_TEST_POSTGRES_URL absent : PostgreSQL non testé (.ci/postgres.sh)",
            ),
        ],
    ),
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file, copied for each test (a clean store, fast)."""
    path = tmp_path_factory.mktemp("template") / "milo.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    seed_demo(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_worker_schema() -> None:
    """This pytest-xdist worker's schema, created once (nothing to do without xdist)."""
    if not PG_SCHEMA:
        return
    assert BASE_PG_URL
    admin = Database(BASE_PG_URL)
    with admin.engine.begin() as c:
        c.execute(text(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "milo.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    assert PG_URL
    request.getfixturevalue("pg_worker_schema")
    db = Database(PG_URL)
    db.drop_everything()
    db.dispose()
    yield PG_URL


def make_settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "production",
        "secret_key": "secret-de-test",
        "database_url": url,
        "jobs_sync": True,
        "default_time_limit": 1.0,
        "max_time_limit": 1.0,
        # tests try many refused tokens from one address; test_limits checks the default
        "auth_failures_per_minute": 10_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


def open_client(settings: Settings) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with open_client(settings) as c:
        yield c


@pytest.fixture
def tokens(client: TestClient, settings: Settings) -> dict[str, dict[str, str]]:
    """Authorization headers by name: manager/conseiller of CM and MB, arml."""
    db = client.app.state.milo.db
    out = {}
    for name, role, territory in [
        ("manager", "manager", CM),
        ("conseiller", "conseiller", CM),
        ("manager_mb", "manager", MB),
        ("conseiller_mb", "conseiller", MB),
        ("arml", "arml", None),
    ]:
        token = create_token(db, settings.secret, role=role, territory_id=territory)
        out[name] = {"Authorization": f"Bearer {token}"}
    return out


def make_plan(
    client: TestClient, headers: dict[str, str], territory: str = CM, **body: object
) -> dict:
    payload = {"start": PLAN_START, "weeks": 1, "time_limit": 1, "seed": 1} | body
    r = client.post(f"/territories/{territory}/plans", json=payload, headers=headers)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "done", r.json()
    r = client.get(f"/plans/{r.json()['id']}", headers=headers)
    assert r.status_code == 200
    return r.json()


def publish(client: TestClient, headers: dict[str, str], plan: dict) -> dict:
    """Publish a finished plan (it becomes the territory's plan); its body as read again."""
    r = client.post(f"/plans/{plan['id']}/publish", headers=headers)
    assert r.status_code == 200, r.text
    return client.get(f"/plans/{plan['id']}", headers=headers).json()


@pytest.fixture
def plan(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict:
    """A finished and published one-week plan of Creusot-Montceau from Monday 5 May 2025."""
    return publish(client, tokens["manager"], make_plan(client, tokens["manager"]))


@pytest.fixture
def plan_mb(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict:
    """A finished and published one-week plan of Marches de Bourgogne."""
    return publish(client, tokens["manager_mb"], make_plan(client, tokens["manager_mb"], MB))
