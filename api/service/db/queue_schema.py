"""PostgreSQL: the job queue's tables (procrastinate) in their own schema of the store.

Kept apart from the Alembic migrations (procrastinate owns its schema and its SQL) and from the
store's schema (the test that compares the migrations with the models sees only the store's
tables): ``procrastinate``, or ``<schema>_procrastinate`` for a store whose URL puts its tables
in another schema (``?options=-csearch_path%3D<schema>``), so that two stores of one database
never share a queue. Applied by :meth:`api.service.db.session.Database.upgrade`: created when
absent, one process at a time (an advisory lock), nothing done when present.
"""

from __future__ import annotations

import re

from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

SCHEMA = "procrastinate"
_SEARCH_PATH = re.compile(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)")
#: an advisory lock id (any constant): one process at a time applies the queue's schema
SCHEMA_LOCK = 861_204_012


def queue_schema(url: str) -> str:
    """The queue's schema for the store at ``url`` (module docstring)."""
    options = make_url(url).query.get("options") or ""
    if isinstance(options, tuple):
        options = " ".join(options)
    found = _SEARCH_PATH.search(options)
    return f"{found.group(1)}_{SCHEMA}" if found else SCHEMA


def apply_schema(connection: Connection, schema: str) -> bool:
    """Create procrastinate's tables in ``schema`` when absent. Returns whether they were
    created."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
    exists = connection.execute(
        text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{schema}.procrastinate_jobs"}
    ).scalar()
    if exists:
        return False
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    connection.execute(text(f"SET LOCAL search_path TO {schema}"))
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(SchemaManager.get_schema())  # many statements, no parameter
    connection.execute(text("SET LOCAL search_path TO DEFAULT"))
    return True


def drop_schema(connection: Connection, schema: str) -> None:
    connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
