"""Parse raw OSM data (XML, bz2 XML, PBF) into an osmnx road graph (used by :mod:`geo_data.roads`).

:func:`graph_from_osm_bytes` is a pure parser: bytes in, graph out. It reads the data with
pyosmium (one code path for the three formats), keeps the drivable ways (the same filter as
osmnx's ``network_type="drive"``) whose nodes are all present in the data (real extracts are
clipped at their border), and builds the graph through osmnx's own graph constructor, so the
result has exactly osmnx's form (``x``/``y`` on nodes; ``osmid``, ``highway``, ``oneway``,
``reversed``, ``length`` on edges; one-way rules applied).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import osmium

from planner.errors import DataSourceError, InvalidNetworkError

# osmnx's "drive" network filter (osmnx._overpass._get_network_filter), as exact sets
EXCLUDED_HIGHWAYS = frozenset(
    {
        "abandoned", "bridleway", "bus_guideway", "construction", "corridor", "cycleway",
        "elevator", "escalator", "footway", "no", "path", "pedestrian", "planned", "platform",
        "proposed", "raceway", "razed", "rest_area", "service", "services", "steps", "track",
    }
)  # fmt: skip
EXCLUDED_SERVICES = frozenset(
    {"alley", "driveway", "emergency_access", "parking", "parking_aisle", "private"}
)

OSM_FORMATS = {".osm": "osm", ".osm.bz2": "osm.bz2", ".osm.pbf": "pbf", ".pbf": "pbf"}


def is_drivable(tags: dict[str, str]) -> bool:
    """Whether an OSM way is a public drivable road (osmnx ``"drive"`` semantics)."""
    highway = tags.get("highway")
    if highway is None or highway in EXCLUDED_HIGHWAYS:
        return False
    if tags.get("area") == "yes" or "private" in tags.get("access", ""):
        return False
    if tags.get("motor_vehicle") == "no" or tags.get("motorcar") == "no":
        return False
    return tags.get("service") not in EXCLUDED_SERVICES


@dataclass(frozen=True)
class ParseReport:
    """Counts of what the parser kept and dropped."""

    ways_total: int
    ways_drivable: int
    ways_clipped: int
    nodes: int


def _read_ways(data: bytes, fmt: str) -> tuple[list[dict[str, Any]], int]:
    ways, total = [], 0
    for obj in osmium.FileProcessor(osmium.io.FileBuffer(data, fmt), osmium.osm.WAY):
        if not isinstance(obj, osmium.osm.Way):
            continue
        total += 1
        tags = dict(obj.tags)
        if is_drivable(tags):
            nodes = [n.ref for n in obj.nodes]
            ways.append({"type": "way", "id": obj.id, "nodes": nodes, "tags": tags})
    return ways, total


def _read_nodes(data: bytes, fmt: str, wanted: set[int]) -> dict[int, dict[str, Any]]:
    nodes = {}
    for obj in osmium.FileProcessor(osmium.io.FileBuffer(data, fmt), osmium.osm.NODE):
        if not isinstance(obj, osmium.osm.Node):
            continue
        if obj.id in wanted and obj.location.valid():
            nodes[obj.id] = {
                "type": "node",
                "id": obj.id,
                "lon": obj.location.lon,
                "lat": obj.location.lat,
                "tags": dict(obj.tags),
            }
    return nodes


def graph_from_osm_bytes(
    data: bytes, fmt: str, *, name: str = "données OSM"
) -> tuple[nx.MultiDiGraph, ParseReport]:
    """Build the raw (unsimplified) drivable road graph from OSM data.

    Parameters
    ----------
    data
        File content.
    fmt
        ``"osm"`` (XML), ``"osm.bz2"`` or ``"pbf"``.
    name
        Name of the source for messages (usually the file name).

    Returns
    -------
    graph, report
        osmnx-style MultiDiGraph (lon/lat, ``length`` in metres), and parse counts.

    Raises
    ------
    DataSourceError
        The bytes are not readable OSM data in that format.
    InvalidNetworkError
        No drivable way with all its nodes present.
    """
    from osmnx import graph as ox_graph

    try:
        ways, total = _read_ways(data, fmt)
        wanted = {ref for way in ways for ref in way["nodes"]}
        nodes = _read_nodes(data, fmt, wanted)
    except RuntimeError as exc:
        raise DataSourceError(
            f"Fichier OSM illisible ({name}, format {fmt}) : {exc}.",
            hint="Vérifiez le fichier (extension .osm, .osm.bz2 ou .osm.pbf et contenu).",
        ) from exc
    complete = [w for w in ways if all(ref in nodes for ref in w["nodes"])]
    report = ParseReport(
        ways_total=total,
        ways_drivable=len(ways),
        ways_clipped=len(ways) - len(complete),
        nodes=len(nodes),
    )
    if not complete:
        raise InvalidNetworkError(
            f"Aucune voie carrossable complète dans {name} ({total} voies lues, "
            f"{len(ways)} carrossables, {report.ways_clipped} coupées par le bord de l'extrait).",
            hint="Chargez un extrait OSM avec des routes (highway=primary, residential...).",
        )
    used = {ref for way in complete for ref in way["nodes"]}
    elements = [nodes[ref] for ref in used] + complete
    G = ox_graph._create_graph([{"elements": elements}], bidirectional=False)
    G.graph["source"] = name
    return G, report


def simplify_with_times(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """osmnx topology simplification that sums ``length`` and ``travel_time`` of merged edges."""
    import osmnx as ox

    from geo_data.roads_speeds import worst_speed_source

    S = ox.simplify_graph(
        G,
        edge_attr_aggs={
            "length": sum,
            "travel_time": sum,
            "speed_source": worst_speed_source,
        },
    )
    for _, _, d in S.edges(data=True):
        if isinstance(d.get("speed_kph"), list):
            d["speed_kph"] = d["length"] / d["travel_time"] * 3.6 if d["travel_time"] else 0.0
    return S
