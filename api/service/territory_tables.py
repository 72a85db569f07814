"""Tables the service derives from a stored territory, once per partners revision.

Each is built by the glue layer (:mod:`planner.workflows`) and kept in the
:class:`~api.service.territory_store.TerritoryCache`; routes and plan jobs read them here so
that the communes -> fixed points matrix and the need table are computed once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.service.territory_store import TerritoryCache
from planner.coverage.need import NeedTable
from planner.hours import WeeklyHours
from planner.matrix import TravelMatrix
from planner.workflows.need import need_table
from planner.workflows.territory_arrays import fixed_matrix, host_index

Hosts = dict[tuple[str, str], tuple[str, str, WeeklyHours | None]]
#: cache names (``TerritoryCache.derived``)
FIXED, NEED, HOSTS = "fixed_matrix", "need", "hosts"


def fixed_matrix_of(
    cache: TerritoryCache, territory_id: str, s: Session | None = None
) -> TravelMatrix:
    """Communes -> fixed contact points (declared estimate)."""
    return cache.derived(territory_id, FIXED, fixed_matrix, s)


def need_of(cache: TerritoryCache, territory_id: str, s: Session | None = None) -> NeedTable:
    """The territory's need table, built on the cached fixed-points matrix."""
    to_fixed = fixed_matrix_of(cache, territory_id, s)
    return cache.derived(territory_id, NEED, lambda t: need_table(t, to_fixed), s)


def hosts_of(cache: TerritoryCache, territory_id: str, s: Session | None = None) -> Hosts:
    """(commune, host name) -> (partner id, type, hours) of the territory's partners."""
    return cache.derived(territory_id, HOSTS, host_index, s)
