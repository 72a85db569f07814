"""Regional comparison (ARML): one row per territory, small cells suppressed.

Pure aggregation of :class:`~planner.coverage.indicators.TerritoryIndicators`; the caller
(``milo compare``) writes ``comparison.csv`` / ``comparison.json`` from :meth:`to_frame` and
:meth:`to_json_dict`. Suppression follows the rule set of
:mod:`planner.coverage.suppression`; a regional total row is added and :func:`relations_of`
lists every relation the table exposes, so that secondary suppression leaves no hidden cell
recomputable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.coverage.indicators import TerritoryIndicators
from planner.coverage.need import SYNTHETIC_LABEL
from planner.coverage.suppression import (
    SECONDARY,
    SECRET,
    SMALL,
    THRESHOLD,
    TableRelations,
    suppress_table,
)
from planner.errors import InvalidProblemError
from planner.json_values import json_value

#: Counts of people and sessions, and every other count (communes, QPV, stops): the shared
#: comparison suppresses any count under 11, as the ARML's rule says.
PEOPLE_COUNTS = ("sessions_planned", "sessions_delivered", "contacts", "reperes", "mobilises")
PLACE_COUNTS = (
    "communes", "communes_reached", "frr_communes", "frr_communes_reached", "qpv_total",
    "qpv_reached", "stops",
)  # fmt: skip
#: Ratios and the counts they are built from.
DERIVED = {
    "reperes_per_half_day": ("reperes", "sessions_delivered"),
    "mobilises_per_half_day": ("mobilises", "sessions_delivered"),
    "km_per_contact": ("contacts",),
}
TOTAL_ID = "region"
#: Columns whose regional total is the sum of the territories.
ADDITIVE = (*PEOPLE_COUNTS, *PLACE_COUNTS, "km_driven")
#: ``a <= b`` in every row (a part of a count, a reached count and its total).
ORDER = (
    ("communes_reached", "communes"), ("frr_communes", "communes"),
    ("frr_communes_reached", "frr_communes"), ("frr_communes_reached", "communes_reached"),
    ("qpv_reached", "qpv_total"), ("mobilises", "reperes"), ("stops", "sessions_planned"),
)  # fmt: skip
#: ``km_driven`` is 0.0 exactly when no session is planned: it follows ``sessions_planned``.
COMPANIONS = {"km_driven": "sessions_planned"}
SUPPRESSION_RULE = (
    f"comptes de 0 à {THRESHOLD - 1} remplacés par « {SMALL} » ; cellules masquées en plus pour "
    f"qu'aucune ne puisse être recalculée par les totaux ou les sommes : « {SECONDARY} » (valeur "
    f"d'au moins {THRESHOLD}) ; ratios et km dépendant d'un compte masqué : « {SECRET} »"
)


def relations_of(frame: pd.DataFrame, *, total_row: int | None) -> TableRelations:
    """The relations the comparison ``frame`` exposes (its ``stops_<type>`` columns)."""
    parts = tuple(sorted(c for c in frame.columns if c.startswith("stops_")))
    return TableRelations(
        total_row=total_row,
        additive=(*ADDITIVE, *parts),
        row_sums={"stops": parts},
        order=ORDER,
        derived=DERIVED,
        companions=COMPANIONS,
    )


#: French labels of the comparison columns (tables, popups, legends).
COLUMN_LABELS = {
    "name": "Territoire",
    "young_total": "Jeunes 16-25 ans (estimés)",
    "communes": "Communes",
    "communes_reached": "Communes touchées par le camion",
    "frr_communes": "Communes FRR",
    "frr_communes_reached": "Communes FRR touchées",
    "qpv_total": "QPV",
    "qpv_reached": "QPV touchés",
    "sessions_planned": "Séances prévues",
    "sessions_delivered": "Séances réalisées",
    "contacts": "Contacts",
    "reperes": "Jeunes repérés",
    "mobilises": "Jeunes mobilisés",
    "km_driven": "Km parcourus",
    "activity_label": "Activité",
    "share_20min_fixed": "Part des jeunes à moins de 20 min d'un site fixe",
    "share_30min_fixed": "Part des jeunes à moins de 30 min d'un site fixe",
    "mean_access_min_fixed": "Temps d'accès moyen, sites fixes (min)",
    "p90_access_min_fixed": "Temps d'accès, 90e centile, sites fixes (min)",
    "share_unreachable_fixed": "Part des jeunes sans accès, sites fixes",
    "share_20min_with_van": "Part des jeunes à moins de 20 min, avec le camion",
    "share_30min_with_van": "Part des jeunes à moins de 30 min, avec le camion",
    "mean_access_min_with_van": "Temps d'accès moyen avec le camion (min)",
    "p90_access_min_with_van": "Temps d'accès, 90e centile, avec le camion (min)",
    "share_unreachable_with_van": "Part des jeunes sans accès, avec le camion",
    "stops": "Arrêts du camion",
    "reperes_per_half_day": "Repérés par demi-journée",
    "mobilises_per_half_day": "Mobilisés par demi-journée",
    "km_per_contact": "Km par contact",
    "notes": "Notes",
}


@dataclass(frozen=True, eq=False)
class ComparisonTable:
    """The shared comparison: ``frame`` is already suppressed (object dtype where needed)."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    synthetic: bool = False

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_records(self) -> list[dict[str, Any]]:
        """Plain dicts (NaN -> None) for JSON."""
        out = []
        for rec in self.frame.to_dict(orient="records"):
            out.append({k: json_value(v) for k, v in rec.items()})
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "suppression": SUPPRESSION_RULE,
            "notes": list(self.notes),
            "territories": self.to_records(),
        }


def _total_row(rows: list[TerritoryIndicators], frame: pd.DataFrame) -> dict[str, Any]:
    """Region row: sums of counts, young-weighted means of shares; p90 left empty."""
    young = frame["young_total"].to_numpy(dtype=float)
    total: dict[str, Any] = {"territory_id": TOTAL_ID, "name": "Total région"}
    for col in frame.columns:
        if col in total:
            continue
        values = frame[col]
        if col.startswith(("share_", "mean_access")):
            v = values.to_numpy(dtype=float)
            ok = ~np.isnan(v)
            total[col] = float((v[ok] * young[ok]).sum() / young[ok].sum()) if ok.any() else np.nan
        elif col.startswith("p90_"):
            total[col] = np.nan  # not additive: per territory only
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            total[col] = values.sum(min_count=1)
        else:
            total[col] = ""
    sessions = total.get("sessions_delivered") or 0
    total["reperes_per_half_day"] = total["reperes"] / sessions if sessions else np.nan
    total["mobilises_per_half_day"] = total["mobilises"] / sessions if sessions else np.nan
    km = frame["km_driven"].sum(min_count=1) if "km_driven" in frame else np.nan
    total["km_per_contact"] = km / total["contacts"] if total.get("contacts") else np.nan
    return total


def compare_territories(
    rows: Iterable[TerritoryIndicators], *, with_total: bool = True
) -> ComparisonTable:
    """Comparison table of several territories, suppressed for sharing.

    Raises :class:`InvalidProblemError` for an empty list or duplicate territory ids.
    """
    rows = list(rows)
    if not rows:
        raise InvalidProblemError(
            "Aucun territoire à comparer.",
            hint="La spécification régionale doit lister au moins un territoire.",
        )
    ids = [r.territory_id for r in rows]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InvalidProblemError(
            f"Territoires en double dans la comparaison : {', '.join(dup)}.",
            hint="Chaque territoire ne doit apparaître qu'une fois.",
        )
    frame = pd.DataFrame([r.to_record() for r in rows])
    stop_cols = sorted(c for c in frame.columns if c.startswith("stops_"))
    frame[stop_cols] = frame[stop_cols].fillna(0).astype(np.int64)
    if with_total:
        frame = pd.concat([frame, pd.DataFrame([_total_row(rows, frame)])], ignore_index=True)
    counts = (*PEOPLE_COUNTS, *PLACE_COUNTS, *stop_cols)
    relations = relations_of(frame, total_row=len(frame) - 1 if with_total else None)
    shared, _ = suppress_table(frame, count_columns=counts, relations=relations)
    synthetic = any(r.activity_label == SYNTHETIC_LABEL for r in rows)
    notes = [
        f"Comptes inférieurs à {THRESHOLD} masqués (« {SMALL} ») ; secret secondaire : "
        f"« {SECONDARY} » (au moins {THRESHOLD}, masqué pour qu'aucun petit compte ne puisse "
        "être recalculé)."
    ]
    if synthetic:
        notes.append(f"Activité : {SYNTHETIC_LABEL} (générateur calibré, démonstration).")
    notes += sorted({n for r in rows for n in r.notes})
    return ComparisonTable(shared, tuple(notes), synthetic)
