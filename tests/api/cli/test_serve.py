"""``milo token create`` and ``milo serve`` (uvicorn replaced by a recorder)."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from api.service.auth import hash_token
from api.service.db.models import TokenRow
from api.service.db.session import Database
from api.service.settings import DEV_SECRET

runner = CliRunner()


def env(tmp_path, **extra):
    return {
        "MILO_ENV": "development",
        "MILO_STATE_DIR": str(tmp_path),
        "MILO_DATABASE_URL": "",
        "MILO_SECRET_KEY": "",
    } | extra


def test_token_create_prints_the_token_alone_on_the_last_line(tmp_path):
    result = runner.invoke(
        app,
        ["token", "create", "--territory", "creusot-montceau", "--role", "conseiller"],
        env=env(tmp_path),
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    token = lines[-1]
    assert " " not in token and len(token) >= 40
    assert "Territoires de démonstration chargés" in result.output
    db = Database(f"sqlite:///{tmp_path}/milo.sqlite3")
    with db.session() as s:
        row = s.scalar(select(TokenRow))
    db.dispose()
    assert row.role == "conseiller" and row.territory_id == "creusot-montceau"
    assert row.token_hash == hash_token(token, DEV_SECRET.encode())


def test_token_create_errors_are_french(tmp_path):
    result = runner.invoke(app, ["token", "create", "--role", "manager"], env=env(tmp_path))
    assert result.exit_code == 2 and "--territory manquant" in " ".join(result.output.split())
    result = runner.invoke(
        app, ["token", "create", "--role", "arml"], env=env(tmp_path, MILO_ENV="production")
    )
    text = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2 and "MILO_SECRET_KEY est obligatoire" in text


def test_serve_creates_the_store_and_listens_on_localhost(tmp_path, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    result = runner.invoke(app, ["serve", "--port", "8765"], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    assert calls == [
        (("api.service.main:app",), {"host": "127.0.0.1", "port": 8765, "log_level": "info"})
    ]
    assert (tmp_path / "milo.sqlite3").is_file() and "http://127.0.0.1:8765/docs" in result.output
