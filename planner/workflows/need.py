"""The need table of a territory: the one need score, computed once and passed on.

Coverage, plans, maps and the API all show this score (:mod:`planner.coverage.need`, 0-100):
the itinerary values a visit at its commune's score.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from planner.coverage.activity import ActivitySettings
from planner.coverage.need import NeedTable, NeedWeights, need_scores
from planner.errors import InvalidProblemError
from planner.matrix import TravelMatrix
from planner.territory import Territory
from planner.workflows.territory_arrays import (
    activity_label,
    commune_activity_rates,
    commune_codes,
    fixed_matrix,
    young,
)


def need_table(
    territory: Territory,
    to_fixed: TravelMatrix | None = None,
    *,
    network: Any = None,
    weights: NeedWeights | None = None,
    activity_settings: ActivitySettings | None = None,
    today: date | None = None,
) -> NeedTable:
    """Need scores for every commune of ``territory``.

    Parameters
    ----------
    to_fixed
        Travel matrix from the communes (rows, ``territory.communes`` order) to the fixed
        contact points (columns, any order), when the caller already has it; otherwise built
        with ``network`` (:func:`~planner.workflows.territory_arrays.fixed_matrix`). Only
        ``durations`` and ``reachable`` are read.
    today
        Activity after this date is refused (defaults to the current date).
    """
    communes = territory.communes
    if len(communes) == 0:
        raise InvalidProblemError(
            f"Le territoire {territory.id} ne contient aucune commune.",
            hint="Vérifiez la liste des communes de la spécification.",
        )
    if to_fixed is None:
        to_fixed = fixed_matrix(territory, network=network)
    nearest = to_fixed.nearest_s()
    if nearest.shape != (len(communes),):
        raise InvalidProblemError(
            f"La matrice vers les points de contact a {nearest.shape[0]} lignes pour "
            f"{len(communes)} communes.",
            hint="Une ligne par commune du territoire, dans le même ordre.",
        )
    codes = commune_codes(territory)
    rates = commune_activity_rates(territory, today=today, settings=activity_settings)
    partners = territory.partners
    counts = (
        partners["commune"].astype(str).value_counts().reindex(codes, fill_value=0)
        if len(partners)
        else pd.Series(0, index=codes)
    )
    return need_scores(
        codes,
        young=young(territory),
        frr_class=list(communes["frr_class"]),
        qpv=communes["qpv"].to_numpy(dtype=bool),
        nearest_contact=nearest,
        activity_rate=rates.frame["smoothed_rate"].to_numpy(),
        partners=counts.to_numpy(),
        names=[str(x) for x in communes["name"]],
        weights=weights,
        young_method=territory.young_method,
        activity_label=activity_label(territory),
    )
