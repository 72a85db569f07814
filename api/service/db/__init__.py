"""Persistence: SQLAlchemy models, engine/session, repository functions, Alembic upgrade."""
