"""The store: migrations match the models, a plan is saved in one transaction, settings."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from api.service.db import repo
from api.service.db.models import PlanRow, TableBase, VisitRow
from api.service.db.session import Database
from api.service.errors import SettingsError
from api.service.settings import Settings, load_settings
from planner.errors import DataSourceError
from tests.api.service.conftest import CM, PLAN_START

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)


def test_migrations_create_exactly_the_models(db_url):
    db = Database(db_url)
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), TableBase.metadata)
    db.dispose()
    assert diff == []


def test_a_crash_mid_save_leaves_no_partial_plan(client, tokens, monkeypatch):
    original = repo.visit_row
    calls = {"n": 0}

    def crashing(plan_id, seq, visit):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("panne simulée pendant l'enregistrement")
        return original(plan_id, seq, visit)

    monkeypatch.setattr(repo, "visit_row", crashing)
    r = client.post(
        f"/territories/{CM}/plans",
        headers=tokens["manager"],
        json={"start": PLAN_START, "time_limit": 1},
    )
    assert r.status_code == 202
    plan_id = r.json()["id"]
    assert calls["n"] == 5
    with client.app.state.milo.db.session() as s:
        row = s.get(PlanRow, plan_id)
        assert row.status == "failed" and row.document is None
        assert row.error["detail"].startswith("Erreur interne pendant le calcul du plan")
        assert s.scalar(select(func.count()).select_from(VisitRow)) == 0
    body = client.get(f"/plans/{plan_id}", headers=tokens["manager"]).json()
    assert body["status"] == "failed" and body["plan"] is None


def test_secret_key_is_required_outside_development(monkeypatch):
    monkeypatch.delenv("MILO_SECRET_KEY", raising=False)
    monkeypatch.delenv("MILO_ENV", raising=False)
    with pytest.raises(SettingsError, match="MILO_SECRET_KEY est obligatoire hors développement"):
        load_settings()
    monkeypatch.setenv("MILO_ENV", "development")
    assert load_settings().secret  # the development key
    monkeypatch.setenv("MILO_ENV", "production")
    monkeypatch.setenv("MILO_SECRET_KEY", "une-longue-cle")
    monkeypatch.setenv("MILO_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:5432/milo")
    settings = load_settings()
    assert settings.secret == b"une-longue-cle" and settings.db_url.startswith("postgresql")


def test_default_database_is_a_sqlite_file_in_the_state_dir(tmp_path):
    settings = Settings(env="development", state_dir=tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path.as_posix()}/milo.sqlite3"


def test_default_time_limit_is_the_engine_s(tmp_path):
    from planner.itinerary.solver import DEFAULT_TIME_LIMIT

    assert Settings(env="development", state_dir=tmp_path).default_time_limit == DEFAULT_TIME_LIMIT


def test_unreadable_database_url_is_a_french_error():
    with pytest.raises(DataSourceError, match="Adresse de base de données illisible"):
        Database("pas-une-url")
