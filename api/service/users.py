"""People's accounts: create, invite, set a password, disable, list, log in.

Passwords are hashed with Argon2id (pwdlib's :class:`~pwdlib.hashers.argon2.Argon2Hasher`, the
library's default parameters: 64 MiB, 3 passes, 4 lanes) and never stored nor logged as text. A
person gets an account by ``milo user create`` (password from standard input, or a one-time
invitation link) or, for a conseiller, by their manager's invitation from the web application.
The link carries a random token whose HMAC only is stored; it is valid :data:`INVITE_DAYS` days
and once.

Roles (:class:`~api.service.auth.Role`): ``admin`` (accounts; acts as a manager on every
territory), ``arml`` (the region's aggregated figures), ``manager`` and ``conseiller`` (one
territory each).

Failed logins (:func:`authenticate`) are counted in the store per e-mail and per client address,
so that every server process sees them: after :data:`FAILURES_LIMIT` failures within
:data:`WINDOW_S` seconds, further attempts are refused (429) for :data:`LOCK_S` seconds, even
with the right password; the answer says when to retry. The failure rows are what the lock
counts; they hold an e-mail as typed or an address, and are purged after the lock.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, Role, as_utc, hash_token
from api.service.db import repo
from api.service.db.models import LoginFailureRow, UserRow, WebSessionRow, utcnow
from api.service.errors import AuthenticationError, ForbiddenError, TooManyRequestsError
from geo_data.text import clean_text
from planner.errors import InvalidProblemError, NotFoundError

PASSWORDS = PasswordHash((Argon2Hasher(),))
PASSWORD_MIN = 12
PASSWORD_MAX = 256
NAME_MAX = 100
INVITE_DAYS = 7
FAILURES_LIMIT = 9
WINDOW_S = 60
LOCK_S = 300
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
#: French name of each role (keys are the role values)
ROLE_FR: dict[str, str] = {
    Role.ADMIN.value: "administrateur",
    Role.ARML.value: "ARML",
    Role.MANAGER.value: "responsable",
    Role.CONSEILLER.value: "conseiller",
}
#: what a user with no password yet hits at login (same answer as a wrong password)
_DUMMY_HASH = PASSWORDS.hash(secrets.token_urlsafe(16))


def normal_email(email: str) -> str:
    """The e-mail as stored (trimmed, lower case), or a French error saying what came."""
    text = (email or "").strip().lower()
    if not EMAIL.match(text) or len(text) > 254:
        raise InvalidProblemError(
            f"Adresse e-mail illisible : « {text[:80]} » (attendu nom@domaine.fr).",
            hint="Écrivez l'adresse complète, par exemple prenom.nom@missionlocale.fr.",
        )
    return text


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidProblemError(
            f"Rôle {role!r} inconnu (attendu : {', '.join(r.value for r in Role)}).",
            hint="admin (comptes), arml (région), manager (planifie son territoire) ou "
            "conseiller (terrain).",
        ) from None


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidProblemError(
            f"Mot de passe trop court : {len(password)} caractère(s), au moins {PASSWORD_MIN} "
            "attendus.",
            hint="Choisissez une phrase de passe d'au moins 12 caractères (plusieurs mots).",
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidProblemError(
            f"Mot de passe trop long : au plus {PASSWORD_MAX} caractères.",
            hint="Choisissez un mot de passe plus court.",
        )


def principal_of(user: UserRow) -> Principal:
    return Principal(None, Role(user.role), user.territory_id, user_id=user.id)


def find_user(s: Session, email: str) -> UserRow | None:
    return s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))


def get_user(s: Session, email: str) -> UserRow:
    row = find_user(s, email)
    if row is None:
        raise NotFoundError(
            f"Aucun compte pour l'adresse {email.strip().lower()!r}.",
            hint="Voir la liste : milo user list.",
        )
    return row


def list_users(s: Session, *, territory_id: str | None = None) -> Sequence[UserRow]:
    q = select(UserRow).order_by(UserRow.territory_id, UserRow.role, UserRow.email)
    if territory_id is not None:
        q = q.where(UserRow.territory_id == territory_id)
    return s.scalars(q).all()


def state_fr(user: UserRow) -> str:
    if user.disabled_at is not None:
        return "désactivé"
    return "actif" if user.password_hash else "invitation envoyée"


@dataclass(frozen=True)
class NewUser:
    """A created account and, when it has no password yet, its one-time invitation token."""

    user: UserRow
    invitation: str | None


def create_user(
    s: Session,
    secret: bytes,
    *,
    email: str,
    role: str,
    territory_id: str | None,
    name: str = "",
    password: str | None = None,
    by: Principal | None = None,
) -> NewUser:
    """Add an account (the caller commits); without ``password``, an invitation token."""
    address = normal_email(email)
    parsed = parse_role(role)
    if parsed in (Role.ADMIN, Role.ARML) and territory_id is not None:
        raise InvalidProblemError(
            f"Un compte {parsed.value} couvre toute la région : pas de territoire.",
            hint="Retirez --territory pour ce rôle.",
        )
    if parsed in (Role.MANAGER, Role.CONSEILLER) and territory_id is None:
        raise InvalidProblemError(
            f"Un compte {parsed.value} appartient à un territoire : territoire manquant.",
            hint="Ajoutez --territory ID (voir milo territory --list ou GET /territories).",
        )
    if territory_id is not None:
        repo.get_territory(s, territory_id)
    if find_user(s, address) is not None:
        raise InvalidProblemError(
            f"Un compte existe déjà pour {address}.",
            hint="Choisissez une autre adresse, ou réactivez ce compte (milo user list).",
        )
    display = clean_text(name or address.split("@")[0], what="le nom", max_length=NAME_MAX)
    row = UserRow(
        email=address,
        name=display,
        role=parsed.value,
        territory_id=territory_id,
        created_by="cli" if by is None else f"user:{by.user_id}",
    )
    invitation = None
    if password is not None:
        check_password(password)
        row.password_hash = PASSWORDS.hash(password)
        row.password_changed_at = utcnow()
    s.add(row)
    s.flush()
    if password is None:
        invitation = new_invitation(s, row, secret)
    if by is not None:
        audit.record(
            s,
            by,
            "user.invite" if password is None else "user.create",
            f"users/{row.id}",
            None,
            {"email": address, "role": parsed.value},
            territory_id=territory_id,
        )
    return NewUser(row, invitation)


def new_invitation(s: Session, user: UserRow, secret: bytes) -> str:
    """A fresh one-time link token for ``user`` (any older one stops working)."""
    token = secrets.token_urlsafe(32)
    user.invite_hash = hash_token(token, secret)
    user.invite_expires_at = utcnow() + dt.timedelta(days=INVITE_DAYS)
    s.flush()
    return token


def invited_user(s: Session, token: str, secret: bytes) -> UserRow:
    """The account an invitation link is for (404 when unknown, used or expired)."""
    row = s.scalar(select(UserRow).where(UserRow.invite_hash == hash_token(token, secret)))
    expires = None if row is None else as_utc(row.invite_expires_at)
    if row is None or row.disabled_at is not None or expires is None or expires <= utcnow():
        raise NotFoundError(
            "Lien d'invitation inconnu, déjà utilisé ou expiré.",
            hint=f"Un lien vaut une fois, {INVITE_DAYS} jours : demandez-en un nouveau à votre "
            "responsable.",
        )
    return row


def set_password(s: Session, user: UserRow, password: str) -> None:
    """Replace the password, end the invitation, and revoke every open session of the user."""
    check_password(password)
    user.password_hash = PASSWORDS.hash(password)
    user.password_changed_at = utcnow()
    user.invite_hash = None
    user.invite_expires_at = None
    revoke_sessions(s, user.id)


def revoke_sessions(s: Session, user_id: int) -> int:
    rows = s.scalars(
        select(WebSessionRow).where(
            WebSessionRow.user_id == user_id, WebSessionRow.revoked_at.is_(None)
        )
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    s.flush()
    return len(rows)


def disable_user(s: Session, user: UserRow, *, by: Principal | None = None) -> bool:
    """Disable an account and end its sessions at once; False when it already was."""
    if user.disabled_at is not None:
        return False
    user.disabled_at = utcnow()
    user.invite_hash = None
    revoke_sessions(s, user.id)
    if by is not None:
        audit.record(
            s,
            by,
            "user.disable",
            f"users/{user.id}",
            {"email": user.email, "state": "actif"},
            {"email": user.email, "state": "désactivé"},
            territory_id=user.territory_id,
        )
    return True


def require_team_manager(who: Principal, user: UserRow) -> None:
    """A manager manages the conseillers of its own territory (an admin, everyone)."""
    if who.role is Role.ADMIN:
        return
    if (
        who.role is not Role.MANAGER
        or user.role != Role.CONSEILLER.value
        or user.territory_id != who.territory_id
    ):
        raise ForbiddenError(
            "Un responsable gère les comptes conseiller de son territoire seulement.",
            hint="Demandez à l'administrateur du service (milo user).",
        )


# -- login ----------------------------------------------------------------------------------


def _locked_for(s: Session, keys: Sequence[str], now: dt.datetime) -> int | None:
    """Seconds left of a lock on any of ``keys``, or None.

    A key is locked when it had :data:`FAILURES_LIMIT` failures within :data:`WINDOW_S`
    seconds, until :data:`LOCK_S` seconds after the last of them.
    """
    wait = 0.0
    for key in keys:
        rows = s.scalars(
            select(LoginFailureRow.at)
            .where(
                LoginFailureRow.key == key,
                LoginFailureRow.at > now - dt.timedelta(seconds=LOCK_S + WINDOW_S),
            )
            .order_by(LoginFailureRow.at)
        ).all()
        times = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in rows]
        for i in range(len(times) - FAILURES_LIMIT + 1):
            if (times[i + FAILURES_LIMIT - 1] - times[i]).total_seconds() <= WINDOW_S:
                end = times[-1] + dt.timedelta(seconds=LOCK_S)
                wait = max(wait, (end - now).total_seconds())
                break
    return int(wait) + 1 if wait > 0 else None


def _fail(s: Session, keys: Sequence[str], now: dt.datetime) -> None:
    for key in keys:
        s.add(LoginFailureRow(key=key, at=now))
    s.execute(
        delete(LoginFailureRow).where(
            LoginFailureRow.at < now - dt.timedelta(seconds=LOCK_S + WINDOW_S)
        )
    )
    s.commit()


def authenticate(s: Session, email: str, password: str, *, client: str) -> UserRow:
    """The account of a correct e-mail and password (the caller opens its session).

    Refused (:class:`AuthenticationError`, one message whatever was wrong, so that a stranger
    cannot tell which addresses have accounts) or locked (:class:`TooManyRequestsError`).
    """
    address = (email or "").strip().lower()[:254]
    keys = [f"email:{address}", f"ip:{client}"]
    now = utcnow()
    wait = _locked_for(s, keys, now)
    if wait is not None:
        raise TooManyRequestsError(
            f"Trop de tentatives de connexion manquées (plus de {FAILURES_LIMIT - 1} en "
            f"{WINDOW_S} s) : connexion bloquée pendant {wait // 60 + 1} min.",
            hint=f"Réessayez dans {wait} s. Mot de passe oublié : demandez un nouveau lien "
            "d'invitation à votre responsable.",
            retry_after=wait,
        )
    user = find_user(s, address)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    ok = PASSWORDS.verify(password or "", stored)
    if not ok or user is None or not user.password_hash or user.disabled_at is not None:
        _fail(s, keys, now)
        raise AuthenticationError(
            "Adresse e-mail ou mot de passe incorrect (ou compte désactivé).",
            hint="Vérifiez l'adresse et le mot de passe (majuscules comprises).",
        )
    user.last_login_at = now
    return user
