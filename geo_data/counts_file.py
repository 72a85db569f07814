"""The ARML's counts file: activity and outcomes per territory x period x approach.

One row per territory, period (a month, or any span) and approach, counts only:

=================  ========  =====================================================
column             required  what
=================  ========  =====================================================
territory          yes       the territory's id in the region spec
period_start       yes       first day (AAAA-MM-JJ, or AAAA-MM for a month)
period_end         no        last day (default: the end of period_start's month)
approach           yes       an approach (:class:`planner.taxonomy.Approach` value)
sessions           no        sessions held (default 0)
contacts           no        contacts (default 0)
reperes            yes       young people found
mobilises          yes       young people mobilised (a second contact)
pacea ... autre_dispositif, emploi ... volontariat   no (default 0)
duree_moins_3_mois ... duree_plus_24_mois            no (not given when absent or empty)
=================  ========  =====================================================

The outcome columns are :mod:`planner.outcomes`'s, checked by its rules (a row's bands sum
to its mobilisés...). Any other column is refused: no free text that could carry personal
data. The webmarketing approach (``reseaux_sociaux``) has no place: there is no place
column. A file with a bad row is refused whole, with the first bad rows and why: a report is
exact or it is not made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from geo_data import validation as v
from planner.errors import InvalidTerritoryError
from planner.outcomes import DURATIONS, OUTCOME_COLUMNS, month_end, outcome_problems
from planner.taxonomy import Approach

ACTIVITY = ("sessions", "contacts", "reperes", "mobilises")
COUNT_COLUMNS = ("territory", "period_start", "period_end", "approach", *ACTIVITY, *OUTCOME_COLUMNS)
REQUIRED = ("territory", "period_start", "approach", "reperes", "mobilises")


def parse_counts(
    frame: pd.DataFrame,
    *,
    source: str = "fichier de comptages",
    territories: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The checked counts, one row per input row (:data:`COUNT_COLUMNS`; the duration bands
    are nullable integers: NA where not given)."""
    what = f"Comptages ({source})"
    frame = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    frame.columns = [str(c).strip() for c in frame.columns]
    v.require_no_personal_data(frame.columns, what=what)
    extra = sorted(set(frame.columns) - set(COUNT_COLUMNS))
    if extra:
        raise InvalidTerritoryError(
            f"{what} : colonnes non prévues {extra} (attendu parmi {list(COUNT_COLUMNS)}).",
            hint="Retirez ces colonnes : le fichier ne contient que des comptages.",
        )
    v.require_columns(frame, list(REQUIRED), what=what)
    starts = _dates(frame["period_start"], what, "period_start")
    ends = starts.map(month_end)
    if "period_end" in frame.columns:
        given = frame["period_end"].notna() & (frame["period_end"].astype(str).str.strip() != "")
        if given.any():
            read = _dates(frame.loc[given, "period_end"], what, "period_end", end_of_month=True)
            ends = ends.where(~given, read)
    reversed_rows = [i + 2 for i in frame.index[(ends < starts).to_numpy()]]
    if reversed_rows:
        raise InvalidTerritoryError(
            f"{what} : fin de période avant le début aux lignes {reversed_rows[:5]}.",
            hint="Vérifiez period_start et period_end.",
        )
    v.require_past_dates(pd.to_datetime(starts), what=what, today=today)
    v.require_known(
        frame["approach"].astype(str),
        [a.value for a in Approach],
        what=f"{what}, colonne approach",
        hint=f"Approches possibles : {', '.join(a.value for a in Approach)}.",
    )
    if territories is not None:
        known = list(territories)
        v.require_known(
            frame["territory"].astype(str),
            known,
            what=f"{what}, colonne territory",
            hint=f"Territoires de la région : {', '.join(known[:8])}"
            + (" …" if len(known) > 8 else "")
            + ".",
        )
    out = pd.DataFrame(
        {
            "territory": frame["territory"].astype(str),
            "period_start": starts,
            "period_end": ends,
            "approach": frame["approach"].astype(str),
        }
    )
    problems = []
    for column in (*ACTIVITY, *OUTCOME_COLUMNS):
        raw = frame[column] if column in frame.columns else pd.Series(pd.NA, index=frame.index)
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & (numbers.isna() | (numbers != numbers.round()) | (numbers < 0))
        problems += [(i, f"{column} : entier positif ou nul attendu") for i in frame.index[bad]]
        if column in DURATIONS:
            out[column] = numbers.where(~bad).round().astype("Int64")
        else:
            out[column] = numbers.where(~bad).fillna(0).round().astype("int64")
    if not problems:
        for i, row in out.iterrows():
            given = {k: row[k] for k in ("reperes", "mobilises", *OUTCOME_COLUMNS)}
            values = {k: int(x) for k, x in given.items() if not pd.isna(x)}
            problems += [(i, p) for p in outcome_problems(values)]
    if problems:
        shown = "; ".join(f"ligne {i + 2} : {p}" for i, p in problems[:5])
        more = f" (et {len(problems) - 5} autres)" if len(problems) > 5 else ""
        raise InvalidTerritoryError(
            f"{what} : {len(problems)} erreur(s) : {shown}{more}.",
            hint="Corrigez ces lignes (la ligne 1 est celle des en-têtes) puis relancez.",
        )
    return out[list(COUNT_COLUMNS)].reset_index(drop=True)


def _dates(values: pd.Series, what: str, column: str, *, end_of_month: bool = False) -> pd.Series:
    """AAAA-MM-JJ or AAAA-MM (the month's first day, or its last with ``end_of_month``)."""
    text = values.astype(str).str.strip()
    month = text.str.fullmatch(r"\d{4}-\d{2}")
    full = text.where(~month, text + "-01")
    parsed = pd.to_datetime(full, errors="coerce", format="%Y-%m-%d")
    bad = [i + 2 for i in values.index[parsed.isna().to_numpy()]]
    if bad:
        raise InvalidTerritoryError(
            f"{what} : {column} illisible aux lignes {bad[:5]} (attendu AAAA-MM-JJ ou AAAA-MM).",
            hint="Écrivez par exemple 2021-09-01 ou 2021-09.",
        )
    days = parsed.dt.date
    if end_of_month:
        days = days.where(~month.to_numpy(), days.map(month_end))
    return days
