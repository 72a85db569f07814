"""Engine, sessions and schema upgrade (Alembic) of the store.

SQLite (the default, one file) gets foreign keys, WAL journal and a busy timeout so that the
plan job thread and the request threads share it; PostgreSQL is used as is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.service.db.models import TableBase
from api.service.db.queue_schema import apply_schema, drop_schema, queue_schema
from planner.errors import DataSourceError

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver callback
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (the SQLite file's folder is created)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with an English text
        raise DataSourceError(
            f"Adresse de base de données illisible : {url!r}.",
            hint="Exemples : sqlite:///chemin/milo.sqlite3 ou "
            "postgresql+psycopg://utilisateur:motdepasse@hote:5432/base.",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=10,
            max_overflow=20,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session; the caller commits (a failure rolls back everything)."""
        with self.sessions() as s:
            try:
                yield s
            except BaseException:
                s.rollback()
                raise

    def alembic_config(self) -> Config:
        cfg = Config(str(ALEMBIC_INI))
        cfg.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return cfg

    def upgrade(self) -> None:
        """Create or upgrade the schema to the latest migration; on PostgreSQL, also the job
        queue's own schema (procrastinate, idempotent: see :mod:`api.service.db.queue_schema`)."""
        cfg = self.alembic_config()
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:
                apply_schema(connection, queue_schema(self.url))

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def drop_everything(self) -> None:
        """Drop every table of the store (tests: a clean schema per test)."""
        with self.engine.begin() as connection:
            TableBase.metadata.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            if self.engine.dialect.name == "postgresql":
                drop_schema(connection, queue_schema(self.url))

    def dispose(self) -> None:
        self.engine.dispose()
