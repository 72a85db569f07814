"""PostgreSQL: the job queue's tables (procrastinate) in their own schema of the store.

Kept apart from the Alembic migrations (procrastinate owns its schema and its SQL) and from the
store's default schema (the test that compares the migrations with the models sees only the
store's tables). Applied by :meth:`api.service.db.session.Database.upgrade`: created when
absent, one process at a time (an advisory lock), nothing done when present.
"""

from __future__ import annotations

from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, text

SCHEMA = "procrastinate"
#: an advisory lock id (any constant): one process at a time applies the queue's schema
SCHEMA_LOCK = 861_204_012


def apply_schema(connection: Connection) -> bool:
    """Create procrastinate's tables when absent. Returns whether they were created."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
    exists = connection.execute(
        text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{SCHEMA}.procrastinate_jobs"}
    ).scalar()
    if exists:
        return False
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    connection.execute(text(f"SET LOCAL search_path TO {SCHEMA}"))
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(SchemaManager.get_schema())  # many statements, no parameter
    connection.execute(text("SET LOCAL search_path TO DEFAULT"))
    return True


def drop_schema(connection: Connection) -> None:
    connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
