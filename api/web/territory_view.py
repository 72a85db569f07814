"""What the territory page shows: key figures, the need table (sorted), fixed contact points.

Pure reads of a merged :class:`~planner.territory.Territory` and its
:class:`~planner.coverage.need.NeedTable` (the one need score, :mod:`planner.workflows.need`);
the page (:mod:`api.web.routes.territory`) formats nothing itself beyond the template.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from api.service.db.models import PlanRow
from api.web.pages import number_fr
from planner.coverage.need import COMPONENT_LABELS, COMPONENTS, NeedTable
from planner.taxonomy import FrrClass, PartnerType
from planner.territory import Territory

#: need table columns: query key -> (component or column, header)
NEED_COLUMNS: dict[str, tuple[str, str]] = {
    "commune": ("name", "Commune"),
    "score": ("score", "Score (0-100)"),
    "jeunes": ("young", "Jeunes 16-25 ans (estimés)"),
    "frr": ("frr", "Classement FRR"),
    "qpv": ("qpv", "QPV"),
    "eloignement": ("remoteness", "Éloignement (min)"),
    "activite": ("activity", "Activité passée"),
    "partenaires": ("partners", "Partenaires"),
}
DEFAULT_SORT = ("score", "desc")
ORDER_ARIA = {"asc": "ascending", "desc": "descending"}


@dataclass(frozen=True)
class NeedColumn:
    key: str
    header: str
    #: ``ascending`` / ``descending`` on the sorted column, else None (no ``aria-sort``)
    aria_sort: str | None
    #: the link of the header: this column, in the order a click asks for
    href: str
    numeric: bool


@dataclass(frozen=True)
class NeedView:
    columns: list[NeedColumn]
    rows: list[dict[str, Any]]
    sort: str
    order: str
    weights: list[tuple[str, float]]
    notes: list[str]


def name_key(text: str) -> str:
    """Sort key of a French name: accents ignored, case folded (« Écuisses » among the E)."""
    decomposed = unicodedata.normalize("NFD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def read_sort(sort: str | None, order: str | None) -> tuple[str, str]:
    """The requested sort, or the default (highest need first) for anything unknown."""
    key = sort if sort in NEED_COLUMNS else DEFAULT_SORT[0]
    if order in ORDER_ARIA:
        return key, str(order)
    return key, "asc" if key == "commune" else "desc"


def _sorted_frame(table: NeedTable, sort: str, order: str) -> Any:
    frame = table.frame.reset_index()
    column = NEED_COLUMNS[sort][0]
    ascending = order == "asc"
    frame["_name"] = frame["name"].map(name_key)
    if column == "name":
        by = ["_name"]
    elif column == "score":
        by = ["score"]
    elif column == "frr":
        by = ["frr_points"]
    else:
        by = [f"{column}_points", f"{column}_value"]
    return frame.sort_values(
        [*by, "_name"], ascending=[ascending] * len(by) + [True], kind="stable"
    )


def _value_text(component: str, value: Any) -> str:
    if component == "young":
        return number_fr(float(value))
    if component == "frr":
        try:
            return FrrClass(value).label
        except ValueError:
            return str(value)
    if component == "qpv":
        return "oui" if bool(value) else "non"
    if component == "remoteness":
        seconds = float(value)
        return (
            "aucun point joignable"
            if seconds != seconds or seconds < 0
            else (number_fr(seconds / 60.0))
        )
    if component == "activity":
        return number_fr(float(value), 2)
    return number_fr(float(value))


def need_view(table: NeedTable, *, base_url: str, sort: str, order: str) -> NeedView:
    """The need table's columns (with their sort links) and rows, sorted by ``sort``."""
    columns = []
    for key, (_, header) in NEED_COLUMNS.items():
        current = key == sort
        next_order = (
            ("asc" if order == "desc" else "desc")
            if current
            else ("asc" if key == "commune" else "desc")
        )
        columns.append(
            NeedColumn(
                key=key,
                header=header,
                aria_sort=ORDER_ARIA[order] if current else None,
                href=f"{base_url}?tri={key}&ordre={next_order}#besoins",
                numeric=key != "commune",
            )
        )
    rows = []
    for rec in _sorted_frame(table, sort, order).to_dict("records"):
        row: dict[str, Any] = {
            "code": str(rec["code"]),
            "name": str(rec["name"]),
            "score": number_fr(float(rec["score"]), 1),
            "rank": int(rec["rank"]),
            "components": [],
        }
        for component in COMPONENTS:
            row["components"].append(
                (
                    _value_text(component, rec[f"{component}_value"]),
                    number_fr(float(rec[f"{component}_points"]), 1),
                )
            )
        rows.append(row)
    weights = [
        (COMPONENT_LABELS[c][:1].lower() + COMPONENT_LABELS[c][1:], w)
        for c, w in table.weights.as_dict().items()
    ]
    notes = [n for n in (table.young_method, *table.notes) if n]
    return NeedView(columns, rows, sort, order, weights, notes)


def key_figures(territory: Territory, partners: int) -> list[tuple[str, str]]:
    """(label, value) of the territory's key figures."""
    communes = territory.communes
    figures = [("Communes", number_fr(len(communes)))]
    young = float(communes["young"].sum()) if "young" in communes else 0.0
    if young > 0:
        estimated = "estim" in territory.young_method.lower()
        label = "Jeunes 16-25 ans" + (" (estimation)" if estimated else "")
        figures.append((label, number_fr(young)))
    frr = sum(1 for v in communes["frr_class"] if _is_frr(v))
    figures += [
        ("Communes FRR", number_fr(frr)),
        ("Quartiers prioritaires (QPV)", number_fr(len(territory.qpv))),
        ("Partenaires", number_fr(partners)),
        ("Points de contact fixes", number_fr(len(fixed_points(territory)))),
    ]
    return figures


def _is_frr(value: Any) -> bool:
    try:
        return FrrClass(value).is_frr
    except ValueError:
        return False


def fixed_points(territory: Territory) -> list[dict[str, str]]:
    """Mission Locale sites (bases) and fixed partners (France Services...): name, commune,
    type, sorted by commune then name."""
    names = territory.communes["name"].astype(str).to_dict()
    out = [
        {
            "name": b.name,
            "commune": names.get(b.commune, b.commune),
            "type": "Mission Locale (siège)" if b.kind == "siege" else "Mission Locale (antenne)",
        }
        for b in territory.bases
    ]
    for _, row in territory.fixed_sites.iterrows():
        out.append(
            {
                "name": str(row["name"]),
                "commune": names.get(str(row["commune"]), str(row["commune"])),
                "type": _type_label(row["type"]),
            }
        )
    return sorted(out, key=lambda p: (name_key(p["commune"]), name_key(p["name"])))


def _type_label(value: Any) -> str:
    try:
        return PartnerType(value).label
    except ValueError:
        return str(value)


def plan_summary(plan: PlanRow | None) -> dict[str, Any] | None:
    """Version, first and last day, publication date of the published plan (or None)."""
    if plan is None:
        return None
    last = plan.start + dt.timedelta(days=7 * plan.weeks - 1)
    return {
        "id": plan.id,
        "version": plan.version,
        "start": plan.start,
        "end": last,
        "weeks": plan.weeks,
        "published_at": plan.published_at.date() if plan.published_at else None,
    }
