"""The audit trail: who changed what, when, and the values before and after.

Generic on purpose: any write of the store (activity records today; plans, publications and
partner edits later) calls :func:`record` in the session of the change, so that the entry is
committed with the change or rolled back with it, never one without the other.

``target`` names what changed as its API path (``plans/<id>/visits/<id>/activity``);
``before`` / ``after`` are JSON objects of the changed values (``None`` for a creation's
``before`` and a deletion's ``after``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.service.auth import Principal
from api.service.db.models import AuditRow, utcnow

#: French labels of the actions (the journal page); an action missing here shows its code
ACTION_FR = {
    "plan.create": "plan créé",
    "plan.replan": "plan recalculé",
    "plan.publish": "plan publié",
    "plan.archive": "plan archivé",
    "plan.cancel": "calcul de plan annulé",
    "plan.locks": "verrous des visites modifiés",
    "partner.create": "partenaire ajouté",
    "partner.update": "partenaire modifié",
    "partner.delete": "partenaire supprimé",
    "partners.import": "partenaires importés",
    "activity.create": "activité saisie",
    "activity.correct": "activité corrigée",
    "activity.delete": "activité supprimée",
    "activity.lock": "semaine verrouillée",
    "activity.unlock": "semaine déverrouillée",
    "outcomes.create": "suites de parcours saisies",
    "outcomes.correct": "suites de parcours corrigées",
    "outcomes.delete": "suites de parcours supprimées",
    "outcomes.import": "suites de parcours importées",
    "calendar.create": "agenda privé créé",
    "calendar.rotate": "adresse de l'agenda changée",
    "calendar.revoke": "agenda privé révoqué",
    "user.create": "compte créé",
    "user.invite": "conseiller invité",
    "user.activate": "compte activé",
    "user.login": "connexion",
    "user.password": "mot de passe changé",
    "user.disable": "compte désactivé",
}


def action_fr(action: str) -> str:
    """« plan publié » for ``plan.publish``; an unknown action as its code."""
    return ACTION_FR.get(action, action)


def record(
    s: Session,
    who: Principal,
    action: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    territory_id: str | None = None,
    at: dt.datetime | None = None,
) -> AuditRow:
    """Add one audit entry to the caller's transaction (the caller commits).

    ``territory_id`` defaults to the caller's territory (``None`` for the ARML).
    """
    row = AuditRow(
        at=at or utcnow(),
        actor_token_id=who.token_id,
        actor_user_id=who.user_id,
        actor_role=who.role.value,
        territory_id=territory_id if territory_id is not None else who.territory_id,
        action=action,
        target=target,
        before=before,
        after=after,
    )
    s.add(row)
    s.flush()
    return row


def entries(
    s: Session, territory_id: str, *, limit: int = 100, offset: int = 0, target: str | None = None
) -> tuple[Sequence[AuditRow], int]:
    """A territory's entries, last written first (ids follow the commit order of one
    target's serialised writers), and how many there are in all."""
    where = [AuditRow.territory_id == territory_id]
    if target is not None:
        where.append(AuditRow.target == target)
    total = s.scalar(select(func.count(AuditRow.id)).where(*where)) or 0
    q = select(AuditRow).where(*where).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    return s.scalars(q).all(), int(total)


def public(row: AuditRow) -> dict[str, Any]:
    """The API answer of one entry."""
    return {
        "id": row.id,
        "at": row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC),
        "actor": {
            "token_id": row.actor_token_id,
            "user_id": row.actor_user_id,
            "role": row.actor_role,
        },
        "territory_id": row.territory_id,
        "action": row.action,
        "target": row.target,
        "before": row.before,
        "after": row.after,
    }
