"""Service settings (pydantic-settings), read from ``MILO_*`` environment variables.

``MILO_ENV``            ``production`` (default) or ``development``; only ``development`` runs
                        without ``MILO_SECRET_KEY`` (a fixed, insecure development key is used).
``MILO_DATABASE_URL``   SQLAlchemy URL; default: a SQLite file ``milo.sqlite3`` in
                        ``MILO_STATE_DIR`` (zero set-up). PostgreSQL:
                        ``postgresql+psycopg://user:password@host:5432/db``.
``MILO_STATE_DIR``      folder of the default SQLite file (default ``~/.local/share/milo-nomade``).
``MILO_SECRET_KEY``     key of the token HMAC; changing it invalidates every token.
``MILO_JOBS_SYNC``      run plan jobs inside the request (tests); default: in the background,
                        each solve in a child process (see :mod:`api.service.jobs`).
``MILO_JOB_WORKERS``    plan jobs run at once by this process (default 1; ``milo worker``
                        takes ``--concurrency``).
``MILO_EXTERNAL_WORKERS`` PostgreSQL only: ``milo serve`` runs no job itself, ``milo worker``
                        processes do (default false: an embedded worker in the API process).
``MILO_JOB_QUOTA``      plan jobs queued or running at once per territory (default 3; 429).
``MILO_JOB_OVERRUN_SECONDS`` a running job stopped and failed this long past its time limit
                        (default 120: loading, the explanations and saving run after the search).
``MILO_ROLE_TIME_LIMITS`` JSON cap of the solver seconds per role, e.g. ``{"manager": 300}``;
                        a role absent takes ``MILO_MAX_TIME_LIMIT``.
``MILO_DEFAULT_TIME_LIMIT`` / ``MILO_MAX_TIME_LIMIT``  solver seconds when none is asked
                        (default 12, the engine's default) / cap (default 300).
``MILO_LOAD_DEMO``      load the embedded demo territories on first start (default true).
``MILO_MAX_BODY_BYTES`` largest request body accepted (default 4194304, 4 MiB); larger is a
                        413 before authentication (:mod:`api.service.limits`).
``MILO_COOKIE_SECURE``  the web application's session cookie is ``Secure`` (sent over HTTPS
                        only); default: true in production, false in development (a local
                        ``http://`` trial).
``MILO_PUBLIC_URL``     the service's address as people reach it (invitation links), e.g.
                        ``https://milo.example.fr``; default ``http://127.0.0.1:8000``.
``MILO_AUTH_FAILURES_PER_MINUTE``  failed authentications per client address and minute before
                        each further one is a 429 (default 10; per process).

Settings are read once through :func:`get_settings` (cached); tests override the
``get_settings`` dependency or build the app with explicit :class:`Settings`.

The folder of official files for spec territories (``MILO_DATA_DIR``) and the other library
variables are not read here: the library reads them when it looks for a file, through
:mod:`geo_data.settings`, the one place where they are documented.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.service.errors import SettingsError

DEV_SECRET = "milo-development-only-insecure-key"


class Settings(BaseSettings):
    """Configuration of the API service (see the module docstring)."""

    model_config = SettingsConfigDict(env_prefix="MILO_", extra="ignore", frozen=True)

    env: Literal["production", "development"] = "production"
    database_url: str | None = None
    state_dir: Path = Field(default_factory=lambda: Path.home() / ".local/share/milo-nomade")
    secret_key: SecretStr | None = None
    jobs_sync: bool = False
    job_workers: int = Field(default=1, ge=1, le=8)
    # planner.itinerary.solver.DEFAULT_TIME_LIMIT (not imported: settings stay light to load)
    default_time_limit: float = Field(default=12.0, gt=0)
    max_time_limit: float = Field(default=300.0, gt=0)
    load_demo: bool = True
    # api.service.limits.DEFAULT_MAX_BODY_BYTES (not imported: settings stay light to load)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    auth_failures_per_minute: int = Field(default=10, ge=1, le=10_000)
    external_workers: bool = False
    job_quota: int = Field(default=3, ge=1, le=100)
    job_overrun_seconds: float = Field(default=120.0, gt=0)
    role_time_limits: dict[str, float] = Field(default_factory=lambda: {"manager": 300.0})
    cookie_secure: bool | None = None
    public_url: str = "http://127.0.0.1:8000"

    @model_validator(mode="after")
    def _secret_outside_development(self) -> Settings:
        if self.env != "development" and (
            self.secret_key is None or not self.secret_key.get_secret_value()
        ):
            raise ValueError(
                "MILO_SECRET_KEY est obligatoire hors développement (MILO_ENV=production)."
            )
        return self

    def time_limit_cap(self, role: str) -> float:
        """Highest solver time limit a caller of ``role`` may ask (its role cap, at most the
        service's ``max_time_limit``)."""
        return min(self.max_time_limit, self.role_time_limits.get(role, self.max_time_limit))

    @property
    def secure_cookies(self) -> bool:
        """Whether the session cookie is ``Secure`` (see ``MILO_COOKIE_SECURE``)."""
        return self.env == "production" if self.cookie_secure is None else self.cookie_secure

    @property
    def db_url(self) -> str:
        """The database URL (default: the SQLite file in ``state_dir``)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.state_dir / 'milo.sqlite3').as_posix()}"

    @property
    def secret(self) -> bytes:
        """The HMAC key of tokens (the development key only when ``env == development``)."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value().encode()
        return DEV_SECRET.encode()


def load_settings(**overrides: object) -> Settings:
    """Read the environment (plus ``overrides``); a bad configuration is a French error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'configuration'} : "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise SettingsError(
            f"Configuration du service invalide : {problems}",
            hint='Définissez MILO_SECRET_KEY (par exemple `python -c "import secrets; '
            'print(secrets.token_urlsafe(48))"`), ou MILO_ENV=development pour un essai local.',
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process settings, read once (FastAPI dependency; tests override it)."""
    return load_settings()


def public_url_setting() -> str | None:
    """``MILO_PUBLIC_URL`` when it is set (the commands that print public links, such as
    ``milo kit``, need the address people reach, and have no default for it)."""
    return os.environ.get("MILO_PUBLIC_URL") or None
