"""``from_territory`` entry points: read a Territory's attributes, hand arrays to the engines.

Travel matrices are :class:`planner.matrix.TravelMatrix` objects computed by the caller (the
matrix engine does the network work); rows always follow ``territory.communes`` order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from planner.coverage.activity import validate_activity
from planner.coverage.indicators import TerritoryIndicators, territory_indicators
from planner.coverage.need import activity_label, nearest_times
from planner.errors import InvalidProblemError
from planner.taxonomy import PartnerType


def activity_totals(territory: Any, *, today: date, since: date | None = None) -> dict[str, int]:
    """Validated sums of sessions, contacts, repérés and mobilisés (optionally since a date)."""
    if not len(territory.activity):
        return {"sessions": 0, "contacts": 0, "reperes": 0, "mobilises": 0}
    df = validate_activity(
        territory.activity, known_communes=[str(c) for c in territory.communes.index], today=today
    )
    if since is not None:
        df = df[df["period_start"] >= since]
    return {k: int(df[k].sum()) for k in ("sessions", "contacts", "reperes", "mobilises")}


def stop_partner_types(territory: Any, stop_ids: Sequence[str]) -> list[str]:
    """Partner type of each stop id (partners' index); unknown ids count as « autre »."""
    partners = territory.partners
    known = set(map(str, partners.index)) if len(partners) else set()
    return [
        str(partners.loc[s, "type"]) if str(s) in known else PartnerType.AUTRE.value
        for s in stop_ids
    ]


def indicators_from_territory(
    territory: Any,
    fixed_matrix: Any,
    *,
    stop_matrix: Any = None,
    stop_ids: Sequence[str] = (),
    sessions_planned: int | None = None,
    km_driven: float | None = None,
    since: date | None = None,
    today: date | None = None,
    reach: int = 1200,
) -> TerritoryIndicators:
    """Indicators of one Territory.

    Parameters
    ----------
    fixed_matrix
        TravelMatrix communes -> fixed contact points (Mission Locale sites, antennas, fixed
        France Services).
    stop_matrix, stop_ids
        TravelMatrix communes -> the van's planned stops, and the stops' ids (columns order).
    sessions_planned, km_driven
        From the itinerary plan.
    since, today
        Activity window (``today`` defaults to the current date; later activity is refused).
    """
    communes = territory.communes
    van_times = None
    if stop_matrix is not None:
        if np.asarray(stop_matrix.durations).shape[1] != len(stop_ids):
            raise InvalidProblemError(
                f"La matrice vers les arrêts a {np.asarray(stop_matrix.durations).shape[1]} "
                f"colonnes pour {len(stop_ids)} arrêts.",
                hint="Une colonne par arrêt planifié, dans l'ordre de stop_ids.",
            )
        van_times = nearest_times(stop_matrix)
    notes = [n for n in (territory.approximation, territory.young_method) if n]
    return territory_indicators(
        territory.id,
        territory.name,
        young=communes["young"].to_numpy(dtype=float),
        frr_class=list(communes["frr_class"]),
        qpv_codes=[
            [q.strip() for q in str(v or "").split(",") if q.strip()] for v in communes["qpv_codes"]
        ],
        fixed_times=nearest_times(fixed_matrix),
        van_times=van_times,
        stop_types=stop_partner_types(territory, stop_ids),
        activity_totals=activity_totals(territory, today=today or date.today(), since=since),
        sessions_planned=sessions_planned,
        km_driven=km_driven,
        reach=reach,
        activity_label=activity_label(territory),
        notes=notes,
    )
