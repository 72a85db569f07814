"""The « Suites des parcours » section of the Activité page: what the manager typed in the
form of one month x approach (:class:`OutcomeEntry`), how it is read (:func:`read_entry`,
French messages next to the fields, nothing lost), and the rows listed (:class:`OutcomeLine`).

The rules are :func:`planner.outcomes.outcome_problems`, asked once per family (entries,
situations, durations) so that each sentence shows next to its fieldset; the store applies
them again (:mod:`api.service.outcome_store`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.service.db import outcomes_repo
from api.service.db.models import OutcomeRow
from api.service.outcome_import import COLUMNS, OutcomesImported
from api.service.outcome_store import current_month, month_fr
from api.service.schemas.outcomes import MAX_MONTHLY
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS, SCHEMES, SITUATIONS, outcome_problems
from planner.taxonomy import APPROACH_LABELS, Approach

#: the form's fieldsets: (id, legend, columns -> labels)
FAMILIES: tuple[tuple[str, str, Mapping[str, str]], ...] = (
    ("dispositifs", "Entrées en dispositif", SCHEMES),
    ("situations", "Situations", SITUATIONS),
    ("durees", "Durée du parcours", DURATIONS),
)
APPROACH_CHOICES = tuple((a.value, APPROACH_LABELS[a]) for a in Approach)
_WHOLE = re.compile(r"\d+")


@dataclass
class OutcomeEntry:
    """The form as typed: ``values`` are the texts (kept as typed when refused); the errors
    by field, by fieldset (``families``) and for the whole row (``errors``)."""

    month: str = ""
    approach: str = ""
    values: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    families: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.fields or self.families or self.errors)

    def problems(self) -> list[str]:
        """Every French sentence, in the order of the form."""
        out = list(self.errors) + list(self.fields.values())
        return out + [p for family, _, _ in FAMILIES for p in self.families.get(family, [])]


def entry_of(row: OutcomeRow) -> OutcomeEntry:
    """The form filled with a stored row (« Corriger »)."""
    values = {"mobilises": str(row.mobilises)}
    for name in OUTCOME_COLUMNS:
        value = getattr(row, name)
        values[name] = "" if value is None or (value == 0 and name not in DURATIONS) else str(value)
    return OutcomeEntry(f"{row.month:%Y-%m}", row.approach, values)


def read_entry(
    month: str, approach: str, form: Mapping[str, Any]
) -> tuple[OutcomeEntry, dict[str, int]]:
    """The typed form and the counts it gives (empty: 0, or a band not given); each field not a
    whole number from 0 to :data:`MAX_MONTHLY` and each broken rule is in the entry."""
    values = {
        name: str(form.get(name, "") or "").strip()[:20] for name in ("mobilises", *OUTCOME_COLUMNS)
    }
    entry = OutcomeEntry(month.strip()[:10], approach.strip()[:40], values)
    counts: dict[str, int] = {}
    labels = {"mobilises": "Jeunes mobilisés"} | {
        n: lab for _, _, cols in FAMILIES for n, lab in cols.items()
    }
    for name, text in values.items():
        if not text:
            if name == "mobilises":
                entry.fields[name] = "Jeunes mobilisés : nombre attendu (0 si aucun)."
            continue
        if not _WHOLE.fullmatch(text) or int(text) > MAX_MONTHLY:
            entry.fields[name] = (
                f"{labels[name]} : nombre entier de 0 à {MAX_MONTHLY} attendu, reçu « {text} »."
            )
            continue
        counts[name] = int(text)
    if not entry.fields:
        for family, _, columns in FAMILIES:
            part = {"mobilises": counts["mobilises"]} | {
                c: counts[c] for c in columns if c in counts
            }
            problems = outcome_problems(part)
            if problems:
                entry.families[family] = [p[0].upper() + p[1:] + "." for p in problems]
    return entry, counts


@dataclass(frozen=True)
class OutcomeLine:
    """One stored row as listed: its month in French, its approach's label, its totals."""

    row: OutcomeRow
    month: str
    approach: str
    entries: int
    situations: int
    durations: str

    @property
    def path(self) -> str:
        return f"{self.row.month:%Y-%m}/{self.row.approach}"


def line_of(row: OutcomeRow) -> OutcomeLine:
    given = [(DURATIONS[c], getattr(row, c)) for c in DURATIONS if getattr(row, c) is not None]
    durations = ", ".join(f"{label.lower()} : {n}" for label, n in given) or "non renseignées"
    try:
        approach = APPROACH_LABELS[Approach(row.approach)]
    except ValueError:
        approach = row.approach
    return OutcomeLine(
        row,
        month_fr(row.month),
        approach,
        sum(getattr(row, c) for c in SCHEMES),
        sum(getattr(row, c) for c in SITUATIONS),
        durations,
    )


@dataclass
class OutcomesView:
    """What the section shows: the rows (newest month first), the form, the import's report."""

    lines: list[OutcomeLine]
    entry: OutcomeEntry
    latest: str
    notice: str = ""
    report: OutcomesImported | None = None
    filename: str = ""
    import_error: str = ""
    families: tuple[tuple[str, str, Mapping[str, str]], ...] = FAMILIES
    approaches: tuple[tuple[str, str], ...] = APPROACH_CHOICES
    columns: tuple[str, ...] = COLUMNS
    max_count: int = MAX_MONTHLY


def outcomes_view(
    s: Session,
    territory_id: str,
    now: dt.datetime,
    *,
    entry: OutcomeEntry | None = None,
    **more: Any,
) -> OutcomesView:
    rows = outcomes_repo.list_outcomes(s, territory_id)
    lines = [line_of(r) for r in sorted(rows, key=lambda r: (r.month, r.approach), reverse=True)]
    latest = f"{current_month(now):%Y-%m}"
    return OutcomesView(lines, entry or OutcomeEntry(month=latest), latest, **more)
