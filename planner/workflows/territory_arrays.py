"""What the engines read from a :class:`~planner.territory.Territory`, each extracted once.

Rows follow ``territory.communes`` order; points are lon/lat (EPSG:4326), the engines project
them. Fixed contact points are the territory's bases (Mission Locale head office and antennas),
then its fixed partners (``fixed_site``, such as fixed France Services); van hosts are the
partners that can host the van.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.coverage.activity import (
    COUNT_COLUMNS,
    ActivityRates,
    ActivitySettings,
    smoothed_rates,
    validate_activity,
)
from planner.coverage.need import NO_ACTIVITY_LABEL, REAL_LABEL, SYNTHETIC_LABEL
from planner.errors import InvalidProblemError
from planner.hours import WeeklyHours
from planner.matrix import TravelMatrix, travel_matrix
from planner.taxonomy import PartnerType
from planner.territory import Territory

if TYPE_CHECKING:  # partners frames are built by geo_data; the glue only reads them
    import geopandas as gpd


def commune_codes(territory: Territory) -> list[str]:
    """INSEE codes of the communes, as text."""
    return [str(c) for c in territory.communes.index]


def commune_points(territory: Territory) -> np.ndarray:
    """``(n_communes, 2)`` lon/lat of the communes (town hall point)."""
    c = territory.communes
    return np.column_stack([c["lon"].to_numpy(dtype=float), c["lat"].to_numpy(dtype=float)])


def young(territory: Territory) -> np.ndarray:
    """Estimated 16-25 population of each commune."""
    return territory.communes["young"].to_numpy(dtype=float)


def qpv_code_lists(territory: Territory) -> list[list[str]]:
    """Per commune, the codes of its QPV (empty list: none), spaces stripped."""
    return [
        [q.strip() for q in str(v or "").split(",") if q.strip()]
        for v in territory.communes["qpv_codes"]
    ]


def fixed_points(territory: Territory) -> np.ndarray:
    """Lon/lat of the fixed contact points: bases, then fixed partners."""
    pts = [[b.lon, b.lat] for b in territory.bases]
    pts += [[g.x, g.y] for g in territory.fixed_sites.geometry]
    if not pts:
        raise InvalidProblemError(
            f"Le territoire {territory.id} n'a aucun point de contact fixe.",
            hint="Déclarez au moins une base (siège ou antenne) dans la spécification.",
        )
    return np.asarray(pts, dtype=float)


def fixed_labels(territory: Territory) -> tuple[list[str], list[str]]:
    """Names and French kinds of the fixed contact points, in :func:`fixed_points` order."""
    names = [b.name for b in territory.bases]
    kinds = [f"base ({'siège' if b.kind == 'siege' else 'antenne'})" for b in territory.bases]
    sites = territory.fixed_sites
    for name, kind in zip(sites["name"], sites["type"], strict=True):
        names.append(str(name))
        try:
            kinds.append(f"point fixe ({PartnerType(str(kind)).label})")
        except ValueError:
            kinds.append("point fixe")
    return names, kinds


def fixed_matrix(territory: Territory, *, network: Any = None) -> TravelMatrix:
    """Travel matrix communes -> fixed contact points (road ``network``, else the estimate)."""
    return travel_matrix(commune_points(territory), fixed_points(territory), network=network)


def van_hosts(territory: Territory) -> gpd.GeoDataFrame:
    """The partners that can host the van; refuses a territory without any."""
    partners = territory.partners
    hosts = partners[partners["can_host_van"].astype(bool)] if len(partners) else partners
    if len(hosts) == 0:
        raise InvalidProblemError(
            f"Le territoire {territory.id} n'a aucun partenaire pouvant accueillir le camion.",
            hint="Ajoutez des partenaires (can_host_van = vrai).",
        )
    return hosts


def partner_points(partners: gpd.GeoDataFrame) -> np.ndarray:
    """``(n, 2)`` lon/lat of partner points."""
    return np.column_stack([partners.geometry.x, partners.geometry.y]).astype(float)


def partner_types(territory: Territory, partner_ids: Sequence[str]) -> list[str]:
    """Partner type of each id (partners' index); unknown ids count as « autre »."""
    partners = territory.partners
    known = set(map(str, partners.index)) if len(partners) else set()
    return [
        str(partners.loc[s, "type"]) if str(s) in known else PartnerType.AUTRE.value
        for s in partner_ids
    ]


def host_index(territory: Territory) -> dict[tuple[str, str], tuple[str, str, WeeklyHours | None]]:
    """(commune, host name) -> (partner id, type, hours): the host of a plan's visit."""
    out = {}
    for pid, row in territory.partners.iterrows():
        hours = row["hours"] if isinstance(row["hours"], WeeklyHours) else None
        out[(str(row["commune"]), str(row["name"]))] = (str(pid), str(row["type"]), hours)
    return out


def activity_label(territory: Territory) -> str:
    """« données fictives », « données réelles » or « aucune activité saisie »."""
    if not len(territory.activity):
        return NO_ACTIVITY_LABEL
    return SYNTHETIC_LABEL if territory.activity_synthetic else REAL_LABEL


def activity_totals(
    territory: Territory, *, today: date, since: date | None = None
) -> dict[str, int]:
    """Validated sums of sessions, contacts, repérés and mobilisés (optionally since a date)."""
    if not len(territory.activity):
        return dict.fromkeys(COUNT_COLUMNS, 0)
    df = validate_activity(territory.activity, known_communes=commune_codes(territory), today=today)
    if since is not None:
        df = df[df["period_start"] >= since]
    return {k: int(df[k].sum()) for k in COUNT_COLUMNS}


def commune_activity_rates(
    territory: Territory, *, today: date | None = None, settings: ActivitySettings | None = None
) -> ActivityRates:
    """Smoothed repérés per session of every commune (``territory.communes`` order; prior mean
    without history). Activity after ``today`` (default: the current date) is refused."""
    codes = commune_codes(territory)
    activity = territory.activity
    if len(activity):
        activity = validate_activity(activity, known_communes=codes, today=today or date.today())
    return smoothed_rates(activity, by="commune", keys=codes, settings=settings)
