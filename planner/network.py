"""A routable road network as plain arrays (CSR), built from an osmnx-style graph.

:class:`RoadNetwork` is what the matrix engine (:mod:`planner.matrix`) works on: node
coordinates in a metric CRS (Lambert-93, EPSG:2154, in metropolitan France; the local UTM zone
overseas, see :mod:`planner.points`), and one directed edge per ordered node pair with its
travel time (float seconds) and length (float metres). Parallel edges of the source graph are
collapsed to the fastest one (ties: the shortest), which is also what ``networkx`` shortest-path
functions do on a ``MultiDiGraph``, so that both agree exactly.

:func:`road_network_from_graph` takes the graph object (no file access) produced by
:mod:`geo_data.roads` (``x``/``y`` in lon/lat on nodes; ``length`` and ``travel_time`` on
edges, as osmnx writes them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyproj
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from planner.errors import InvalidNetworkError, InvalidPointsError
from planner.points import check_lonlat, zone_of


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """Directed road network in CSR form.

    Attributes
    ----------
    node_ids
        Original node ids (OSM ids), int64, shape ``(n,)``.
    lonlat
        Node coordinates in WGS84, float64, shape ``(n, 2)``.
    xy
        Node coordinates in ``crs`` (metres), float64, shape ``(n, 2)``.
    crs
        Metric CRS of ``xy`` (``"EPSG:2154"`` in metropolitan France).
    indptr, indices
        CSR structure: the edges leaving node ``u`` go to ``indices[indptr[u]:indptr[u + 1]]``,
        sorted by target within each row.
    time_s, length_m
        Per CSR edge: travel time in seconds and length in metres (float64, finite, >= 0).
    geom_indptr, geom_lonlat
        Per CSR edge ``e``, the interior vertices of its geometry are
        ``geom_lonlat[geom_indptr[e]:geom_indptr[e + 1]]`` (lon/lat), for maps.
    source
        Short text naming the data (e.g. ``"OpenStreetMap"``).
    """

    node_ids: np.ndarray
    lonlat: np.ndarray
    xy: np.ndarray
    crs: str
    indptr: np.ndarray
    indices: np.ndarray
    time_s: np.ndarray
    length_m: np.ndarray
    geom_indptr: np.ndarray
    geom_lonlat: np.ndarray
    source: str = "OpenStreetMap"

    def __post_init__(self) -> None:
        n, m = self.node_ids.shape[0], self.indices.shape[0]
        if n == 0 or m == 0:
            raise InvalidNetworkError(
                f"Réseau routier vide : {n} nœuds et {m} tronçons.",
                hint="Chargez un extrait OSM qui contient des routes carrossables.",
            )
        shapes_ok = (
            self.lonlat.shape == (n, 2)
            and self.xy.shape == (n, 2)
            and self.indptr.shape == (n + 1,)
            and self.time_s.shape == (m,)
            and self.length_m.shape == (m,)
            and self.geom_indptr.shape == (m + 1,)
            and int(self.indptr[-1]) == m
        )
        if not shapes_ok:
            raise InvalidNetworkError(
                "Tableaux du réseau routier incohérents (tailles des nœuds et des tronçons).",
                hint="Construisez le réseau avec road_network_from_graph.",
            )
        for name in ("time_s", "length_m"):
            values = getattr(self, name)
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise InvalidNetworkError(
                    f"Valeurs {name} invalides sur des tronçons (négatives ou non finies).",
                    hint="Recalculez vitesses et temps avec geo_data.roads.prepare_network.",
                )

    @property
    def n_nodes(self) -> int:
        return int(self.node_ids.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0])

    @cached_property
    def graph_hash(self) -> str:
        """Stable hash of the routable content (ids, structure, times, lengths)."""
        h = hashlib.sha256()
        for arr in (self.node_ids, self.indptr, self.indices, self.time_s, self.length_m):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()[:20]

    @cached_property
    def time_csr(self) -> csr_matrix:
        """Travel-time matrix (seconds) in CSR form, for :mod:`scipy.sparse.csgraph`."""
        n = self.n_nodes
        return csr_matrix((self.time_s, self.indices, self.indptr), shape=(n, n))

    @cached_property
    def reverse(self) -> RoadNetwork:
        """The same network with every edge reversed (for sweeps from destinations)."""
        n = self.n_nodes
        perm = (
            csr_matrix((np.arange(1, self.n_edges + 1), self.indices, self.indptr), shape=(n, n))
            .transpose()
            .tocsr()
        )
        perm.sort_indices()
        order = perm.data - 1
        rev_geom_indptr, rev_geom = _reverse_geometries(self.geom_indptr, self.geom_lonlat, order)
        return RoadNetwork(
            node_ids=self.node_ids,
            lonlat=self.lonlat,
            xy=self.xy,
            crs=self.crs,
            indptr=perm.indptr.astype(np.int64),
            indices=perm.indices.astype(np.int64),
            time_s=self.time_s[order],
            length_m=self.length_m[order],
            geom_indptr=rev_geom_indptr,
            geom_lonlat=rev_geom,
            source=self.source,
        )

    @cached_property
    def _tree(self) -> cKDTree:
        return cKDTree(self.xy)

    def project(self, lonlat: np.ndarray) -> np.ndarray:
        """Project lon/lat points to the network's metric CRS."""
        tr = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack([x, y])

    def snap(self, lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest network node of each lon/lat point.

        Returns
        -------
        nodes, distances
            Node index (int64) and straight-line snap distance in metres (float64).
        """
        dist, idx = self._tree.query(self.project(lonlat))
        return np.asarray(idx, dtype=np.int64), np.asarray(dist, dtype=np.float64)

    def edge_index(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """CSR index of the edge ``u -> v`` for arrays of node indices (edges must exist).

        Scans each row from its start: rows are short (a few edges per node), so this costs a
        couple of vectorised steps, much less than a binary search over all edges.
        """
        pos = self.indptr[u].copy()
        todo = np.flatnonzero(self.indices[pos] != v)
        while todo.size:
            pos[todo] += 1
            if np.any(pos[todo] >= self.indptr[u[todo] + 1]):
                raise InvalidNetworkError(
                    "Tronçon absent du réseau demandé lors de la reconstruction d'un trajet.",
                    hint="Signalez ce cas : il indique un réseau incohérent.",
                )
            todo = todo[self.indices[pos[todo]] != v[todo]]
        return pos


def _reverse_geometries(
    indptr: np.ndarray, coords: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Geometries of the reversed edges: reorder by ``order`` and flip each vertex list."""
    counts = np.diff(indptr)[order]
    new_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    if coords.shape[0] == 0:
        return new_indptr, coords
    # position of each output vertex in the source array: source edge start + reversed offset
    edge_of_vertex = np.repeat(np.arange(order.shape[0]), counts)
    offset = np.arange(new_indptr[-1]) - new_indptr[edge_of_vertex]
    src_start = indptr[order][edge_of_vertex]
    src_pos = src_start + counts[edge_of_vertex] - 1 - offset
    return new_indptr, coords[src_pos]


def check_graph_crs(graph: Any) -> None:
    """Refuse a graph whose coordinates are not lon/lat WGS84 (osmnx's unprojected form)."""
    crs_text = graph.graph.get("crs", "epsg:4326")
    try:
        crs = pyproj.CRS.from_user_input(crs_text)
    except pyproj.exceptions.CRSError as exc:
        raise InvalidNetworkError(
            f"Système de coordonnées du graphe illisible : {crs_text!r}.",
            hint="Le graphe doit être en lon/lat WGS84 (EPSG:4326), comme osmnx le produit.",
        ) from exc
    if not crs.is_geographic:
        raise InvalidNetworkError(
            f"Graphe routier en coordonnées projetées ({crs_text}) ; attendu lon/lat WGS84 "
            "(EPSG:4326).",
            hint="Reprojetez-le avec osmnx.project_graph(G, to_latlong=True).",
        )


def road_network_from_graph(graph: Any, *, source: str = "OpenStreetMap") -> RoadNetwork:
    """Build a :class:`RoadNetwork` from an osmnx-style ``networkx.MultiDiGraph``.

    Parameters
    ----------
    graph
        Nodes with ``x`` (lon) and ``y`` (lat); edges with ``length`` (m) and ``travel_time``
        (s), as produced by :func:`geo_data.roads.prepare_network`. Self-loops are ignored.
    source
        Name of the data, kept for descriptions.

    Raises
    ------
    InvalidNetworkError
        Empty graph, projected coordinates, missing coordinates, missing or invalid
        ``length``/``travel_time``.
    """
    check_graph_crs(graph)
    if graph.number_of_nodes() == 0 or graph.number_of_edges() == 0:
        raise InvalidNetworkError(
            f"Réseau routier vide : {graph.number_of_nodes()} nœuds et "
            f"{graph.number_of_edges()} tronçons.",
            hint="Chargez un extrait OSM qui contient des routes carrossables.",
        )
    node_ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    index = {int(nid): i for i, nid in enumerate(node_ids.tolist())}
    try:
        lonlat = np.array([(d["x"], d["y"]) for _, d in graph.nodes(data=True)], dtype=float)
    except KeyError as exc:
        raise InvalidNetworkError(
            "Des nœuds du graphe routier n'ont pas de coordonnées x/y.",
            hint="Chargez le graphe avec geo_data.roads.load_network.",
        ) from exc
    if np.any(np.abs(lonlat[:, 0]) > 180) or np.any(np.abs(lonlat[:, 1]) > 90):
        raise InvalidNetworkError(
            "Les coordonnées des nœuds ne sont pas des degrés alors que le graphe se dit en "
            "EPSG:4326 : il semble projeté (mètres).",
            hint="Reprojetez-le avec osmnx.project_graph(G, to_latlong=True).",
        )
    try:
        zone = zone_of(check_lonlat(np.median(lonlat, axis=0)[None, :], what="nœuds du réseau"))
    except InvalidPointsError as exc:
        raise InvalidNetworkError(exc.message, hint=exc.hint) from exc

    us, vs, times, lengths, geoms = [], [], [], [], []
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        t, length = data.get("travel_time"), data.get("length")
        if t is None or length is None:
            raise InvalidNetworkError(
                f"Tronçon {u} -> {v} sans temps de parcours ni longueur (travel_time, length).",
                hint="Ajoutez vitesses et temps avec geo_data.roads.prepare_network.",
            )
        us.append(index[int(u)])
        vs.append(index[int(v)])
        times.append(float(t))
        lengths.append(float(length))
        geoms.append(data.get("geometry"))
    u_arr, v_arr = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
    t_arr, l_arr = np.array(times, dtype=float), np.array(lengths, dtype=float)
    if u_arr.size == 0:
        raise InvalidNetworkError(
            "Le graphe routier ne contient que des boucles sur un même nœud.",
            hint="Chargez un extrait OSM qui contient des routes carrossables.",
        )
    bad = ~np.isfinite(t_arr) | ~np.isfinite(l_arr) | (t_arr < 0) | (l_arr < 0)
    if bad.any():
        raise InvalidNetworkError(
            f"{int(bad.sum())} tronçons ont un temps ou une longueur négatif ou non fini.",
            hint="Recalculez vitesses et temps avec geo_data.roads.prepare_network.",
        )
    # fastest parallel edge per (u, v), ties broken by length: sort and keep the first
    order = np.lexsort((l_arr, t_arr, v_arr, u_arr))
    keep = order[np.r_[True, (np.diff(u_arr[order]) != 0) | (np.diff(v_arr[order]) != 0)]]
    n = node_ids.shape[0]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(u_arr[keep], minlength=n))])
    geom_counts, geom_parts = [], []
    for e in keep.tolist():
        interior = _interior_vertices(geoms[e])
        geom_counts.append(interior.shape[0])
        geom_parts.append(interior)
    geom_indptr = np.concatenate([[0], np.cumsum(geom_counts)]).astype(np.int64)
    geom = np.concatenate(geom_parts) if geom_indptr[-1] else np.zeros((0, 2))
    tr = pyproj.Transformer.from_crs("EPSG:4326", zone.metric_crs, always_xy=True)
    x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
    return RoadNetwork(
        node_ids=node_ids,
        lonlat=lonlat,
        xy=np.column_stack([x, y]),
        crs=zone.metric_crs,
        indptr=indptr.astype(np.int64),
        indices=v_arr[keep],
        time_s=t_arr[keep],
        length_m=l_arr[keep],
        geom_indptr=geom_indptr,
        geom_lonlat=geom,
        source=source,
    )


def _interior_vertices(geometry: Any) -> np.ndarray:
    """Interior vertices (lon/lat) of an edge geometry; none for a straight edge."""
    if geometry is None:
        return np.zeros((0, 2))
    coords = np.asarray(geometry.coords, dtype=float)
    return coords[1:-1, :2]
