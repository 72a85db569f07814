"""Access tokens and roles.

A token is ``secrets.token_urlsafe(32)``, shown once; only its HMAC-SHA256 (key
``MILO_SECRET_KEY``) is stored. Roles:

``manager``     plans and edits its own territory (partners, plans, re-plans, activity).
``conseiller``  reads its own territory's plans (next stop, exports) and records activity.
``arml``        no territory: reads the territory list and the regional comparison, whose small
                counts are suppressed; never a plan, a visit or an activity row (403).

Any request outside one's territory is a 403; a missing or unknown token is a 401.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from api.service.db import repo
from api.service.db.session import Database
from api.service.errors import AuthenticationError, ForbiddenError
from planner.errors import InvalidProblemError

#: seconds a verified token stays in the per-process cache
CACHE_TTL_S = 60.0


class Role(StrEnum):
    MANAGER = "manager"
    CONSEILLER = "conseiller"
    ARML = "arml"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role and, except for the ARML, one territory."""

    token_id: int
    role: Role
    territory_id: str | None


def hash_token(token: str, secret: bytes) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def create_token(db: Database, secret: bytes, *, role: str, territory_id: str | None) -> str:
    """Store a new token's hash and return the token (the only time it is visible)."""
    try:
        parsed = Role(role)
    except ValueError:
        raise InvalidProblemError(
            f"Rôle {role!r} inconnu (attendu : {', '.join(r.value for r in Role)}).",
            hint="manager (planifier son territoire), conseiller (lire ses plans, saisir "
            "l'activité) ou arml (comparaison régionale).",
        ) from None
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
    token = secrets.token_urlsafe(32)
    with db.session() as s:
        if territory_id is not None:
            repo.get_territory(s, territory_id)
        repo.add_token(
            s, token_hash=hash_token(token, secret), role=parsed.value, territory_id=territory_id
        )
        s.commit()
    return token


class Authenticator:
    """Verifies ``Authorization: Bearer`` tokens against the store (with a short cache)."""

    def __init__(self, db: Database, secret: bytes) -> None:
        self.db = db
        self.secret = secret
        self._cache: dict[str, tuple[float, Principal]] = {}
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
        """The caller when its token was verified less than :data:`CACHE_TTL_S` ago (no I/O)."""
        try:
            digest = hash_token(self._token(authorization), self.secret)
        except AuthenticationError:
            return None
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and time.monotonic() - hit[0] < CACHE_TTL_S:
            return hit[1]
        return None

    def __call__(self, authorization: str | None) -> Principal:
        """Verify the header against the store (blocking; use :meth:`cached` first)."""
        hit = self.cached(authorization)
        if hit is not None:
            return hit
        digest = hash_token(self._token(authorization), self.secret)
        with self.db.session() as s:
            row = repo.find_token(s, digest)
            if row is None:
                raise AuthenticationError(
                    "Jeton d'accès inconnu.",
                    hint="Vérifiez le jeton, ou créez-en un avec « milo token create ».",
                )
            principal = Principal(row.id, Role(row.role), row.territory_id)
        with self._lock:
            self._cache[digest] = (time.monotonic(), principal)
        return principal


def _forbid(message: str, hint: str) -> None:
    raise ForbiddenError(message, hint=hint)


def require_territory(principal: Principal, territory_id: str, *, action: str) -> None:
    """Read or act on one territory's own data (plans, partners, communes, coverage)."""
    if principal.role is Role.ARML:
        _forbid(
            f"Le rôle arml ne lit pas les données détaillées d'un territoire ({action}).",
            "Consultez GET /comparison (agrégats avec secret statistique).",
        )
    if principal.territory_id != territory_id:
        _forbid(
            f"Accès refusé : ce jeton appartient au territoire {principal.territory_id}, "
            f"pas à {territory_id} ({action}).",
            "Utilisez un jeton de ce territoire.",
        )


def require_manager(principal: Principal, territory_id: str, *, action: str) -> None:
    """Write planning data (partners, plans, re-plans) of one's own territory."""
    require_territory(principal, territory_id, action=action)
    if principal.role is not Role.MANAGER:
        _forbid(
            f"Le rôle {principal.role.value} ne peut pas {action}.",
            "Seul un jeton manager du territoire peut le faire.",
        )
