"""SQLAlchemy models of the store. Counts only: no table holds personal data.

The schema is created by the Alembic migrations in ``api/migrations`` (a test checks that the
migrations and these models agree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class TerritoryRow(Base):
    """A Mission Locale territory; its geography is loaded from ``source`` on demand."""

    __tablename__ = "territories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(16))  # "demo" or "spec"
    source: Mapped[str] = mapped_column(String(500))  # demo slug or spec path
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    partners_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PartnerRow(Base):
    """A partner place of a territory (town hall, France Services, association...)."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("territory_id", "key", name="uq_partner_key"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    commune: Mapped[str] = mapped_column(String(5))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    hours: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    can_host_van: Mapped[bool] = mapped_column(Boolean, default=True)
    power: Mapped[bool] = mapped_column(Boolean, default=False)
    parking: Mapped[bool] = mapped_column(Boolean, default=False)
    fixed_site: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(200), default="API")


class PlanRow(Base):
    """A plan job and, once done, its ``plan.json`` document (visits also stored as rows)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed
    start: Mapped[dt.date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    changes: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class VisitRow(Base):
    """One planned visit (a stop on a date, slot and van); activity references it."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_next", "plan_id", "van", "date", "start_s"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    van: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(40))
    stop_id: Mapped[str] = mapped_column(String(100))
    stop_name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(5))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    arrival_s: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(200), default="")


class ActivityRow(Base):
    """Counts recorded for one visit (never individuals, no free text)."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id"), index=True)
    approach: Mapped[str] = mapped_column(String(40))
    contacts: Mapped[int] = mapped_column(Integer)
    reperes: Mapped[int] = mapped_column(Integer)
    mobilises: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TokenRow(Base):
    """An access token: only its HMAC-SHA256 hash is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territories.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
