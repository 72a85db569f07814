"""Tables the service derives from a stored territory, once per partners revision.

Each is built by the glue layer (:mod:`planner.workflows`) and kept in the
:class:`~api.service.territory_store.TerritoryCache`; routes and plan jobs read them here so
that the communes -> fixed points matrix and the need table are computed once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.service.territory_store import TerritoryCache
from geo_data.road_cache import read_manifest, territory_folder
from geo_data.roads_download import territory_network
from planner.coverage.need import NeedTable
from planner.hours import WeeklyHours
from planner.matrix import TravelMatrix
from planner.network import RoadNetwork
from planner.territory import Territory
from planner.workflows.need import need_table
from planner.workflows.territory_arrays import fixed_matrix, host_index

Hosts = dict[tuple[str, str], tuple[str, str, WeeklyHours | None]]
#: cache names (``TerritoryCache.derived``)
FIXED, NEED, HOSTS, NETWORK = "fixed_matrix", "need", "hosts", "road_network"


def _network_or_none(territory: Territory) -> RoadNetwork | None:
    found = territory_network(territory)
    return found[0] if found else None


def network_of(
    cache: TerritoryCache, territory_id: str, s: Session | None = None
) -> RoadNetwork | None:
    """The territory's road network downloaded by ``milo roads`` (complete and current), or
    None (the declared estimate). Read again when the cache's manifest changes (a download or
    an import since), so the service follows the cache without a restart."""
    manifest = read_manifest(territory_folder(territory_id))
    variant = manifest.sha256 if manifest is not None and manifest.complete else None
    return cache.derived(territory_id, NETWORK, _network_or_none, s, variant=variant)


def _network_variant(network: RoadNetwork | None) -> str | None:
    return network.graph_hash if network is not None else None


def fixed_matrix_of(
    cache: TerritoryCache, territory_id: str, s: Session | None = None
) -> TravelMatrix:
    """Communes -> fixed contact points (the road network when downloaded, else the estimate)."""
    network = network_of(cache, territory_id, s)
    return cache.derived(
        territory_id,
        FIXED,
        lambda t: fixed_matrix(t, network=network),
        s,
        variant=_network_variant(network),
    )


def need_of(cache: TerritoryCache, territory_id: str, s: Session | None = None) -> NeedTable:
    """The territory's need table, built on the cached fixed-points matrix."""
    network = network_of(cache, territory_id, s)
    to_fixed = fixed_matrix_of(cache, territory_id, s)
    return cache.derived(
        territory_id,
        NEED,
        lambda t: need_table(t, to_fixed, network=network),
        s,
        variant=_network_variant(network),
    )


def hosts_of(cache: TerritoryCache, territory_id: str, s: Session | None = None) -> Hosts:
    """(commune, host name) -> (partner id, type, hours) of the territory's partners."""
    return cache.derived(territory_id, HOSTS, host_index, s)
