"""Alembic environment.

The connection is given by ``api.service.db.session.Database.upgrade``, or built from the
service settings when Alembic is run by hand.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.service.db.models import TableBase

config = context.config
target_metadata = TableBase.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - manual `alembic upgrade head`
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from api.service.settings import load_settings

        url = load_settings().db_url
    with create_engine(url).begin() as conn:
        _run(conn)
