"""``/territoires/{id}/journal``: the territory's audit log for its manager, newest first.

Each entry says when (Europe/Paris), who (the person's account, or the API token), what (a
French label of the action), on what, and what changed (before → after). The names of people
are read from the accounts table: the log itself keeps only their ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import require_manager
from api.service.db import repo
from api.service.db.models import AuditRow, PlanRow, UserRow, VisitRow
from api.service.deps import StateDep
from api.service.users import ROLE_FR
from api.web.deps import ViewerDep, WebMark
from api.web.pages import MONTHS_FR, date_fr, render
from maps.plan_input import SLOT_LABELS
from planner.outcomes import DURATIONS, SCHEMES, SITUATIONS
from planner.session_labels import approach_label
from planner.taxonomy import APPROACH_LABELS

router = APIRouter(include_in_schema=False, dependencies=[WebMark])

PAGE_SIZE = 50
#: French names of the audited values (a value missing here shows its key)
FIELD_FR = {
    "approach": "démarche",
    "contacts": "contacts",
    "reperes": "repérés",
    "mobilises": "mobilisés",
    "partner_met": "partenaire rencontré",
    "revision": "révision",
    "published": "plan publié",
    "version": "version",
    "stage": "étape",
    "email": "adresse e-mail",
    "role": "rôle",
    "state": "état",
    "name": "nom",
    "id": "identifiant",
    "type": "type",
    "commune": "commune",
    "lon": "longitude",
    "lat": "latitude",
    "opening_hours": "horaires",
    "can_host_van": "accueille le véhicule",
    "power": "électricité",
    "parking": "stationnement",
    "fixed_site": "lieu fixe",
    "start": "début",
    "weeks": "semaines",
    "status": "état du calcul",
    "mode": "mode",
    "changes": "changements",
    "locked": "visites verrouillées",
    "plan": "plan",
    "partners": "partenaires",
    "replaced": "remplacés",
    "file": "fichier",
    "added": "ajoutés",
    "updated": "modifiés",
    "refused": "refusés",
    "refused_lines": "lignes refusées",
    "added_ids": "identifiants ajoutés",
    "updated_ids": "identifiants modifiés",
    "month": "mois",
    **SCHEMES,
    **SITUATIONS,
    **{k: f"durée {v[0].lower()}{v[1:]}" for k, v in DURATIONS.items()},
}
#: at most this many values per entry (a partner's creation has a dozen)
CHANGES_MAX = 8
STAGE_FR = {"draft": "brouillon", "published": "publié", "archived": "archivé"}
VALUE_MAX = 80
ACTIVITY_TARGET = re.compile(r"plans/([^/]+)/visits/(\d+)/activity")
USER_TARGET = re.compile(r"users/(\d+)")
PARTNER_TARGET = re.compile(r"territories/[^/]+/partners/([^/]+)")
PARTNERS_TARGET = re.compile(r"territories/[^/]+/partners")
LOCKS_TARGET = re.compile(r"plans/([^/]+)/locks")
PLAN_TARGET = re.compile(r"plans/([^/]+)")
OUTCOME_TARGET = re.compile(r"territories/[^/]+/outcomes/(\d{4})-(\d{2})/([a-z_]+)")
OUTCOMES_TARGET = re.compile(r"territories/[^/]+/outcomes(\.csv)?")


def people(s: Session, ids: Iterable[int | None]) -> dict[int, UserRow]:
    """The accounts of ``ids`` (unknown ids are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in s.scalars(select(UserRow).where(UserRow.id.in_(wanted)))}


def actor_fr(
    users: dict[int, UserRow], user_id: int | None, token_id: int | None, role: str | None
) -> tuple[str, str]:
    """(who, detail): the person's name and e-mail, else « jeton API n° X », else the role."""
    user = users.get(user_id) if user_id is not None else None
    if user is not None:
        return user.name, user.email
    if user_id is not None:
        return f"compte n° {user_id}", "compte supprimé"
    label = ROLE_FR.get(role, role) if role else ""
    if token_id is not None:
        return f"jeton API n° {token_id}", label
    return label or "inconnu", ""


def value_fr(key: str, value: Any) -> str:
    """One audited value as short French text (never markup: the template escapes it)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key == "approach" and isinstance(value, str):
        return approach_label(value)
    if key == "stage" and isinstance(value, str):
        return STAGE_FR.get(value, value)
    if key == "role" and isinstance(value, str):
        return ROLE_FR.get(value, value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def changes_fr(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """« contacts : 12 → 14 » per changed value (a creation shows its values, a deletion what
    was removed)."""
    old, new = before or {}, after or {}
    out = []
    for key in dict.fromkeys([*old, *new]):
        name = FIELD_FR.get(key, key)
        if key not in old or before is None:
            out.append(f"{name} : {value_fr(key, new.get(key))}")
        elif key not in new or after is None:
            out.append(f"{name} : {value_fr(key, old.get(key))} → supprimé")
        elif old[key] != new[key]:
            out.append(f"{name} : {value_fr(key, old[key])} → {value_fr(key, new[key])}")
    if len(out) > CHANGES_MAX:
        out[CHANGES_MAX - 1 :] = [f"… et {len(out) - CHANGES_MAX + 1} autres valeurs"]
    return out


def targets_fr(s: Session, rows: Sequence[AuditRow], users: dict[int, UserRow]) -> list[str]:
    """What each entry is about, in French (the visit's date and place for activity)."""
    visit_ids = {int(m.group(2)) for r in rows if (m := ACTIVITY_TARGET.fullmatch(r.target))}
    c = VisitRow.__table__.c
    visits = (
        {v.id: v for v in s.scalars(select(VisitRow).where(c.id.in_(visit_ids)))}
        if visit_ids
        else {}
    )
    plan_ids = {m.group(1) for r in rows if (m := PLAN_TARGET.fullmatch(r.target))}
    plans = (
        {p.id: p for p in s.scalars(select(PlanRow).where(PlanRow.id.in_(plan_ids)))}
        if plan_ids
        else {}
    )
    out = []
    for row in rows:
        if m := ACTIVITY_TARGET.fullmatch(row.target):
            visit = visits.get(int(m.group(2)))
            if visit is None:
                out.append(f"activité de la visite n° {m.group(2)} (plan {m.group(1)})")
                continue
            slot = SLOT_LABELS.get(visit.slot, visit.slot).lower()
            where = visit.stop_name or visit.stop_id
            out.append(f"séance du {date_fr(visit.date)}, {slot}, {where}")
        elif m := USER_TARGET.fullmatch(row.target):
            user = users.get(int(m.group(1)))
            out.append(f"compte de {user.name} ({user.email})" if user else f"compte n° {m[1]}")
        elif m := PARTNER_TARGET.fullmatch(row.target):
            values = row.after or row.before or {}
            name = values.get("name") if isinstance(values.get("name"), str) else None
            out.append(f"partenaire « {name} »" if name else f"partenaire {m.group(1)}")
        elif m := OUTCOME_TARGET.fullmatch(row.target):
            month = MONTHS_FR[int(m.group(2)) - 1]
            labels = {a.value: label for a, label in APPROACH_LABELS.items()}
            approach = labels.get(m.group(3), m.group(3)).lower()
            out.append(f"suites des parcours de {month} {m.group(1)}, {approach}")
        elif OUTCOMES_TARGET.fullmatch(row.target):
            out.append("suites des parcours du territoire (fichier)")
        elif PARTNERS_TARGET.fullmatch(row.target):
            out.append("partenaires du territoire")
        elif m := LOCKS_TARGET.fullmatch(row.target):
            out.append(f"visites verrouillées du plan {m.group(1)}")
        elif m := PLAN_TARGET.fullmatch(row.target):
            plan = plans.get(m.group(1))
            version = f" (version {plan.version})" if plan is not None else ""
            out.append(f"plan {m.group(1)}{version}")
        else:
            out.append(row.target)
    return out


@dataclass(frozen=True)
class Entry:
    row: AuditRow
    action: str
    who: str
    who_detail: str
    target: str
    changes: list[str]


def journal_entries(s: Session, territory_id: str, page: int) -> tuple[list[Entry], int]:
    """One page of the territory's entries, newest first, and how many entries there are."""
    rows, total = audit.entries(s, territory_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    user_ids: list[int | None] = [r.actor_user_id for r in rows]
    user_ids += [int(m.group(1)) for r in rows if (m := USER_TARGET.fullmatch(r.target))]
    users = people(s, user_ids)
    entries = [
        Entry(
            row,
            audit.action_fr(row.action),
            *actor_fr(users, row.actor_user_id, row.actor_token_id, row.actor_role),
            target,
            changes_fr(row.before, row.after),
        )
        for row, target in zip(rows, targets_fr(s, rows, users), strict=True)
    ]
    return entries, total


@router.get("/territoires/{territory_id}/journal")
def journal(
    request: Request,
    territory_id: str,
    state: StateDep,
    viewer: ViewerDep,
    page: Annotated[int, Query(ge=1, le=200_000)] = 1,
) -> Response:
    require_manager(viewer.principal, territory_id, action="lire le journal des changements")
    with state.db.session() as s:
        territory = repo.get_territory(s, territory_id)
        entries, total = journal_entries(s, territory_id, page)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "journal.html",
        viewer=viewer,
        title="Journal",
        territory=territory,
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        page_size=PAGE_SIZE,
    )
