"""The ARML's regional report, as tables (pure: counts and coverage in, tables out).

In the shape of the ARML's published report of the Milo'Lab experiment: key figures, the
approaches x territories table, the funnel tables (entries into support schemes, situations,
path durations), activity by month with the school year marked, the coverage of the 16-25
(within 20 and 30 min of a regular presence, with and without the vans), partners by type.
Every table names its source and period.

Suppression (the trust rules, :mod:`planner.coverage.suppression`): a table broken down by
territory, month or type shows counts from 0 to 10 as « < 11 » and hides what would let a
reader recompute them from its totals (secondary suppression, audited by linear programming).
A regional figure over the whole period with no other breakdown (the key figures, the
regional funnel) is the level the ARML itself publishes, and is shown as counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.coverage.compare import TOTAL_ID, ComparisonTable
from planner.coverage.suppression import THRESHOLD, suppress_table
from planner.coverage.suppression_audit import TableRelations
from planner.outcomes import DURATIONS, FUNNEL, SCHEMES, SITUATIONS
from planner.publication import MONTHS
from planner.taxonomy import APPROACH_LABELS, PARTNER_LABELS, Approach, PartnerType

TOTAL = "Total région"
#: the months the field report names as the best for finding young people
SCHOOL_MONTHS = {9: "rentrée scolaire", 6: "fin d'année scolaire"}


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: headers, rows (numbers, or the label of a hidden cell), its
    source and period."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    source: str
    note: str = ""


@dataclass(frozen=True)
class RegionalReport:
    region: str
    period: tuple[dt.date, dt.date]
    synthetic: bool
    key_figures: tuple[tuple[str, int], ...]
    tables: tuple[ReportTable, ...]
    #: months (first day) -> repérés shown (None: hidden), for the chart
    months: tuple[tuple[dt.date, int | None], ...]
    sources: tuple[str, ...] = field(default_factory=tuple)

    def table(self, key: str) -> ReportTable:
        return next(t for t in self.tables if t.key == key)


def cell(value: object) -> object:
    """A table cell as plain Python (numpy numbers become int / float; labels stay)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def period_fr(first: dt.date, last: dt.date) -> str:
    """« de janvier 2020 à juin 2023 »."""
    return f"de {MONTHS[first.month - 1]} {first.year} à {MONTHS[last.month - 1]} {last.year}"


def regional_report(
    region: str,
    territories: Mapping[str, str],
    counts: pd.DataFrame,
    *,
    counts_source: str,
    synthetic: bool = False,
    comparison: ComparisonTable | None = None,
    coverage_source: str = "",
    partner_types: Mapping[str, Mapping[str, int]] | None = None,
    partners_source: str = "",
) -> RegionalReport:
    """The report of ``region`` from ``counts`` (:func:`geo_data.counts_file.parse_counts`'s
    table), ``territories`` (id -> name, in the region's order), the coverage ``comparison``
    (:func:`planner.workflows.comparison.region_comparison`) and each territory's partners by
    type."""
    first, last = min(counts["period_start"]), max(counts["period_end"])
    when = period_fr(first, last)
    src = f"{counts_source}, {when}" + (" (données fictives)" if synthetic else "")
    total = counts[["sessions", "contacts", "reperes", "mobilises"]].sum()
    key = (
        ("Missions Locales (territoires)", len(territories)),
        ("Jeunes repérés", int(total["reperes"])),
        ("Jeunes mobilisés", int(total["mobilises"])),
        ("Séances hors les murs ou nomades", int(total["sessions"])),
        ("Contacts", int(total["contacts"])),
    )
    by_approach, by_territory = _territory_tables(territories, counts, src)
    tables = [
        by_approach,
        _funnel(counts, src),
        by_territory,
        _family("dispositifs", "Entrées en dispositif après la mobilisation", SCHEMES, counts, src),
        _family("situations", "Situations après la mobilisation", SITUATIONS, counts, src),
        _durations(counts, src),
    ]
    months_table, series = _months(counts, src)
    tables.append(months_table)
    if comparison is not None:
        tables.append(_coverage(comparison, territories, coverage_source))
    if partner_types is not None:
        tables.append(_partners(partner_types, partners_source))
    return RegionalReport(
        region=region,
        period=(first, last),
        synthetic=synthetic,
        key_figures=key,
        tables=tuple(tables),
        months=series,
        sources=tuple(dict.fromkeys(t.source for t in tables)),
    )


def _suppressed(
    frame: pd.DataFrame, parts: Sequence[str], total: str | None, *, keep: Sequence[str] = ()
) -> pd.DataFrame:
    """``frame`` (counts, its last row the regional total) under the trust rules; the regional
    cells of the ``keep`` columns are key figures, shown as they are (and known to a reader)."""
    columns = [*parts, *([total] if total else [])]
    last = len(frame) - 1
    relations = TableRelations(
        total_row=last,
        additive=tuple(columns),
        row_sums={total: tuple(parts)} if total else {},
        keep=tuple((last, c) for c in keep if frame.loc[last, c] >= THRESHOLD),
    )
    shown, _ = suppress_table(frame, count_columns=columns, relations=relations)
    return shown


def _territory_tables(
    territories: Mapping[str, str], counts: pd.DataFrame, src: str
) -> tuple[ReportTable, ReportTable]:
    """Repérés by approach and the funnel, per territory, from ONE suppressed table: both show
    each territory's repérés, so both must hide the same cells. Its relations: a territory's
    repérés are the sum of its approaches; a stage is at most the one before; the regional row
    is the sum of the territories, and its funnel is published as is (the key figures)."""
    approaches = [a.value for a in Approach]
    stages = list(FUNNEL)
    pivot = (
        counts.pivot_table(
            index="territory", columns="approach", values="reperes", aggfunc="sum", fill_value=0
        )
        .reindex(index=list(territories), columns=approaches, fill_value=0)
        .astype(int)
    )
    per = counts.assign(
        dispositifs=counts[list(SCHEMES)].sum(axis=1),
        situations=counts[list(SITUATIONS)].sum(axis=1),
    )
    grouped = (
        per.groupby("territory")[stages].sum().reindex(list(territories), fill_value=0).astype(int)
    )
    both = pivot.join(grouped)
    frame = pd.concat([both, both.sum().to_frame(TOTAL_ID).T]).reset_index(drop=True)
    last = len(frame) - 1
    columns = [*approaches, *stages]
    relations = TableRelations(
        total_row=last,
        additive=tuple(columns),
        row_sums={"reperes": tuple(approaches)},
        order=(("mobilises", "reperes"), ("dispositifs", "mobilises"), ("situations", "mobilises")),
        # a regional figure under 11 is shown by the regional funnel, not kept here: what it
        # implies (all territories at 0 when it is 0) is what that figure itself says
        keep=tuple((last, c) for c in stages if frame.loc[last, c] >= THRESHOLD),
    )
    shown, _ = suppress_table(frame, count_columns=columns, relations=relations)
    names = [*territories.values(), TOTAL]
    hidden = (
        "Comptes de 0 à 10 : « < 11 » ; « masqué » : caché pour qu'aucun petit compte ne se "
        "déduise des totaux, des autres étapes ou de l'autre tableau par territoire."
    )
    by_approach = ReportTable(
        "demarches",
        "Jeunes repérés par démarche et par territoire",
        ("Territoire", *(APPROACH_LABELS[Approach(a)] for a in approaches), "Total"),
        tuple(
            (name, *(cell(shown.loc[i, c]) for c in [*approaches, "reperes"]))
            for i, name in enumerate(names)
        ),
        src,
        hidden,
    )
    funnel = ReportTable(
        "parcours_territoires",
        "Du premier contact à la situation, par territoire",
        ("Territoire", *FUNNEL.values()),
        tuple((name, *(cell(shown.loc[i, c]) for c in stages)) for i, name in enumerate(names)),
        src,
        hidden,
    )
    return by_approach, funnel


def _funnel(counts: pd.DataFrame, src: str) -> ReportTable:
    sums = {
        "contacts": int(counts["contacts"].sum()),
        "reperes": int(counts["reperes"].sum()),
        "mobilises": int(counts["mobilises"].sum()),
        "dispositifs": int(counts[list(SCHEMES)].to_numpy().sum()),
        "situations": int(counts[list(SITUATIONS)].to_numpy().sum()),
    }
    base = sums["reperes"] or 1
    rows = tuple(
        (label, sums[k], round(100 * sums[k] / base, 1) if k != "contacts" else None)
        for k, label in FUNNEL.items()
    )
    return ReportTable(
        "parcours",
        "Du premier contact à la situation (région)",
        ("Étape", "Jeunes", "Part des repérés (%)"),
        rows,
        src,
    )


def _family(
    key: str, title: str, labels: Mapping[str, str], counts: pd.DataFrame, src: str
) -> ReportTable:
    values = {c: int(counts[c].sum()) for c in labels}
    total = sum(values.values())
    rows = [(labels[c], v, round(100 * v / total, 1) if total else None) for c, v in values.items()]
    rows.append(("Total", total, 100.0 if total else None))
    return ReportTable(key, title, ("", "Jeunes", "Part (%)"), tuple(rows), src)


def _durations(counts: pd.DataFrame, src: str) -> ReportTable:
    given = counts[list(DURATIONS)]
    values = {c: int(given[c].fillna(0).sum()) for c in DURATIONS}
    total = sum(values.values())
    rows = [(DURATIONS[c], v, round(100 * v / total) if total else None) for c, v in values.items()]
    rows.append(("Total", total, 100 if total else None))
    return ReportTable(
        "durees",
        "Durée du parcours de mobilisation",
        ("Durée", "Jeunes", "Part (%)"),
        tuple(rows),
        src,
        f"Décrit {total} jeunes mobilisés, ceux dont la durée de parcours est renseignée.",
    )


def _months(
    counts: pd.DataFrame, src: str
) -> tuple[ReportTable, tuple[tuple[dt.date, int | None], ...]]:
    month = counts["period_start"].map(lambda d: d.replace(day=1))
    grouped = (
        counts.assign(month=month)
        .groupby("month")[["contacts", "reperes", "mobilises"]]
        .sum()
        .sort_index()
        .astype(int)
    )
    frame = pd.concat([grouped, grouped.sum().to_frame(TOTAL_ID).T]).reset_index(drop=True)
    shown = _suppressed(
        frame,
        ["contacts", "reperes", "mobilises"],
        None,
        keep=["contacts", "reperes", "mobilises"],
    )
    rows = []
    series = []
    for i, day in enumerate(grouped.index):
        label = f"{MONTHS[day.month - 1]} {day.year}"
        mark = SCHOOL_MONTHS.get(day.month, "")
        rows.append((label, mark, *(cell(shown.loc[i, c]) for c in ("contacts", "reperes",
                                                                     "mobilises"))))  # fmt: skip
        value = cell(shown.loc[i, "reperes"])
        series.append((day, int(value) if isinstance(value, int | float) else None))
    rows.append((TOTAL, "", *(cell(shown.loc[len(grouped), c]) for c in ("contacts", "reperes",
                                                                    "mobilises"))))  # fmt: skip
    table = ReportTable(
        "mois",
        "Activité par mois",
        ("Mois", "Année scolaire", "Contacts", "Jeunes repérés", "Jeunes mobilisés"),
        tuple(rows),
        src,
        "Septembre (rentrée) et juin (fin d'année scolaire) sont marqués : le terrain les "
        "donne comme les meilleures périodes de repérage.",
    )
    return table, tuple(series)


def _coverage(
    comparison: ComparisonTable, territories: Mapping[str, str], source: str
) -> ReportTable:
    frame = comparison.to_frame().set_index("territory_id")
    columns = ("share_20min_fixed", "share_20min_with_van", "share_30min_fixed",
               "share_30min_with_van")  # fmt: skip
    rows = []
    for tid, name in [*territories.items(), (TOTAL_ID, TOTAL)]:
        if tid not in frame.index:
            continue
        values = [frame.loc[tid, c] for c in columns]
        rows.append((name, *(round(100 * float(v), 1) if pd.notna(v) else None for v in values)))
    return ReportTable(
        "couverture",
        "Jeunes de 16 à 25 ans à moins de 20 et 30 minutes d'une présence régulière",
        (
            "Territoire",
            "20 min, lieux fixes (%)",
            "20 min, avec les véhicules (%)",
            "30 min, lieux fixes (%)",
            "30 min, avec les véhicules (%)",
        ),  # fmt: skip
        tuple(rows),
        source,
        "; ".join(comparison.notes),
    )


def _partner_label(kind: str) -> str:
    try:
        return PARTNER_LABELS[PartnerType(kind)]
    except ValueError:
        return kind


def _partners(types: Mapping[str, Mapping[str, int]], source: str) -> ReportTable:
    kinds = sorted({k for per in types.values() for k in per})
    totals = {k: sum(per.get(k, 0) for per in types.values()) for k in kinds}
    frame = pd.DataFrame({"n": [totals[k] for k in kinds] + [sum(totals.values())]})
    shown = suppress_table(
        frame,
        count_columns=["n"],
        relations=TableRelations(total_row=len(kinds), additive=("n",)),
    )[0]
    rows = tuple((_partner_label(k), cell(shown.loc[i, "n"])) for i, k in enumerate(kinds))
    return ReportTable(
        "partenaires",
        "Lieux partenaires par type",
        ("Type", "Lieux"),
        (*rows, ("Total", cell(shown.loc[len(kinds), "n"]))),
        source,
    )
