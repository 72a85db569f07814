"""Import a CSV of outcome counts into a territory: the good rows are stored, each bad row is
listed with its line and why (as the partners import, :mod:`api.service.partner_import`).

Used by ``POST /territories/{id}/outcomes.csv`` and by the « Activité » page. The file (UTF-8,
``;`` or ``,``) has one row per month x approach: columns ``month`` (``AAAA-MM`` or
``AAAA-MM-01``), ``approach`` (a :class:`planner.taxonomy.Approach` code), ``mobilises``, and
any of :data:`planner.outcomes.OUTCOME_COLUMNS` (an empty cell: 0, or « not given » for a
duration band). Any other column refuses the whole file before anything is written: the file
holds counts only, never free text or personal data.

A row is refused, with its line (the header is line 1), for an unreadable or future month, an
unknown approach, a count that is not a whole number from 0 to
:data:`~api.service.schemas.outcomes.MAX_MONTHLY`, counts breaking
:func:`planner.outcomes.outcome_problems`, or the month x approach of an earlier row of the
file. Each good row replaces the stored row of its month x approach (revision + 1); one audit
entry ``outcomes.import`` records the file (counts, refused lines, the rows replaced as they
were, the rows written). The caller commits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.service import audit
from api.service.auth import Principal, require_manager
from api.service.db import repo
from api.service.outcome_store import parse_approach, parse_month, snapshot, write_outcome
from api.service.partner_import import PartnersImported
from api.service.schemas.outcomes import MAX_MONTHLY
from geo_data.csv_text import decode_text, parse_csv_text, record_lines
from geo_data.partner_import import RefusedRow, file_name
from planner.errors import DataSourceError, InvalidProblemError, MiloError
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS, outcome_problems

ACTION = "outcomes.import"
REQUIRED = ("month", "approach", "mobilises")
COLUMNS = (*REQUIRED, *OUTCOME_COLUMNS)
SUFFIXES = (".csv", ".txt")
_WHOLE = re.compile(r"-?\d+")


class OutcomesImported(PartnersImported):
    """What an import did: the rows added and replaced (``AAAA-MM approach``), and the refused
    rows in file order (the partners import's shape and answer body)."""


def _read(data: bytes, filename: str) -> tuple[pd.DataFrame, list[int], str]:
    """The file's table (columns checked), the line of each row, and the file's name."""
    name = file_name(filename)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        raise DataSourceError(
            f"Format du fichier « {name} » non pris en charge (attendu un CSV : "
            f"{', '.join(SUFFIXES)}).",
            hint="Enregistrez le tableau en CSV UTF-8 (séparateur « ; » ou « , »).",
        )
    text = decode_text(data, name=name)
    frame = parse_csv_text(text, name=name)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    unknown = [c for c in frame.columns if c not in COLUMNS]
    absent = [c for c in REQUIRED if c not in frame.columns]
    if unknown or absent:
        said = []
        if unknown:
            said.append(f"colonne(s) inconnue(s) : {', '.join(c[:40] for c in unknown[:10])}")
        if absent:
            said.append(f"colonne(s) obligatoire(s) absente(s) : {', '.join(absent)}")
        raise InvalidProblemError(
            f"Suites de parcours ({name}) refusées : {' ; '.join(said)}. Attendu "
            f"{', '.join(REQUIRED)}, puis au choix : {', '.join(OUTCOME_COLUMNS)}.",
            hint="Des comptes seulement : retirez toute autre colonne (commentaire, nom, "
            "e-mail...) ; aucune ligne n'a été enregistrée.",
        )
    if frame.empty:
        raise InvalidProblemError(
            f"Suites de parcours ({name}) : aucune ligne (attendu l'en-tête puis une ligne par "
            "mois et démarche).",
            hint="Vérifiez que le bon fichier a été choisi et qu'il contient des lignes.",
        )
    lines = record_lines(text)
    if len(lines) != len(frame):
        lines = [i + 2 for i in range(len(frame))]
    return frame, lines, name


def _count(column: str, cell: str) -> int | None:
    """One count's cell: an integer, None when empty (``mobilises`` is required)."""
    text = cell.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not text:
        if column == "mobilises":
            raise InvalidProblemError(
                "mobilises : case vide, attendu le nombre de jeunes mobilisés.",
                hint="Écrivez 0 quand aucun jeune n'a été mobilisé ce mois avec cette démarche.",
            )
        return None
    if not _WHOLE.fullmatch(text) or not -MAX_MONTHLY <= int(text) <= MAX_MONTHLY:
        raise InvalidProblemError(
            f"{column} : nombre entier de 0 à {MAX_MONTHLY} attendu, reçu « {cell.strip()[:20]} ».",
            hint="Écrivez un nombre de jeunes, sans décimale ni texte.",
        )
    return int(text)


def check_row(record: dict[str, str], now: dt.datetime) -> tuple[dt.date, Any, dict[str, Any]]:
    """One row's month, approach and counts; raises the first French reason to refuse it."""
    month = parse_month(record["month"], now)
    approach = parse_approach(record["approach"])
    counts: dict[str, Any] = {}
    for column in ("mobilises", *OUTCOME_COLUMNS):
        value = _count(column, record.get(column, ""))
        if value is not None or column not in DURATIONS:
            counts[column] = value if value is not None else 0
    problems = outcome_problems(counts)
    if problems:
        raise InvalidProblemError(
            " ; ".join(problems) + ".",
            hint="Corrigez les comptes de cette ligne puis importez de nouveau le fichier.",
        )
    return month, approach, counts


def import_outcomes(
    s: Session,
    *,
    territory_id: str,
    data: bytes,
    filename: str,
    who: Principal,
    now: dt.datetime,
) -> OutcomesImported:
    """Check the CSV ``data`` and store its good rows in ``territory_id`` (module docstring);
    ``who`` must be the territory's manager. A file refused as a whole raises a
    :class:`~planner.errors.MiloError` before anything is written."""
    require_manager(who, territory_id, action="importer des suites de parcours")
    repo.get_territory(s, territory_id)
    frame, lines, name = _read(data, filename)
    refused: list[RefusedRow] = []
    seen: dict[tuple[dt.date, str], int] = {}
    good: list[tuple[int, dt.date, Any, dict[str, Any]]] = []
    for line, record in zip(lines, frame.to_dict("records"), strict=True):
        cells = {str(k): str(v) for k, v in record.items()}
        if not any(v.strip() for v in cells.values()):
            continue  # a spreadsheet's trailing « ;;; » line
        label = f"{cells['month'].strip()[:10]} {cells['approach'].strip()[:40]}".strip() or None
        try:
            month, approach, counts = check_row(cells, now)
        except MiloError as exc:
            refused.append(RefusedRow(line, label, exc.message, exc.hint))
            continue
        key = (month, approach.value)
        label = f"{month:%Y-%m} {approach.value}"
        if key in seen:
            refused.append(
                RefusedRow(
                    line,
                    label,
                    f"Même mois et même démarche que la ligne {seen[key]} : une ligne par mois "
                    "et par démarche.",
                    "Additionnez les deux lignes en une seule, ou corrigez le mois ou la démarche.",
                )
            )
            continue
        seen[key] = line
        good.append((line, month, approach, counts))
    added: list[str] = []
    updated: list[str] = []
    replaced: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for _line, month, approach, counts in good:
        row, before = write_outcome(
            s, who, territory_id, month, approach, counts, now, audited=False
        )
        name_of = f"{month:%Y-%m} {approach.value}"
        (added if before is None else updated).append(name_of)
        if before is not None:
            replaced[name_of] = before
        written[name_of] = snapshot(row)
    result = OutcomesImported(tuple(added), tuple(updated), tuple(refused))
    if good:
        audit.record(
            s,
            who,
            ACTION,
            f"territories/{territory_id}/outcomes",
            {"replaced": replaced},
            {
                "file": name,
                "added": len(added),
                "updated": len(updated),
                "refused": len(refused),
                "refused_lines": [r.line for r in refused],
                "rows": written,
            },
            territory_id=territory_id,
        )
    return result
