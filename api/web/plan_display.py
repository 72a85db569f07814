"""What the plan pages show of a stored plan: its stage and author, its job's progress, its
KPIs and its changes, in French (pure functions of store rows and the plan document)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api.service import responses
from api.service.auth import as_utc
from api.service.db.lifecycle import STAGE_FR
from api.service.db.models import PlanRow, UserRow
from api.service.schemas.plans import CANCEL_REASONS
from api.service.users import ROLE_FR
from api.web.pages import date_fr
from planner.session_labels import approach_label
from planner.taxonomy import FrrClass

STATUS_FR = {
    "queued": "en attente",
    "running": "calcul en cours",
    "done": "terminé",
    "failed": "échec",
    "cancelled": "annulé",
}
#: CSS class of each stage's badge (app.css ``.badge.draft``...)
STAGE_CLASS = {"draft": "draft", "published": "published", "archived": "archived"}
CHANGE_KIND_FR = {
    "cancel_stop": "annuler un arrêt",
    "close_date": "fermer des dates",
    "van_down": "véhicule ou équipe indisponible",
    "move_visit": "déplacer une visite",
}


def moment_fr(value: dt.datetime | None) -> str:
    """« 5 mai 2025 à 14:03 » (Paris time) of a stored UTC moment."""
    moment = as_utc(value)
    if moment is None:
        return ""
    local = responses.at_paris(moment)
    return f"{date_fr(local.date(), weekday=False)} à {local:%H:%M}"


def stage_fr(row: PlanRow) -> str:
    return STAGE_FR.get(row.stage, row.stage)


def author_fr(record: Mapping[str, Any] | None, users: Mapping[int, UserRow]) -> str:
    """Who acted, from a plan's ``created_by`` / ``published_by``: a person's name, or the
    API token and its role."""
    if not record:
        return "inconnu"
    user_id = record.get("user_id")
    if user_id is not None and user_id in users:
        return users[user_id].name or users[user_id].email
    role = str(record.get("role", ""))
    role_fr = ROLE_FR.get(role, role)
    token = record.get("token_id")
    return f"jeton d'API n° {token} ({role_fr})" if token is not None else role_fr


def authors(s: Any, rows: Sequence[PlanRow]) -> dict[int, UserRow]:
    """The accounts named by the plans' ``created_by`` and ``published_by``."""
    ids = {
        r.get("user_id")
        for row in rows
        for r in (row.created_by, row.published_by)
        if r and r.get("user_id") is not None
    }
    return {u.id: u for u in (s.get(UserRow, i) for i in ids) if u is not None}


@dataclass(frozen=True)
class Progress:
    """A plan job's progress: its state, the seconds elapsed against its time limit."""

    status: str
    label: str
    limit_s: float
    elapsed_s: float
    percent: int

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def overtime(self) -> bool:
        """The search is over its limit: the plan is being checked and explained."""
        return self.status == "running" and self.elapsed_s >= self.limit_s > 0


def progress(row: PlanRow, now: dt.datetime) -> Progress:
    """The progress bar of a job: elapsed / time limit while it runs (99 % at most)."""
    limit = float((row.options or {}).get("time_limit") or 0.0)
    started = as_utc(row.started_at)
    elapsed = 0.0
    if row.status == "running" and started is not None:
        elapsed = max(0.0, (now - started).total_seconds())
    if row.status == "done":
        percent = 100
    elif row.status == "running" and limit > 0:
        percent = min(99, int(100 * elapsed / limit))
    else:
        percent = 0
    return Progress(row.status, STATUS_FR.get(row.status, row.status), limit, elapsed, percent)


# -- KPIs --------------------------------------------------------------------------------------


def _share(communes: Sequence[Mapping[str, Any]], key: str) -> tuple[float | None, float]:
    """(percent of the young people whose commune has ``key`` true, those young people)."""
    total = sum(float(c.get("young") or 0.0) for c in communes)
    reached = sum(float(c.get("young") or 0.0) for c in communes if c.get(key))
    return (100 * reached / total if total else None), reached


def _is_frr(value: Any) -> bool:
    try:
        return FrrClass(str(value)).is_frr
    except ValueError:
        return False


@dataclass(frozen=True)
class Kpi:
    """One figure: label, value, digits, unit and an optional note."""

    label: str
    value: float | int | None
    digits: int = 0
    unit: str = ""
    note: str = ""


def kpis(document: Mapping[str, Any]) -> tuple[list[Kpi], list[tuple[str, int, float | None]]]:
    """The plan's figures, and its sessions by approach ``(label, sessions, repérés)``."""
    k = document.get("kpis") or {}
    visits = document.get("visits") or []
    communes = document.get("communes") or []
    regular, regular_young = _share(communes, "regular")
    reached, _ = _share(communes, "reached")
    frr = {v["commune"] for v in visits if _is_frr(v.get("frr_class"))}
    qpv = {v["commune"] for v in visits if v.get("qpv")}
    label = str(k.get("expected_label") or "")
    out = [
        Kpi("Séances planifiées", k.get("visits", len(visits))),
        Kpi(
            "Jeunes à portée d'une présence régulière",
            regular,
            1,
            "%",
            f"{regular_young:,.0f} jeunes de 16 à 25 ans".replace(",", "\u202f")
            if regular is not None
            else "communes non expliquées dans ce plan",
        ),
        Kpi("Jeunes à portée d'une séance", reached, 1, "%"),
        Kpi("Repérés attendus", k.get("expected_reperes"), 1, "", label),
        Kpi("Contacts attendus", k.get("expected_contacts"), 1, "", label),
        Kpi("Heures de conduite", k.get("drive_h"), 1, "h"),
        Kpi("Distance parcourue", k.get("drive_km"), 0, "km"),
        Kpi("Communes desservies", k.get("communes_served", len({v["commune"] for v in visits}))),
        Kpi("Communes FRR desservies", len(frr)),
        Kpi("Communes avec un QPV desservies", len(qpv), note=f"{k.get('visits_qpv', 0)} séances"),
    ]
    by = k.get("expected_by_approach") or {}
    counts = k.get("visits_by_approach") or {}
    approaches = [
        (
            approach_label(a),
            int(n),
            (by.get(a) or {}).get("reperes") if isinstance(by.get(a), Mapping) else None,
        )
        for a, n in sorted(counts.items(), key=lambda item: -int(item[1]))
    ]
    return out, approaches


# -- changes of a re-plan ------------------------------------------------------------------


def motifs(changes: Sequence[Mapping[str, Any]] | None) -> dict[tuple[str, str], str]:
    """(stop id, date) -> French reason of each cancellation the manager asked for."""
    out: dict[tuple[str, str], str] = {}
    for ch in changes or ():
        reason = CANCEL_REASONS.get(str(ch.get("reason") or ""))
        if ch.get("kind") != "cancel_stop" or reason is None:
            continue
        for date in ch.get("dates") or ("",):
            out[(str(ch.get("stop_id")), str(date))] = reason
    return out


def stop_names(*documents: Mapping[str, Any] | None) -> dict[str, str]:
    """Stop id -> name, from the visits and changes of plan documents."""
    out: dict[str, str] = {}
    for doc in documents:
        for record in [*(doc or {}).get("visits", ()), *(doc or {}).get("changes", ())]:
            if record.get("stop_name"):
                out.setdefault(str(record["stop_id"]), str(record["stop_name"]))
    return out


def asked_fr(
    changes: Sequence[Mapping[str, Any]] | None, names: Mapping[str, str] | None = None
) -> list[str]:
    """What the manager asked for a re-plan, one French sentence per change (``names``:
    the stops' names by id)."""
    out = []
    for ch in changes or ():
        kind = CHANGE_KIND_FR.get(str(ch.get("kind")), str(ch.get("kind")))
        parts = [kind.capitalize()]
        if ch.get("stop_id"):
            stop = str(ch["stop_id"])
            parts.append((names or {}).get(stop, f"arrêt {stop}"))
        if ch.get("van"):
            parts.append(str(ch["van"]))
        dates = [date_fr(d) for d in ch.get("dates") or ()]
        parts.append(", ".join(dates) if dates else "tout l'horizon")
        if ch.get("to_date"):
            slot = str(ch.get("to_slot") or "").replace("apres-midi", "après-midi")
            target = ", ".join(p for p in (date_fr(ch["to_date"]), slot, ch.get("to_van")) if p)
            parts.append(f"vers {target}")
        reason = CANCEL_REASONS.get(str(ch.get("reason") or ""))
        text = " · ".join(parts)
        out.append(f"{text} (motif : {reason})" if reason else text)
    return out
