"""Outcome counts of a territory: the month of a row, the checks, and the audited writes.

Shared by ``/territories/{id}/outcomes`` (:mod:`api.service.routes.outcomes`), its CSV import
(:mod:`api.service.outcome_import`) and the « Activité » page (:mod:`api.web.routes.outcomes`),
so that a row is refused, stored and audited the same way whichever way it came:

- a row is a territory x month x approach (:class:`planner.taxonomy.Approach`); its month is
  a real one (``AAAA-MM``, or ``AAAA-MM-01``), from :data:`FIRST_MONTH` to the current month
  (Europe/Paris): never a month to come;
- its counts follow :func:`planner.outcomes.outcome_problems` (the one rule set); a refused
  row raises :class:`OutcomesRefused` with every French sentence and nothing is written;
- a write replaces the whole row (absent counts are 0, absent duration bands « not given »),
  bumps its revision and adds one audit entry (before / after) in the same transaction; the
  caller commits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, require_manager
from api.service.db import outcomes_repo, repo
from api.service.db.models import OutcomeRow
from planner.errors import InvalidProblemError, NotFoundError
from planner.outcomes import OUTCOME_COLUMNS, outcome_problems
from planner.publication import MONTHS, PARIS
from planner.taxonomy import APPROACH_LABELS, Approach

#: the first month a row may describe (the Milo'Lab experiment began in 2020)
FIRST_MONTH = dt.date(2000, 1, 1)
#: the values a write stores and the audit log keeps
AUDITED = ("mobilises", *OUTCOME_COLUMNS, "revision")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


class OutcomesRefused(InvalidProblemError):
    """A row whose counts break the rules of :mod:`planner.outcomes` (422); ``problems`` holds
    each French sentence."""

    def __init__(self, problems: list[str], *, where: str = "") -> None:
        self.problems = list(problems)
        prefix = f"Comptes refusés ({where})" if where else "Comptes refusés"
        super().__init__(
            f"{prefix} : {' ; '.join(self.problems)}.",
            hint="Corrigez ces comptes puis renvoyez la ligne entière : rien n'a été enregistré.",
        )


def month_fr(month: dt.date) -> str:
    """« mars 2024 »."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def current_month(now: dt.datetime) -> dt.date:
    """The 1st of the month of ``now`` in Europe/Paris."""
    return now.astimezone(PARIS).date().replace(day=1)


def parse_month(text: str, now: dt.datetime) -> dt.date:
    """``2024-03`` or ``2024-03-01`` -> the 1st of that month; a French error for anything
    else (« 2023-13 », « 2024-03-15 », a month before :data:`FIRST_MONTH` or after ``now``'s)."""
    shown = text.strip()[:20]
    m = _MONTH.fullmatch(text.strip())
    if m is None:
        raise InvalidProblemError(
            f"Mois « {shown} » illisible : attendu AAAA-MM (ex. 2024-03) ou le 1er du mois "
            "AAAA-MM-01.",
            hint="Écrivez l'année sur 4 chiffres, un tiret, puis le mois de 01 à 12.",
        )
    year, number = int(m[1]), int(m[2])
    if not 1 <= number <= 12:
        raise InvalidProblemError(
            f"Mois « {shown} » inexistant : le mois va de 01 à 12, reçu {number}.",
            hint="Écrivez l'année sur 4 chiffres, un tiret, puis le mois de 01 à 12 (ex. 2023-12).",
        )
    month = dt.date(year, number, 1)
    if m[3] is not None and int(m[3]) != 1:
        raise InvalidProblemError(
            f"Mois « {shown} » : les comptes sont mensuels, attendu le mois seul "
            f"({month:%Y-%m}) ou son 1er jour ({month:%Y-%m-%d}), reçu le jour {int(m[3])}.",
            hint="Additionnez les comptes du mois et écrivez-les sur une ligne par mois et "
            "par démarche.",
        )
    if month < FIRST_MONTH:
        raise InvalidProblemError(
            f"Mois « {shown} » trop ancien : attendu {FIRST_MONTH:%Y-%m} ou après.",
            hint="Vérifiez l'année (4 chiffres).",
        )
    latest = current_month(now)
    if month > latest:
        raise InvalidProblemError(
            f"Mois {month_fr(month)} à venir : les suites se comptent pour un mois commencé, "
            f"au plus tard {month_fr(latest)} (mois en cours).",
            hint="Vérifiez l'année et le mois ; saisissez ce mois-là une fois commencé.",
        )
    return month


def parse_approach(text: str) -> Approach:
    """An approach's code (``maraude``...), or the French error listing them."""
    try:
        return Approach(text.strip())
    except ValueError:
        known = ", ".join(f"{a.value} ({APPROACH_LABELS[a]})" for a in Approach)
        raise InvalidProblemError(
            f"Démarche « {text.strip()[:40]} » inconnue : attendu l'une de {known}.",
            hint="Écrivez le code de la démarche (en minuscules, sans accent).",
        ) from None


def refuse_problems(counts: Mapping[str, Any], *, where: str = "") -> None:
    """:class:`OutcomesRefused` unless ``counts`` follows :func:`outcome_problems`."""
    problems = outcome_problems(counts)
    if problems:
        raise OutcomesRefused(problems, where=where)


def target_of(territory_id: str, month: dt.date, approach: str) -> str:
    return f"territories/{territory_id}/outcomes/{month:%Y-%m}/{approach}"


def snapshot(row: OutcomeRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in AUDITED}


def write_outcome(
    s: Session,
    who: Principal,
    territory_id: str,
    month: dt.date,
    approach: Approach,
    counts: Mapping[str, int | None],
    now: dt.datetime,
    *,
    audited: bool = True,
) -> tuple[OutcomeRow, dict[str, Any] | None]:
    """Check and store one row (the manager of the territory only) and audit it (unless not
    ``audited``: the caller audits, as the CSV import does once per file); the row and its
    values before (None: created). The caller commits."""
    require_manager(who, territory_id, action="enregistrer les suites de parcours")
    repo.get_territory(s, territory_id)
    refuse_problems(counts)
    repo.lock_territory(s, territory_id)  # serialise the writers: an exact « before »
    old = outcomes_repo.get_outcome(s, territory_id, month, approach.value)
    before = None if old is None else snapshot(old)
    row = outcomes_repo.upsert_outcome(
        s,
        territory_id,
        month,
        approach.value,
        counts,
        at=now.astimezone(dt.UTC),
        token_id=who.token_id,
        user_id=who.user_id,
        role=who.role.value,
    )
    if audited:
        name = "outcomes.create" if before is None else "outcomes.correct"
        target = target_of(territory_id, month, approach.value)
        audit.record(s, who, name, target, before, snapshot(row), territory_id=territory_id)
    return row, before


def missing(territory_id: str, month: dt.date, approach: str) -> NotFoundError:
    return NotFoundError(
        f"Aucune suite de parcours enregistrée pour {month_fr(month)}, démarche {approach}, "
        f"dans le territoire {territory_id}.",
        hint=f"Listez les lignes avec GET /territories/{territory_id}/outcomes.",
    )


def erase_outcome(
    s: Session, who: Principal, territory_id: str, month: dt.date, approach: Approach
) -> None:
    """Delete one row (the manager of the territory only) and audit it; 404 when absent."""
    require_manager(who, territory_id, action="supprimer les suites de parcours")
    repo.get_territory(s, territory_id)
    repo.lock_territory(s, territory_id)
    row = outcomes_repo.get_outcome(s, territory_id, month, approach.value)
    if row is None:
        raise missing(territory_id, month, approach.value)
    before = snapshot(row)
    outcomes_repo.delete_outcome(s, row)
    target = target_of(territory_id, month, approach.value)
    audit.record(s, who, "outcomes.delete", target, before, None, territory_id=territory_id)
