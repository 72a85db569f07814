"""Many-to-many travel times and distances: the :class:`TravelMatrix` and its engines.

Two methods, always declared in the result:

``"osm"``
    Each point is snapped to its nearest node of a :class:`planner.network.RoadNetwork` (the
    snap distance is reported; past ``SnapParams.warn_m`` a :class:`SnapDistanceWarning` is
    emitted, past ``SnapParams.max_m`` the points are refused), then one Dijkstra sweep per
    distinct source node runs on the CSR graph (:func:`scipy.sparse.csgraph.dijkstra`). When
    there are fewer distinct destinations than sources, the sweeps run from the destinations on
    the reversed graph instead, which gives the same answers with fewer sweeps. Times are summed
    in float seconds along the fastest path and rounded at the end; the distance is the length of
    that same fastest path.
``"estimate"``
    No network: straight-line distance x circuity factor at banded speeds
    (:mod:`planner.estimate`).

Unreachable pairs are explicit: ``reachable`` is False there and ``durations``/``distances``
hold :data:`UNREACHABLE` (-1), which is never a valid time; every consumer must check.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from planner.errors import InfeasibleError, InvalidPointsError, InvalidProblemError
from planner.estimate import EstimateParams, estimate_matrix
from planner.network import RoadNetwork, road_network_from_graph
from planner.points import check_lonlat
from planner.travel import UNREACHABLE, TravelMatrix

__all__ = [
    "UNREACHABLE",
    "MatrixCacheLike",
    "PathGeometry",
    "SnapDistanceWarning",
    "SnapParams",
    "TravelMatrix",
    "osm_matrix",
    "path_geometry",
    "travel_matrix",
]

ENGINE_VERSION = "1"
_BATCH_CELLS = 4_000_000  # sources x nodes per Dijkstra batch (~64 MB of float64 + int32)


class SnapDistanceWarning(UserWarning):
    """Some points lie farther from the road network than ``SnapParams.warn_m``."""


@dataclass(frozen=True)
class SnapParams:
    """How far a point may lie from its nearest network node.

    Parameters
    ----------
    warn_m
        Past this straight-line distance (metres), a :class:`SnapDistanceWarning` is emitted.
    max_m
        Past this distance, the points are refused with :class:`InvalidPointsError`: the
        network does not cover them.
    """

    warn_m: float = 500.0
    max_m: float = 5_000.0

    def __post_init__(self) -> None:
        if not (0 < self.warn_m <= self.max_m):
            raise InvalidProblemError(
                f"Seuils d'accrochage au réseau incohérents : alerte {self.warn_m} m, "
                f"limite {self.max_m} m.",
                hint="Choisissez 0 < warn_m <= max_m (par défaut 500 m et 5 000 m).",
            )


class MatrixCacheLike(Protocol):
    """What :func:`travel_matrix` needs from a disk cache (see ``geo_data.roads.MatrixCache``)."""

    def get(self, key: str) -> TravelMatrix | None: ...

    def put(self, key: str, matrix: TravelMatrix) -> None: ...


def _points_fr(n: int, which: str) -> str:
    """« 1 point de départ est », « 3 points de départ sont » (``which``: « de départ »...)."""
    return f"{n} points {which} sont" if n > 1 else f"{n} point {which} est"


def _snap(net: RoadNetwork, pts: np.ndarray, snap: SnapParams, which: str):
    nodes, dist = net.snap(pts)
    far = np.flatnonzero(dist > snap.max_m)
    if far.size:
        k = int(far[np.argmax(dist[far])])
        raise InvalidPointsError(
            f"{_points_fr(far.size, which)} à plus de {snap.max_m:.0f} m de toute route du réseau "
            f"(le plus loin : point {k} en ({pts[k, 0]:.4f}, {pts[k, 1]:.4f}), à "
            f"{dist[k]:.0f} m).",
            hint="Le réseau ne couvre pas ces points : chargez un extrait OSM plus large, ou "
            "vérifiez les coordonnées (lon, lat).",
        )
    warned = int(np.count_nonzero(dist > snap.warn_m))
    if warned:
        warnings.warn(
            SnapDistanceWarning(
                f"{_points_fr(warned, which)} à plus de {snap.warn_m:.0f} m du réseau routier "
                f"(maximum {dist.max():.0f} m) : temps de trajet moins sûrs."
            ),
            stacklevel=3,
        )
    return nodes, dist


def _path_lengths(net: RoadNetwork, pred: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Length of the tree path from each batch source to each target.

    ``pred`` holds one shortest-path tree per row (scipy's predecessors, negative at roots).
    Two passes over the cells ``row * n + node`` of the batch, each visited once:

    1. walk up from the targets, stopping at cells already met, to mark the union of their
       tree paths (a small part of the trees);
    2. order that union breadth-first from the roots (parents before children, one contiguous
       block per depth) and sum ``length[v] = length[parent(v)] + edge(parent(v), v)`` one
       depth at a time.

    Lengths are summed from the source outwards, edge by edge along the same fastest path.
    """
    n_src, n = pred.shape
    flat = pred.ravel()
    cells = (np.arange(n_src, dtype=np.int64)[:, None] * n + targets.astype(np.int64)).ravel()
    # 1. union of the target paths; mark[c] >= 0 once cell c is on one
    mark = np.full(n_src * n, -1, dtype=np.int64)
    cur = cells
    while cur.size:
        cur = cur[mark[cur] < 0]
        seq = np.arange(cur.size)
        mark[cur] = seq
        cur = cur[mark[cur] == seq]  # one walker per cell
        up = flat[cur]
        cur = cur[up >= 0]
        cur += up[up >= 0] - cur % n
    nodes = np.flatnonzero(mark >= 0)
    u = nodes.size
    mark[nodes] = np.arange(u)  # cell -> index in the union
    local, up_local = nodes % n, flat[nodes].astype(np.int64)
    has = np.flatnonzero(up_local >= 0)
    parent = np.full(u, u, dtype=np.int64)  # u: a virtual root above the trees' roots
    parent[has] = mark[nodes[has] + up_local[has] - local[has]]
    step = np.zeros(u + 1)
    step[has] = net.length_m[net.edge_index(up_local[has], local[has])]
    # 2. breadth-first order: the parents' ranks never decrease, so each depth is a block
    forest = csr_matrix((np.ones(u), (parent, np.arange(u))), shape=(u + 1, u + 1))
    order = breadth_first_order(forest, u, directed=True, return_predecessors=False)
    rank = np.empty(u + 1, dtype=np.int64)
    rank[order] = np.arange(u + 1)
    parent_rank = np.concatenate([[0], rank[parent[order[1:]]]])
    step = step[order]
    acc = np.zeros(u + 1)
    lo = 1
    while lo <= u:
        hi = int(np.searchsorted(parent_rank, lo, side="left"))
        acc[lo:hi] = acc[parent_rank[lo:hi]] + step[lo:hi]
        lo = hi
    return acc[rank[mark[cells]]].reshape(n_src, targets.shape[0])


def _sweep(net: RoadNetwork, sources: np.ndarray, targets: np.ndarray):
    """Fastest-path times and their lengths from each source node to each target node."""
    times = np.empty((sources.shape[0], targets.shape[0]))
    lengths = np.empty_like(times)
    batch = max(1, _BATCH_CELLS // net.n_nodes)
    for b0 in range(0, sources.shape[0], batch):
        srcs = sources[b0 : b0 + batch]
        dist, pred = dijkstra(net.time_csr, directed=True, indices=srcs, return_predecessors=True)
        times[b0 : b0 + srcs.shape[0]] = dist[:, targets]
        lengths[b0 : b0 + srcs.shape[0]] = _path_lengths(net, pred, targets)
    return times, lengths


def osm_matrix(
    network: RoadNetwork,
    src: np.ndarray,
    dst: np.ndarray,
    *,
    snap: SnapParams = SnapParams(),  # noqa: B008 - frozen dataclass
) -> TravelMatrix:
    """Travel matrix on a road network (method ``"osm"``); points already validated lon/lat."""
    src_nodes, src_d = _snap(network, src, snap, "de départ")
    dst_nodes, dst_d = _snap(network, dst, snap, "d'arrivée")
    us, inv_s = np.unique(src_nodes, return_inverse=True)
    ud, inv_d = np.unique(dst_nodes, return_inverse=True)
    if ud.shape[0] < us.shape[0]:
        t_rev, l_rev = _sweep(network.reverse, ud, us)
        times, lengths = t_rev.T, l_rev.T
    else:
        times, lengths = _sweep(network, us, ud)
    times, lengths = times[inv_s][:, inv_d], lengths[inv_s][:, inv_d]
    reachable = np.isfinite(times)
    params: dict[str, object] = {
        "source": network.source,
        "graph_hash": network.graph_hash,
        "crs": network.crs,
        "n_nodes": network.n_nodes,
        "n_edges": network.n_edges,
        "snap_warn_m": snap.warn_m,
        "snap_max_m": snap.max_m,
        "snap_src_m": tuple(int(round(d)) for d in src_d),
        "snap_dst_m": tuple(int(round(d)) for d in dst_d),
        "snap_worst_m": int(round(max(src_d.max(), dst_d.max()))),
        "n_unreachable": int(np.count_nonzero(~reachable)),
    }
    return TravelMatrix.from_seconds(times, lengths, method="osm", params=params)


def _as_network(network: Any) -> RoadNetwork:
    return network if isinstance(network, RoadNetwork) else road_network_from_graph(network)


def matrix_cache_key(
    network: RoadNetwork, src: np.ndarray, dst: np.ndarray, snap: SnapParams
) -> str:
    """Cache key of an OSM matrix: graph hash, points, snapping parameters, engine version."""
    h = hashlib.sha256()
    h.update(json.dumps([ENGINE_VERSION, network.graph_hash, snap.warn_m, snap.max_m]).encode())
    for arr in (src, dst):
        h.update(str(arr.shape).encode())
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    return h.hexdigest()[:32]


def travel_matrix(
    src_lonlat: object,
    dst_lonlat: object | None = None,
    *,
    network: Any = None,
    estimate: EstimateParams = EstimateParams(),  # noqa: B008 - frozen dataclass
    snap: SnapParams = SnapParams(),  # noqa: B008 - frozen dataclass
    cache: MatrixCacheLike | None = None,
) -> TravelMatrix:
    """Travel times (s) and distances (m) from every source to every destination.

    Parameters
    ----------
    src_lonlat, dst_lonlat
        Lon/lat WGS84 arrays of shape ``(n, 2)`` and ``(m, 2)``; ``dst_lonlat=None`` gives the
        square matrix ``src x src``.
    network
        A :class:`RoadNetwork`, or an osmnx-style graph prepared by
        ``geo_data.roads.prepare_network``; None for the declared estimate.
    estimate
        Parameters of the estimate (used only without a network).
    snap
        Snapping thresholds (used only with a network).
    cache
        Object with ``get(key)``/``put(key, matrix)`` (``geo_data.roads.MatrixCache``) to reuse
        OSM matrices across runs (the cache does the file I/O, the engine none).

    Returns
    -------
    TravelMatrix
        Shape ``(n, m)``, with its ``method`` and ``params``.
    """
    src = check_lonlat(src_lonlat, what="points de départ")
    dst = src if dst_lonlat is None else check_lonlat(dst_lonlat, what="points d'arrivée")
    if network is None:
        return estimate_matrix(src, dst, estimate)
    net = _as_network(network)
    key = matrix_cache_key(net, src, dst, snap) if cache is not None else ""
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    result = osm_matrix(net, src, dst, snap=snap)
    if cache is not None:
        cache.put(key, result)
    return result


@dataclass(frozen=True, eq=False)
class PathGeometry:
    """The line of one trip, for maps: lon/lat vertices, time, distance and method."""

    lonlat: np.ndarray
    duration_s: int
    distance_m: int
    method: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.lonlat.ndim != 2 or self.lonlat.shape[1] != 2 or self.lonlat.shape[0] < 2:
            raise InvalidProblemError(
                f"Tracé d'itinéraire invalide : forme {self.lonlat.shape}.",
                hint="Un tracé a au moins deux sommets (lon, lat).",
            )
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


def path_geometry(
    src_lonlat: object,
    dst_lonlat: object,
    *,
    network: Any = None,
    estimate: EstimateParams = EstimateParams(),  # noqa: B008 - frozen dataclass
    snap: SnapParams = SnapParams(),  # noqa: B008 - frozen dataclass
) -> PathGeometry:
    """Line of the fastest trip between two lon/lat points (straight line for the estimate).

    Raises
    ------
    InfeasibleError
        No path links the two points in the network (disconnected components).
    """
    a = check_lonlat(np.asarray(src_lonlat, dtype=float).reshape(1, 2), what="points de départ")
    b = check_lonlat(np.asarray(dst_lonlat, dtype=float).reshape(1, 2), what="points d'arrivée")
    if network is None:
        m = estimate_matrix(a, b, estimate)
        return PathGeometry(
            lonlat=np.vstack([a, b]),
            duration_s=int(m.durations[0, 0]),
            distance_m=int(m.distances[0, 0]),
            method=m.method,
            params=m.params,
        )
    net = _as_network(network)
    (s,), _ = _snap(net, a, snap, "de départ")
    (t,), _ = _snap(net, b, snap, "d'arrivée")
    dist, pred = dijkstra(net.time_csr, directed=True, indices=int(s), return_predecessors=True)
    if not np.isfinite(dist[t]):
        raise InfeasibleError(
            "Aucun itinéraire routier ne relie ces deux points (composantes du réseau séparées).",
            hint="Utilisez un réseau préparé (plus grande composante fortement connexe).",
        )
    nodes = [int(t)]
    while nodes[-1] != s:
        nodes.append(int(pred[nodes[-1]]))
    nodes.reverse()
    u, v = np.array(nodes[:-1], dtype=np.int64), np.array(nodes[1:], dtype=np.int64)
    edges = net.edge_index(u, v)
    parts = [a]
    for node, e in zip(nodes[:-1], edges.tolist(), strict=True):
        parts.append(net.lonlat[node][None, :])
        parts.append(net.geom_lonlat[net.geom_indptr[e] : net.geom_indptr[e + 1]])
    parts.extend([net.lonlat[nodes[-1]][None, :], b])
    return PathGeometry(
        lonlat=np.vstack(parts),
        duration_s=int(np.rint(dist[t])),
        distance_m=int(np.rint(net.length_m[edges].sum())),
        method="osm",
        params={"source": net.source, "graph_hash": net.graph_hash, "n_edges": len(nodes) - 1},
    )
