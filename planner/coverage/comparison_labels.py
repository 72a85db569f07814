"""How people read the comparison's columns: French headers, units and rounding.

One list (:data:`INDICATORS`) for the ARML's table, its CSV and XLSX downloads and the maps'
indicator choice, so that a column is named and rounded the same everywhere. A hidden cell
(« < 11 », « masqué (secret secondaire) », « secret ») is kept as its label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Indicator:
    """One column: its header, unit, how it is shown (``scale`` times the stored value,
    rounded to ``digits``) and whether a map can shade by it."""

    column: str
    label: str
    unit: str = ""
    digits: int = 0
    scale: float = 1.0
    mappable: bool = True

    @property
    def header(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def value(self, raw: object) -> object:
        """The shown value: a rounded number, a hidden cell's label, or None."""
        if raw is None or isinstance(raw, str):
            return raw
        if isinstance(raw, float | np.floating) and np.isnan(raw):
            return None
        if isinstance(raw, int | np.integer | float | np.floating):
            number = float(raw) * self.scale
            return int(round(number)) if self.digits == 0 else round(number, self.digits)
        return raw


INDICATORS: tuple[Indicator, ...] = (
    Indicator("young_total", "Jeunes de 16 à 25 ans (estimés)", "milliers", 1, 0.001),
    Indicator("share_20min_fixed", "À moins de 20 min d'un lieu fixe", "%", 1, 100),
    Indicator("share_20min_with_van", "À moins de 20 min avec le véhicule", "%", 1, 100),
    Indicator("share_30min_fixed", "À moins de 30 min d'un lieu fixe", "%", 1, 100),
    Indicator("share_30min_with_van", "À moins de 30 min avec le véhicule", "%", 1, 100),
    Indicator("mean_access_min_fixed", "Temps d'accès moyen, lieux fixes", "min", 1),
    Indicator("mean_access_min_with_van", "Temps d'accès moyen, avec le véhicule", "min", 1),
    Indicator("p90_access_min_fixed", "Temps d'accès, 9 jeunes sur 10, lieux fixes", "min", 1),
    Indicator("communes", "Communes"),
    Indicator("communes_reached", "Communes desservies par le plan"),
    Indicator("frr_communes", "Communes FRR"),
    Indicator("frr_communes_reached", "Communes FRR desservies"),
    Indicator("qpv_total", "Quartiers prioritaires (QPV)"),
    Indicator("qpv_reached", "QPV desservis"),
    Indicator("stops", "Arrêts du véhicule"),
    Indicator("sessions_planned", "Séances prévues (plan publié)"),
    Indicator("sessions_delivered", "Séances tenues"),
    Indicator("contacts", "Contacts"),
    Indicator("reperes", "Jeunes repérés"),
    Indicator("mobilises", "Jeunes mobilisés"),
    Indicator("reperes_per_half_day", "Repérés par demi-journée", "", 2),
    Indicator("mobilises_per_half_day", "Mobilisés par demi-journée", "", 2),
    Indicator("km_driven", "Kilomètres prévus", "km"),
    Indicator("km_per_contact", "Kilomètres par contact", "km", 1),
)
BY_COLUMN = {i.column: i for i in INDICATORS}


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison with French headers, units and rounding (« Territoire » first, then
    :data:`INDICATORS` present in ``frame``, then the activity label)."""
    out = pd.DataFrame({"Territoire": frame["name"].astype(str)})
    for ind in INDICATORS:
        if ind.column in frame.columns:
            out[ind.header] = [ind.value(v) for v in frame[ind.column]]
    if "activity_label" in frame.columns:
        out["Activité"] = frame["activity_label"].astype(str)
    return out.reset_index(drop=True)


#: a sequential blue scale (light to dark; each class readable against the next) and the
#: colour of a territory whose value is hidden or missing
SCALE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
HIDDEN_COLOUR = "#bdbdbd"


def legend_classes(values: list[float], *, digits: int, unit: str, k: int = 5) -> list[dict]:
    """Up to ``k`` classes over ``values`` (shown values: quantile breaks, rounded as shown):
    ``[{"low", "high", "label", "colour"}]``, lightest first. One class when all are equal."""
    if not values:
        return []
    ordered = sorted(values)
    breaks = sorted({round(float(np.quantile(ordered, q / k)), digits) for q in range(k + 1)})
    if len(breaks) == 1:
        breaks = [breaks[0], breaks[0]]
    suffix = f" {unit}" if unit else ""
    out = []
    pairs = list(zip(breaks, breaks[1:], strict=False))
    colours = SCALE[-len(pairs) :] if len(pairs) < len(SCALE) else SCALE
    for (low, high), colour in zip(pairs, colours, strict=False):
        text = (
            f"{_num(low, digits)}{suffix}"
            if low == high
            else f"{_num(low, digits)} – {_num(high, digits)}{suffix}"
        )
        out.append({"low": low, "high": high, "label": text, "colour": colour})
    return out


def class_of(value: float, classes: list[dict]) -> int:
    """The index of ``value``'s class (the last whose low bound it reaches)."""
    index = 0
    for i, c in enumerate(classes):
        if value >= c["low"]:
            index = i
    return index


def _num(value: float, digits: int) -> str:
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    return text
