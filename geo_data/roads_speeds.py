"""Speeds, travel times and clean-up of osmnx road graphs (re-exported by :mod:`geo_data.roads`).

Speed of an edge: the OSM ``maxspeed`` tag when present and readable, otherwise the French
default of its ``highway`` class (:data:`FRENCH_DEFAULT_SPEEDS_KPH`). Travel time = length /
speed. Every edge records where its speed came from in ``speed_source`` (``"maxspeed"``,
``"default"``, or ``"fallback"`` when the class is unknown too).

French default speeds (km/h) and their grounds
----------------------------------------------
The legal limits (Code de la route) are 130 on motorways (R413-2; 110 in rain), 110 on dual
carriageways with a central separator, 80 on two-way roads without separator outside built-up
areas since 1 July 2018 (décret 2018-487; since the LOM law of 2019 a département may restore
90 on some of its roads), 50 in built-up areas (R413-3), 20 in "zones de rencontre"
(R110-2). The defaults below are typical free-flow averages a little under those limits, as
route planners use: a van does not hold 130 on a motorway, and rural primary and secondary
roads cross villages at 50.

=================  =====  ==========================================================
highway            km/h   rule behind it
=================  =====  ==========================================================
motorway           115    130 limit, heavy vehicles and vans slower
trunk              95     110 on dual carriageways, 80 on two-way sections
primary            75     80 outside, 50 through villages
secondary          70     80 outside, 50 through villages
tertiary           60     80 limit on narrow roads
unclassified       50     narrow rural lanes, 80 limit rarely reached
residential        30     50 limit in built-up areas, often zone 30
living_street      20     zone de rencontre, 20 limit
service            20     access roads, car parks
road               40     unknown class
*_link             40-60  ramps and slip roads
=================  =====  ==========================================================

``maxspeed`` values understood: numbers (``"50"``), ``"50 mph"``, ``"30 km/h"``, the French
implicit values ``"FR:urban"`` (50), ``"FR:rural"`` (80), ``"FR:motorway"`` (130),
``"FR:zone30"``, ``"FR:walk"``, ``"FR:living_street"``, ``"walk"``, and lists
(``"50;70"``, ``"50|70"``, osmnx lists) averaged; ``"none"``, ``"signals"`` and anything else
count as absent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import networkx as nx

from planner.errors import InvalidNetworkError
from planner.network import check_graph_crs

FRENCH_DEFAULT_SPEEDS_KPH: MappingProxyType[str, float] = MappingProxyType(
    {
        "motorway": 115.0,
        "motorway_link": 60.0,
        "trunk": 95.0,
        "trunk_link": 50.0,
        "primary": 75.0,
        "primary_link": 45.0,
        "secondary": 70.0,
        "secondary_link": 40.0,
        "tertiary": 60.0,
        "tertiary_link": 40.0,
        "unclassified": 50.0,
        "residential": 30.0,
        "living_street": 20.0,
        "service": 20.0,
        "road": 40.0,
    }
)
"""Default speed per OSM ``highway`` class in France (km/h); see the module docstring."""

FALLBACK_SPEED_KPH = FRENCH_DEFAULT_SPEEDS_KPH["road"]

FRENCH_IMPLICIT_MAXSPEED: MappingProxyType[str, float] = MappingProxyType(
    {
        "fr:urban": 50.0,
        "fr:rural": 80.0,
        "fr:trunk": 110.0,
        "fr:motorway": 130.0,
        "fr:zone30": 30.0,
        "fr:zone:30": 30.0,
        "fr:zone20": 20.0,
        "fr:living_street": 20.0,
        "fr:walk": 6.0,
        "walk": 6.0,
    }
)

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")
_SOURCE_RANK = {"maxspeed": 0, "given": 0, "default": 1, "fallback": 2}


def parse_maxspeed(value: Any) -> float | None:
    """Speed in km/h read from an OSM ``maxspeed`` value, or None when absent or unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        parts = re.split(r"[;|,]", str(value).strip("[]"))
    speeds = []
    for part in parts:
        text = part.strip().strip("'\"").lower()
        if text in FRENCH_IMPLICIT_MAXSPEED:
            speeds.append(FRENCH_IMPLICIT_MAXSPEED[text])
            continue
        match = _NUMBER.match(text)
        if match:
            speed = float(match.group(1).replace(",", "."))
            if match.group(2) == "mph":
                speed *= 1.609344
            if speed > 0:
                speeds.append(speed)
    return sum(speeds) / len(speeds) if speeds else None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("["):
        return [p.strip().strip("'\"") for p in text.strip("[]").split(",") if p.strip()]
    return [text]


def default_speed(highway: Any, speeds: MappingProxyType[str, float]) -> float | None:
    """Mean default speed of the edge's highway class(es), None if none is known."""
    known = [speeds[h] for h in _as_list(highway) if h in speeds]
    return sum(known) / len(known) if known else None


def is_drivable_class(highway: Any, speeds: MappingProxyType[str, float]) -> bool:
    """Whether at least one of the edge's highway classes is a drivable road class."""
    return any(h in speeds for h in _as_list(highway))


def edge_speed(data: dict[str, Any], speeds: MappingProxyType[str, float]) -> tuple[float, str]:
    """Speed (km/h) of one edge and where it came from."""
    speed = parse_maxspeed(data.get("maxspeed"))
    if speed is not None:
        return speed, "maxspeed"
    speed = default_speed(data.get("highway"), speeds)
    if speed is not None:
        return speed, "default"
    return FALLBACK_SPEED_KPH, "fallback"


def add_speeds(G: nx.MultiDiGraph, *, speeds=FRENCH_DEFAULT_SPEEDS_KPH) -> None:
    """Set ``speed_kph``, ``travel_time`` (s) and ``speed_source`` on edges lacking them."""
    for u, v, data in G.edges(data=True):
        if _has_valid_time(data):
            data.setdefault("speed_source", "given")
            continue
        length = data.get("length")
        if length is None or not math.isfinite(float(length)) or float(length) < 0:
            raise InvalidNetworkError(
                f"Tronçon {u} -> {v} sans longueur valide (attribut length : {length!r}).",
                hint="Rechargez le graphe avec geo_data.roads.load_network ou osmnx.",
            )
        speed, source = edge_speed(data, speeds)
        data["speed_kph"] = speed
        data["travel_time"] = float(length) / (speed / 3.6)
        data["speed_source"] = source


def _has_valid_time(data: dict[str, Any]) -> bool:
    t, s = data.get("travel_time"), data.get("speed_kph")
    try:
        return t is not None and s is not None and math.isfinite(float(t)) and float(t) >= 0
    except (TypeError, ValueError):
        return False


def worst_speed_source(values: list[str]) -> str:
    """Aggregate ``speed_source`` over merged edges: the least reliable one."""
    return max(values, key=lambda s: _SOURCE_RANK.get(s, 3))


@dataclass(frozen=True)
class NetworkReport:
    """What :func:`prepare_network` kept, dropped and assumed.

    Attributes
    ----------
    nodes_in, edges_in
        Size of the graph received.
    nodes, edges
        Size of the routable graph returned (largest strongly connected component).
    non_drivable_edges
        Edges dropped because no highway class of theirs is drivable.
    components
        Number of strongly connected components found.
    dropped_nodes, dropped_edges
        Nodes and edges outside the largest component (dropped).
    speed_sources
        Edge counts by origin of the speed: maxspeed, default, fallback, given.
    """

    nodes_in: int
    edges_in: int
    nodes: int
    edges: int
    non_drivable_edges: int
    components: int
    dropped_nodes: int
    dropped_edges: int
    speed_sources: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def describe_fr(self) -> str:
        """One French sentence for logs and reports."""
        sources = ", ".join(f"{k} : {v}" for k, v in sorted(self.speed_sources.items()))
        return (
            f"Réseau routier : {self.nodes} nœuds et {self.edges} tronçons conservés sur "
            f"{self.nodes_in} et {self.edges_in} ; {self.components} composante(s) fortement "
            f"connexe(s), {self.dropped_nodes} nœuds et {self.dropped_edges} tronçons écartés "
            f"hors de la plus grande ; {self.non_drivable_edges} tronçons non carrossables "
            f"retirés ; origine des vitesses ({sources})."
        )


def prepare_network(
    G: nx.MultiDiGraph, *, speeds=FRENCH_DEFAULT_SPEEDS_KPH
) -> tuple[nx.MultiDiGraph, NetworkReport]:
    """Make an osmnx graph routable: speeds, travel times, largest strongly connected component.

    Parameters
    ----------
    G
        osmnx-style MultiDiGraph in lon/lat (EPSG:4326); not modified.
    speeds
        Default speed per highway class (km/h) where ``maxspeed`` is missing.

    Returns
    -------
    graph, report
        A copy restricted to the largest strongly connected component, every edge with
        ``speed_kph``, ``travel_time`` and ``speed_source``; and what was dropped.

    Raises
    ------
    InvalidNetworkError
        Empty graph, projected coordinates, no drivable way, missing lengths.
    """
    check_graph_crs(G)
    nodes_in, edges_in = G.number_of_nodes(), G.number_of_edges()
    if nodes_in == 0 or edges_in == 0:
        raise InvalidNetworkError(
            f"Réseau routier vide : {nodes_in} nœuds et {edges_in} tronçons.",
            hint="Chargez un extrait OSM qui couvre le territoire (routes carrossables).",
        )
    H = G.copy()
    non_drivable = [
        (u, v, k)
        for u, v, k, d in H.edges(keys=True, data=True)
        if "highway" in d and not is_drivable_class(d["highway"], speeds)
    ]
    H.remove_edges_from(non_drivable)
    if H.number_of_edges() == 0:
        raise InvalidNetworkError(
            f"Aucune voie carrossable dans le réseau ({edges_in} tronçons, tous non "
            "carrossables : chemins, pistes cyclables, trottoirs...).",
            hint="Téléchargez le réseau de type 'drive' (voitures) avec osmnx.",
        )
    add_speeds(H, speeds=speeds)
    components = list(nx.strongly_connected_components(H))
    largest = max(components, key=len)
    R = H.subgraph(largest).copy()
    if R.number_of_edges() == 0:
        raise InvalidNetworkError(
            f"Aucun circuit dans le réseau : ses {len(components)} composantes fortement "
            "connexes sont des nœuds isolés (sens uniques sans retour possible).",
            hint="Chargez un extrait plus large, où l'on peut aller et revenir.",
        )
    report = NetworkReport(
        nodes_in=nodes_in,
        edges_in=edges_in,
        nodes=R.number_of_nodes(),
        edges=R.number_of_edges(),
        non_drivable_edges=len(non_drivable),
        components=len(components),
        dropped_nodes=H.number_of_nodes() - R.number_of_nodes(),
        dropped_edges=H.number_of_edges() - R.number_of_edges(),
        speed_sources=MappingProxyType(
            dict(Counter(str(d["speed_source"]) for _, _, d in R.edges(data=True)))
        ),
    )
    return R, report
