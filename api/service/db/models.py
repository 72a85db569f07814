"""SQLAlchemy models of the store. Counts only: no table holds personal data.

The schema is created by the Alembic migrations in ``api/service/migrations`` (a test checks
that the migrations and these models agree). The plan columns of ``visits`` come from the plan
schema (:mod:`planner.itinerary.plan_schema`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from planner.itinerary.plan_schema import REQUIRED, VISIT, PlanField
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS

#: Store types of the plan schema's JSON types (text columns take their ``db_length``).
COLUMN_TYPES: dict[Any, Any] = {dt.date: Date, int: Integer, float: Float, bool: Boolean}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TableBase(DeclarativeBase):
    """Declarative base of the store's tables (not a van's base: see :mod:`planner.fleet`)."""


class TerritoryRow(TableBase):
    """A Mission Locale territory; its geography is loaded from ``source`` on demand."""

    __tablename__ = "territories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(16))  # "demo" or "spec"
    source: Mapped[str] = mapped_column(String(500))  # demo slug or spec path
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    partners_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PartnerRow(TableBase):
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
    #: Amenities: True (oui), False (non), NULL (à vérifier: no source says).
    power: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    parking: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    fixed_site: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(200), default="API")
    #: The place's public reception number (« 03 80 61 01 94 », :mod:`geo_data.phone`), never a
    #: person's; NULL when no source gives it.
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)


#: Stages of a plan (its lifecycle, apart from its job ``status``): a new plan or a re-plan is a
#: ``draft`` (the manager's); publishing one makes it the territory's only ``published`` plan
#: (what conseillers, exports, next stop and official figures use) and archives the previous one.
STAGES = ("draft", "published", "archived")
#: At most one published plan per territory, enforced by the store (partial unique index).
ONE_PUBLISHED = "stage = 'published'"


class PlanRow(TableBase):
    """A plan job and, once done, its ``plan.json`` document (visits also stored as rows).

    ``version`` numbers the territory's plans (1, 2, ... in creation order); ``base_version`` is
    the version a re-plan started from (null for a new plan). ``created_by`` and
    ``published_by`` are the principal (``{"token_id", "role"}``).
    """

    __tablename__ = "plans"
    __table_args__ = (
        Index("uq_plan_version", "territory_id", "version", unique=True),
        Index(
            "uq_plans_one_published",
            "territory_id",
            unique=True,
            sqlite_where=text(ONE_PUBLISHED),
            postgresql_where=text(ONE_PUBLISHED),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed, cancelled
    start: Mapped[dt.date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    changes: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    stage: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    version: Mapped[int] = mapped_column(Integer, server_default="0")
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    published_by: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Job runs started (a run interrupted by a crash counts; see :mod:`api.service.jobs.state`).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def plan_column(f: PlanField) -> Column[Any]:
    """The store column of a stored field of the plan schema (never null)."""
    kind = String(f.db_length) if f.db_length else COLUMN_TYPES[f.kind]
    default = None if f.default is REQUIRED else f.default
    return Column(f.name, kind, nullable=False, default=default)


class VisitRow(TableBase):
    """One planned visit (a stop on a date, slot and van); activity references it.

    Its plan columns are the stored fields of the plan schema (``db=True`` in
    :data:`planner.itinerary.plan_schema.VISIT`); ``seq`` keeps the plan's order.
    """

    __table__ = Table(
        "visits",
        TableBase.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("plan_id", ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        Column("seq", Integer, nullable=False),
        *(plan_column(f) for f in VISIT.stored),
        Index("ix_visits_next", "plan_id", "van", "date", "start_s"),
    )

    if TYPE_CHECKING:  # the columns are built from the plan schema: typed Any for mypy

        def __getattr__(self, name: str) -> Any: ...


class ActivityRow(TableBase):
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
    #: 1 when first entered, +1 at each correction (the audit log holds every version)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: token id and role of the last writer (no FK: a revoked token's records stay)
    recorded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the key of the territory's partner met during the session (``partners.key``), or None
    partner_met: Mapped[str | None] = mapped_column(String(100), nullable=True)


def outcome_column(name: str) -> Column[Any]:
    """A count of :data:`planner.outcomes.OUTCOME_COLUMNS`: 0 when not given, except the
    path-duration bands (NULL: not given)."""
    if name in DURATIONS:
        return Column(name, Integer, nullable=True)
    return Column(name, Integer, nullable=False, default=0, server_default="0")


class OutcomeRow(TableBase):
    """What became of the young people mobilised in one territory x month x approach, as
    counts (never individuals, no free text): rules in :mod:`planner.outcomes`.

    ``month`` is the 1st of the month; the outcome columns are :data:`~planner.outcomes.
    OUTCOME_COLUMNS`; ``revision`` and the last writer as in :class:`ActivityRow`
    (``recorded_user``: the person's account when written from the web application).
    """

    __table__ = Table(
        "outcomes",
        TableBase.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("territory_id", ForeignKey("territories.id"), nullable=False),
        Column("month", Date, nullable=False),
        Column("approach", String(40), nullable=False),
        Column("mobilises", Integer, nullable=False),
        *(outcome_column(name) for name in OUTCOME_COLUMNS),
        Column("revision", Integer, nullable=False, default=1, server_default="1"),
        Column("recorded_at", DateTime(timezone=True), nullable=False, default=utcnow),
        Column("recorded_by", Integer, nullable=True),
        Column("recorded_role", String(16), nullable=False),
        Column("recorded_user", Integer, nullable=True),
        UniqueConstraint("territory_id", "month", "approach", name="uq_outcome_month"),
    )

    if TYPE_CHECKING:  # the columns are built from planner.outcomes: typed Any for mypy

        def __getattr__(self, name: str) -> Any: ...


class AuditRow(TableBase):
    """One change of the store: who (token or account, and role), when, what, before, after.

    Written in the transaction of the change it records (see :mod:`api.service.audit`); no
    foreign key, so that the trail outlives the rows and tokens it names.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_territory_at", "territory_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the person's account when the change came from the web application (no FK, see above)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    territory_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class TokenRow(TableBase):
    """An access token: only its HMAC-SHA256 hash is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territories.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: what the token is for (« téléphone de Julie »), shown in listings; never the token
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: NULL: never expires (only manager and arml tokens made with the command line)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: ``cli`` (milo token create) or ``token:<id>`` (a manager through the API); NULL before 0005
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: updated at most once a minute (see :mod:`api.service.auth`)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


#: Roles of people's accounts (tokens have the last three only).
USER_ROLES = ("admin", "arml", "manager", "conseiller")


class UserRow(TableBase):
    """A person's account for the web application (see :mod:`api.service.users`).

    ``password_hash`` is an Argon2id hash (never the password); it is NULL until the person
    sets a password through their invitation link (``invite_hash``: HMAC of the one-time link
    token, valid until ``invite_expires_at``). ``disabled_at`` set: no login, sessions revoked.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territories.id"), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    invite_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    invite_expires_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: ``cli`` or ``user:<id>`` (a manager who invited a conseiller)
    created_by: Mapped[str] = mapped_column(String(64), default="cli")
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class WebSessionRow(TableBase):
    """A logged-in browser: only the HMAC of its cookie is stored, with its CSRF secret.

    Refused once ``revoked_at`` is set (logout, account disabled, password changed), past
    ``expires_at``, or after :data:`api.service.web_sessions.IDLE_S` without a request.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC of the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginFailureRow(TableBase):
    """One failed login, counted per e-mail and per client address (shared by every process).

    ``key`` is ``email:<address>`` or ``ip:<client>``; rows older than the lock are purged.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarFeedRow(TableBase):
    """A person's private calendar feed (``/agenda/<secret>.ics``), one active at a time.

    Only the HMAC of the URL's secret is stored. Rotating sets ``revoked_at`` and makes a new
    row; a revoked or unknown secret answers 404.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_fetched_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class ActivityReportRow(TableBase):
    """A session report sent from a phone, kept by its idempotency key (a UUID the phone makes
    once per report): the same key again gets the stored answer, never a second write."""

    __tablename__ = "activity_reports"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    #: the activity revision this report wrote
    revision: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActivityWeekLockRow(TableBase):
    """A week (its Monday) whose counts the manager has locked: no report, correction or
    deletion on the visits of that week until it is unlocked."""

    __tablename__ = "activity_week_locks"

    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.id"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    locked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: ``user:<id>`` or ``token:<id>``
    locked_by: Mapped[str] = mapped_column(String(64))
