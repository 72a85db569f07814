"""Need score per commune (and per QPV): a transparent weighted sum of normalised components.

Each component is brought to [0, 1], multiplied by its weight (weights sum to 1) and the sum is
shown on a 0-100 scale. Every output row keeps, for each component, its raw value, its
normalised value, its weight and its points, so that anyone can re-do the sum. This is the one
need score: coverage weights, maps, the API and the itinerary (the value of a visit) use it;
:func:`planner.workflows.need.need_table` computes it for a Territory.

Components (normalisation rule)
-------------------------------
``young``       estimated 16-25 population / the territory's largest commune value (the
                estimation method is the territory's ``young_method``; an INSEE age file
                replaces the estimate upstream).
``frr``         FRR class score (:data:`FRR_SCORES`): FRR+ 1, FRR socle / bénéficiaire 0.75,
                partial classes 0.5, non classée or unknown 0.
``qpv``         1 when the commune has at least one QPV 2024, else 0.
``remoteness``  car time to the nearest fixed contact point (Mission Locale site, antenna,
                France Services), capped at ``remoteness_cap`` seconds and divided by it; a
                commune with no reachable contact point gets 1. Mobility is the first barrier.
``activity``    smoothed repérés per session (empirical Bayes, :mod:`.activity`) / the largest
                value in the territory; communes without sessions get the prior mean.
``partners``    number of partners located in the commune (places that can host a session),
                capped at ``partners_cap`` and divided by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from planner.coverage.problem import young_weights
from planner.errors import InvalidProblemError
from planner.json_values import json_value
from planner.taxonomy import FrrClass

COMPONENTS = ("young", "frr", "qpv", "remoteness", "activity", "partners")
COMPONENT_LABELS = {
    "young": "Jeunes 16-25 ans estimés",
    "frr": "Classement FRR",
    "qpv": "Présence d'un QPV",
    "remoteness": "Éloignement d'un point de contact fixe",
    "activity": "Activité passée (repérés par séance, lissée)",
    "partners": "Partenaires pouvant accueillir",
}
FRR_SCORES: dict[FrrClass, float] = {
    FrrClass.PLUS: 1.0,
    FrrClass.SOCLE: 0.75,
    FrrClass.BENEFICIAIRE: 0.75,
    FrrClass.BENEFICIAIRE_PARTIELLEMENT: 0.5,
    FrrClass.PARTIELLEMENT: 0.5,
    FrrClass.NON_CLASSEE: 0.0,
    FrrClass.INCONNUE: 0.0,
}
SYNTHETIC_LABEL = "données fictives"
REAL_LABEL = "données réelles"
NO_ACTIVITY_LABEL = "aucune activité saisie"


@dataclass(frozen=True)
class NeedWeights:
    """Weights of the need components (non-negative, summing to 1) and normalisation caps.

    Parameters
    ----------
    young, frr, qpv, remoteness, activity, partners
        Component weights; see the module docstring for each normalisation.
    remoteness_cap
        Travel time (s) at which remoteness reaches 1 (default 45 min).
    partners_cap
        Number of partners at which the partners component reaches 1.
    """

    young: float = 0.30
    frr: float = 0.15
    qpv: float = 0.15
    remoteness: float = 0.20
    activity: float = 0.10
    partners: float = 0.10
    remoteness_cap: int = 2700
    partners_cap: int = 3

    def __post_init__(self) -> None:
        values = self.as_dict()
        negative = {k: v for k, v in values.items() if not v >= 0}
        if negative:
            raise InvalidProblemError(
                "Poids négatifs ou invalides : "
                + ", ".join(f"{k} = {v}" for k, v in negative.items())
                + ".",
                hint="Chaque poids doit être positif ou nul.",
            )
        total = sum(values.values())
        if abs(total - 1.0) > 1e-9:
            raise InvalidProblemError(
                f"Les poids du score de besoin doivent totaliser 1, reçu {total:.4g}.",
                hint="Ajustez les poids (ex. jeunes 0,30 ; FRR 0,15 ; QPV 0,15 ; éloignement "
                "0,20 ; activité 0,10 ; partenaires 0,10).",
            )
        if self.remoteness_cap <= 0 or self.partners_cap <= 0:
            raise InvalidProblemError(
                f"Plafonds invalides (éloignement {self.remoteness_cap} s, partenaires "
                f"{self.partners_cap}).",
                hint="Les plafonds de normalisation doivent être strictement positifs.",
            )

    def as_dict(self) -> dict[str, float]:
        """The six component weights by name."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self) if f.name in COMPONENTS}


@dataclass(frozen=True, eq=False)
class NeedTable:
    """Need scores with every component shown.

    ``frame`` (index ``code``): ``name``; for each component ``c``: ``c_value`` (raw),
    ``c_norm`` ([0, 1]), ``c_weight``, ``c_points`` (norm x weight x 100); then ``score``
    (0-100, the sum of points) and ``rank`` (1 = highest need).
    """

    frame: pd.DataFrame
    weights: NeedWeights
    young_method: str = ""
    activity_label: str = NO_ACTIVITY_LABEL
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_records(self) -> list[dict[str, Any]]:
        """Plain dicts, one per commune, with the provenance labels repeated on each row."""
        out = []
        for code, row in self.frame.iterrows():
            rec: dict[str, Any] = {"code": str(code)}
            rec.update({k: json_value(v) for k, v in row.items()})
            rec["young_method"] = self.young_method
            rec["activity_data"] = self.activity_label
            out.append(rec)
        return out

    def coverage_weights(self, *, scale: int = 10_000) -> np.ndarray:
        """Integer demand weights for the coverage models: ``rint(score / 100 x scale)``."""
        return np.rint(self.frame["score"].to_numpy() / 100.0 * scale).astype(np.int64)

    def per_qpv(self, qpv_communes: Mapping[str, Sequence[str]]) -> pd.DataFrame:
        """One row per QPV: the highest need score among its communes (QPV population unknown).

        ``qpv_communes`` maps a QPV code to its INSEE commune codes; communes outside this
        table are ignored, QPV with none of their communes here are left out.
        """
        rows = []
        for qpv, codes in qpv_communes.items():
            inside = [str(c) for c in codes if str(c) in self.frame.index]
            if not inside:
                continue
            sub = self.frame.loc[inside]
            best = sub["score"].idxmax()
            rows.append(
                {"qpv": qpv, "communes": ",".join(inside), "commune_max": best,
                 "score": float(sub.loc[best, "score"])}
            )  # fmt: skip
        return pd.DataFrame(rows, columns=["qpv", "communes", "commune_max", "score"])


def _frr_scores(frr_class: Sequence[Any]) -> np.ndarray:
    out = []
    for value in frr_class:
        try:
            out.append(FRR_SCORES[FrrClass(value)])
        except ValueError:
            raise InvalidProblemError(
                f"Classe FRR inconnue {value!r}.",
                hint=f"Valeurs admises : {', '.join(c.value for c in FrrClass)}.",
            ) from None
    return np.asarray(out, dtype=float)


def _share_of_max(x: np.ndarray) -> np.ndarray:
    top = float(np.nanmax(x)) if x.size else 0.0
    return np.zeros_like(x, dtype=float) if top <= 0 else np.nan_to_num(x / top)


def need_scores(
    codes: Sequence[str],
    *,
    young: Any,
    frr_class: Sequence[Any],
    qpv: Any,
    nearest_contact: Any,
    activity_rate: Any,
    partners: Any,
    names: Sequence[str] | None = None,
    weights: NeedWeights | None = None,
    young_method: str = "",
    activity_label: str = NO_ACTIVITY_LABEL,
) -> NeedTable:
    """Need scores from plain arrays (one value per commune, same order as ``codes``).

    ``nearest_contact`` is the travel time (s) to the nearest fixed contact point (NaN or a
    negative value when none is reachable), ``activity_rate`` the smoothed repérés per session,
    ``partners`` the number of partners in the commune.
    """
    weights = weights or NeedWeights()
    codes = [str(c) for c in codes]
    n = len(codes)
    young_arr = np.asarray(young, dtype=float)
    young_weights(young_arr)  # refuses a territory without young population
    arrays = {
        "young": young_arr,
        "frr": _frr_scores(frr_class),
        "qpv": np.asarray(qpv, dtype=bool).astype(float),
        "remoteness": np.asarray(nearest_contact, dtype=float),
        "activity": np.asarray(activity_rate, dtype=float),
        "partners": np.asarray(partners, dtype=float),
    }
    for key, arr in arrays.items():
        if arr.shape != (n,):
            raise InvalidProblemError(
                f"La composante « {key} » a {arr.shape[0] if arr.ndim else 0} valeurs pour "
                f"{n} communes.",
                hint="Donnez une valeur par commune, dans le même ordre.",
            )
    time_s = arrays["remoteness"]
    no_contact = np.isnan(time_s) | (time_s < 0)
    norms = {
        "young": _share_of_max(arrays["young"]),
        "frr": arrays["frr"],
        "qpv": arrays["qpv"],
        "remoteness": np.where(
            no_contact, 1.0, np.minimum(np.nan_to_num(time_s), weights.remoteness_cap)
            / weights.remoteness_cap,
        ),
        "activity": _share_of_max(arrays["activity"]),
        "partners": np.minimum(arrays["partners"], weights.partners_cap) / weights.partners_cap,
    }  # fmt: skip
    raw = dict(arrays)
    raw["frr"] = np.asarray([str(getattr(v, "value", v)) for v in frr_class], dtype=object)
    raw["qpv"] = np.asarray(qpv, dtype=bool)
    frame = pd.DataFrame(index=pd.Index(codes, name="code", dtype=object))
    frame["name"] = list(names) if names is not None else codes
    w = weights.as_dict()
    score = np.zeros(n)
    for key in COMPONENTS:
        points = norms[key] * w[key] * 100.0
        frame[f"{key}_value"] = raw[key]
        frame[f"{key}_norm"] = norms[key]
        frame[f"{key}_weight"] = w[key]
        frame[f"{key}_points"] = points
        score += points
    frame["score"] = score
    frame["rank"] = frame["score"].rank(ascending=False, method="min").astype(np.int64)
    notes = (f"{COMPONENT_LABELS['activity']} : {activity_label}",)
    return NeedTable(frame, weights, young_method, activity_label, notes)
