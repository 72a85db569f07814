"""Access tokens and roles.

A token is ``secrets.token_urlsafe(32)``, shown once; only its HMAC-SHA256 (key
``MILO_SECRET_KEY``) is stored. Roles:

``manager``     plans and edits its own territory (partners, plans, re-plans, activity) and
                creates, lists and revokes its territory's conseiller tokens.
``conseiller``  reads its own territory's plans (next stop, exports) and records activity.
``arml``        no territory: reads the territory list and the regional comparison, whose small
                counts are suppressed; never a plan, a visit or an activity row (403).

Any request outside one's territory is a 403; a missing, unknown, expired or revoked token is a
401 saying which.

Lifetime (:func:`issue_token`): a token expires :data:`DEFAULT_EXPIRES_DAYS` days after its
creation unless told otherwise. A conseiller token (the one on a phone, the one that gets lost)
always expires, after at most :data:`MAX_CONSEILLER_DAYS` days; ``expires_days=0`` (never) is
only for manager and arml tokens made on the server with ``milo token create``. A revoked token
is refused at once by the process that revoked it (its cache entry is dropped) and within
:data:`CACHE_TTL_S` seconds by the other processes (``milo token revoke`` on the command line,
other workers): each process re-reads a token from the store at most every ``CACHE_TTL_S``.
``last_used_at`` is written at most once per :data:`TOUCH_EVERY_S` per token.

Failed authentications are counted per client address (:class:`~api.service.limits.
FailureLimiter`): beyond the limit, each further failure is a 429 with ``Retry-After``; a valid
token is always served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from api.service.db import repo
from api.service.db.models import TokenRow
from api.service.db.session import Database
from api.service.errors import AuthenticationError, ForbiddenError, TooManyRequestsError
from api.service.limits import FailureLimiter
from geo_data.text import clean_text
from planner.errors import InvalidProblemError

#: seconds a verified token stays in the per-process cache (how late another process sees a
#: revocation)
CACHE_TTL_S = 15.0
#: ``last_used_at`` is written at most once per this many seconds per token
TOUCH_EVERY_S = 60.0
DEFAULT_EXPIRES_DAYS = 180
MAX_CONSEILLER_DAYS = 365
MAX_EXPIRES_DAYS = 3650
LABEL_MAX = 100


class Role(StrEnum):
    MANAGER = "manager"
    CONSEILLER = "conseiller"
    ARML = "arml"
    #: people's accounts only (never a token): manages the accounts, acts as a manager anywhere
    ADMIN = "admin"


#: the roles a token may have
TOKEN_ROLES = (Role.MANAGER, Role.CONSEILLER, Role.ARML)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and, except for the ARML and the admin, one territory.

    A token's caller has ``token_id``; a person logged in to the web application has
    ``user_id`` (and no token).
    """

    token_id: int | None
    role: Role
    territory_id: str | None
    user_id: int | None = None

    def record(self) -> dict:
        """Who acted, as stored with a plan or an entry (``created_by``, ``published_by``)."""
        out: dict = {"token_id": self.token_id, "role": self.role.value}
        if self.user_id is not None:
            out["user_id"] = self.user_id
        return out


def hash_token(token: str, secret: bytes) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored date in UTC (SQLite gives them back without their zone: they are UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def french_date(moment: dt.datetime | None) -> str:
    moment = as_utc(moment)
    return "jamais" if moment is None else moment.strftime("%d/%m/%Y %H:%M UTC")


def _role(role: str) -> Role:
    try:
        parsed = Role(role)
        if parsed not in TOKEN_ROLES:
            raise ValueError(role)
        return parsed
    except ValueError:
        raise InvalidProblemError(
            f"Rôle {role!r} inconnu pour un jeton (attendu : "
            f"{', '.join(r.value for r in TOKEN_ROLES)}).",
            hint="manager (planifier son territoire), conseiller (lire ses plans, saisir "
            "l'activité) ou arml (comparaison régionale).",
        ) from None


def _check_days(role: Role, days: int) -> None:
    if role is Role.CONSEILLER and not 1 <= days <= MAX_CONSEILLER_DAYS:
        raise InvalidProblemError(
            f"Durée de validité d'un jeton conseiller : de 1 à {MAX_CONSEILLER_DAYS} jours "
            f"attendus, reçu {days}.",
            hint="Un jeton conseiller vit sur un téléphone : il expire toujours (par défaut "
            f"{DEFAULT_EXPIRES_DAYS} jours) ; recréez-en un à l'échéance.",
        )
    if not 0 <= days <= MAX_EXPIRES_DAYS:
        raise InvalidProblemError(
            f"Durée de validité : de 0 (jamais) à {MAX_EXPIRES_DAYS} jours attendus, reçu {days}.",
            hint=f"Par défaut {DEFAULT_EXPIRES_DAYS} jours ; 0 pour un jeton manager ou arml "
            "qui n'expire pas.",
        )


def issue_token(
    db: Database,
    secret: bytes,
    *,
    role: str,
    territory_id: str | None,
    label: str = "",
    expires_days: int = DEFAULT_EXPIRES_DAYS,
    created_by: str = "cli",
) -> tuple[str, TokenRow]:
    """Store a new token's hash; the token (the only time it is visible) and its row."""
    parsed = _role(role)
    if parsed is Role.ARML and territory_id is not None:
        raise InvalidProblemError(
            "Un jeton arml couvre toute la région : pas de --territory.",
            hint="Retirez --territory pour le rôle arml.",
        )
    if parsed is not Role.ARML and territory_id is None:
        raise InvalidProblemError(
            f"Un jeton {parsed.value} appartient à un territoire : --territory manquant.",
            hint="Ajoutez --territory ID (voir GET /territories).",
        )
    _check_days(parsed, expires_days)
    text = clean_text(label, what="le libellé du jeton", max_length=LABEL_MAX) if label else ""
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(days=expires_days) if expires_days else None
    token = secrets.token_urlsafe(32)
    with db.session() as s:
        if territory_id is not None:
            repo.get_territory(s, territory_id)
        row = repo.add_token(
            s,
            token_hash=hash_token(token, secret),
            role=parsed.value,
            territory_id=territory_id,
            label=text,
            expires_at=expires,
            created_by=created_by,
        )
        s.commit()
    return token, row


def create_token(
    db: Database,
    secret: bytes,
    *,
    role: str,
    territory_id: str | None,
    label: str = "",
    expires_days: int = DEFAULT_EXPIRES_DAYS,
) -> str:
    """A new token from the command line (see :func:`issue_token`)."""
    token, _ = issue_token(
        db, secret, role=role, territory_id=territory_id, label=label, expires_days=expires_days
    )
    return token


def refusal(row: TokenRow, now: dt.datetime) -> AuthenticationError | None:
    """Why a stored token is refused (revoked, expired), or None when it is valid."""
    revoked = as_utc(row.revoked_at)
    if revoked is not None:
        return AuthenticationError(
            f"Jeton d'accès révoqué le {french_date(revoked)} (jeton {row.id}).",
            hint="Ce jeton a été retiré (appareil perdu, départ...) : demandez-en un nouveau à "
            "votre responsable.",
        )
    expires = as_utc(row.expires_at)
    if expires is not None and expires <= now:
        return AuthenticationError(
            f"Jeton d'accès expiré le {french_date(expires)} (jeton {row.id}).",
            hint="Demandez un nouveau jeton à votre responsable (API : POST "
            "/territories/{id}/tokens ; serveur : milo token create).",
        )
    return None


@dataclass(frozen=True)
class _Entry:
    verified: float  # monotonic time of the store read
    principal: Principal
    expires_at: dt.datetime | None


class Authenticator:
    """Verifies ``Authorization: Bearer`` tokens against the store (with a short cache) and
    counts the failures per client address."""

    def __init__(self, db: Database, secret: bytes, failures: FailureLimiter | None = None) -> None:
        self.db = db
        self.secret = secret
        self.failures = failures if failures is not None else FailureLimiter()
        self._cache: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _token(authorization: str | None) -> str:
        if not authorization:
            raise AuthenticationError(
                "Jeton d'accès absent.",
                hint="Ajoutez l'en-tête « Authorization: Bearer <jeton> » (milo token create).",
            )
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationError(
                "En-tête Authorization mal formé (attendu « Bearer <jeton> »).",
                hint="Écrivez « Authorization: Bearer » suivi du jeton.",
            )
        return token

    def cached(self, authorization: str | None) -> Principal | None:
        """The caller when its token was verified less than :data:`CACHE_TTL_S` ago and has
        not expired since (no I/O)."""
        try:
            digest = hash_token(self._token(authorization), self.secret)
        except AuthenticationError:
            return None
        with self._lock:
            hit = self._cache.get(digest)
        if hit is None or time.monotonic() - hit.verified >= CACHE_TTL_S:
            return None
        if hit.expires_at is not None and hit.expires_at <= dt.datetime.now(dt.UTC):
            return None
        return hit.principal

    def forget(self, token_id: int) -> None:
        """Drop a token from this process's cache (revocation takes effect at once here)."""
        with self._lock:
            for digest in [d for d, e in self._cache.items() if e.principal.token_id == token_id]:
                del self._cache[digest]

    def __call__(self, authorization: str | None, client: str = "inconnue") -> Principal:
        """Verify the header against the store (blocking; use :meth:`cached` first).

        A failure is counted against ``client``; past the limit it is a 429, not a 401.
        """
        hit = self.cached(authorization)
        if hit is not None:
            return hit
        try:
            return self._verify(authorization)
        except AuthenticationError as exc:
            wait = self.failures.fail(client)
            if wait is None:
                raise
            raise TooManyRequestsError(
                f"Trop d'échecs d'authentification depuis l'adresse {client} (plus de "
                f"{self.failures.limit} en {self.failures.window_s:.0f} s) ; dernier refus : "
                f"{exc.message}",
                hint=f"Réessayez dans {wait} s avec un jeton valide (en-tête Authorization: "
                "Bearer <jeton>).",
                retry_after=wait,
            ) from exc

    def _verify(self, authorization: str | None) -> Principal:
        digest = hash_token(self._token(authorization), self.secret)
        now = dt.datetime.now(dt.UTC)
        with self.db.session() as s:
            row = repo.find_token(s, digest)
            if row is None:
                raise AuthenticationError(
                    "Jeton d'accès inconnu.",
                    hint="Vérifiez le jeton, ou créez-en un avec « milo token create ».",
                )
            refused = refusal(row, now)
            if refused is not None:
                raise refused
            principal = Principal(row.id, Role(row.role), row.territory_id)
            expires = as_utc(row.expires_at)
            if repo.touch_token(s, row.id, now, every_s=TOUCH_EVERY_S):
                s.commit()
        with self._lock:
            self._cache[digest] = _Entry(time.monotonic(), principal, expires)
        return principal


def _forbid(message: str, hint: str) -> None:
    raise ForbiddenError(message, hint=hint)


def require_territory(principal: Principal, territory_id: str, *, action: str) -> None:
    """Read or act on one territory's own data (plans, partners, communes, coverage)."""
    if principal.role is Role.ADMIN:
        return
    person = principal.token_id is None
    if principal.role is Role.ARML:
        _forbid(
            f"Le rôle arml ne lit pas les données détaillées d'un territoire ({action}).",
            "Consultez la page Région (agrégats avec secret statistique)."
            if person
            else "Consultez GET /comparison (agrégats avec secret statistique).",
        )
    if principal.territory_id != territory_id:
        if person:
            _forbid(
                f"Accès refusé : votre compte est rattaché au territoire "
                f"{principal.territory_id}, pas à {territory_id} ({action}).",
                "Ouvrez les pages de votre territoire, ou demandez un compte au responsable "
                "de celui-ci.",
            )
        _forbid(
            f"Accès refusé : ce jeton appartient au territoire {principal.territory_id}, "
            f"pas à {territory_id} ({action}).",
            "Utilisez un jeton de ce territoire.",
        )


def require_manager(principal: Principal, territory_id: str, *, action: str) -> None:
    """Write planning data (partners, plans, re-plans) of one's own territory."""
    require_territory(principal, territory_id, action=action)
    if principal.role not in (Role.MANAGER, Role.ADMIN):
        _forbid(
            f"Le rôle {principal.role.value} ne peut pas {action}.",
            "Seul un responsable du territoire peut le faire."
            if principal.token_id is None
            else "Seul un jeton manager du territoire peut le faire.",
        )
