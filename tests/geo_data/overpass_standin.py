"""A local Overpass API stand-in for the tests: real OSM data, osmnx's own queries.

It serves ``POST <url>/interpreter`` on 127.0.0.1 from an OSM extract (the Andorra one of
``../shared/geo_data/osm``): it reads the Overpass QL that osmnx sends
(``[out:json]...;(way["highway"]["area"!~"yes"]...(poly:"lat lon ...");>;);out;``), applies
its tag filters (``["k"]``, ``["k"="v"]``, ``["k"!="v"]``, ``["k"~"re"]``, ``["k"!~"re"]``
with Overpass's semantics: a negated filter also matches a missing tag) and its polygon (a way
is kept when one of its nodes is inside), adds the ways' nodes (``>``) and answers Overpass's
JSON with the extract's replication timestamp as ``osm3s.timestamp_osm_base``. ``fail_first``
answers the first requests with HTTP 500, to exercise the download's retries.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import osmium
import shapely
from shapely.geometry import Polygon

_FILTER = re.compile(r'\["([^"]+)"(?:(!?~|!?=)"([^"]*)")?\]')
_QUERY = re.compile(r"""\(way((?:\[[^\]]*\])*)\(poly:["']([^"']+)["']\);>;\);out;""")


class OsmExtract:
    """Nodes and ways of an OSM file, in memory."""

    def __init__(self, path: Path) -> None:
        self.timestamp = (
            osmium.io.Reader(str(path)).header().get("osmosis_replication_timestamp")
            or "2013-01-01T00:00:00Z"
        )
        ids, lonlat, self.ways = [], [], []
        for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY):
            if isinstance(obj, osmium.osm.Node) and obj.location.valid():
                ids.append(obj.id)
                lonlat.append((obj.location.lon, obj.location.lat))
            elif isinstance(obj, osmium.osm.Way):
                self.ways.append((obj.id, [n.ref for n in obj.nodes], dict(obj.tags)))
        self.node_ids = np.array(ids, dtype=np.int64)
        self.lonlat = np.array(lonlat, dtype=float)
        self.index = {int(n): i for i, n in enumerate(ids)}


def _matches(tags: dict[str, str], filters: list[tuple[str, str, str]]) -> bool:
    for key, op, value in filters:
        have = tags.get(key)
        if op == "":
            ok = have is not None
        elif op == "=":
            ok = have == value
        elif op == "!=":
            ok = have != value
        elif op == "~":
            ok = have is not None and re.search(value, have) is not None
        else:  # "!~"
            ok = have is None or re.search(value, have) is None
        if not ok:
            return False
    return True


def answer(extract: OsmExtract, query: str) -> dict:
    """The Overpass JSON answer of one osmnx network query."""
    found = _QUERY.search(query)
    if not found:
        raise ValueError(f"requête non prise en charge : {query[:200]}")
    filters = [(k, op or "", v or "") for k, op, v in _FILTER.findall(found.group(1))]
    coords = np.array(found.group(2).split(), dtype=float).reshape(-1, 2)[:, ::-1]
    inside = shapely.contains_xy(Polygon(coords), extract.lonlat[:, 0], extract.lonlat[:, 1])
    elements, wanted = [], set()
    for way_id, refs, tags in extract.ways:
        rows = [extract.index[r] for r in refs if r in extract.index]
        if len(rows) == len(refs) and inside[rows].any() and _matches(tags, filters):
            elements.append({"type": "way", "id": way_id, "nodes": refs, "tags": tags})
            wanted.update(rows)
    nodes = [
        {"type": "node", "id": int(extract.node_ids[i]),
         "lat": float(extract.lonlat[i, 1]), "lon": float(extract.lonlat[i, 0])}
        for i in sorted(wanted)
    ]  # fmt: skip
    return {
        "version": 0.6,
        "generator": "milo-nomade test stand-in",
        "osm3s": {"timestamp_osm_base": extract.timestamp, "copyright": "© OpenStreetMap"},
        "elements": nodes + elements,
    }


class OverpassStandIn:
    """The stand-in server: ``url`` is what ``MILO_OVERPASS_URL`` takes."""

    def __init__(self, extract: OsmExtract, *, fail_first: int = 0) -> None:
        self.extract, self.fail_first = extract, fail_first
        self.queries: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                query = urllib.parse.parse_qs(body.decode())["data"][0]
                standin.queries.append(query)
                if len(standin.queries) <= standin.fail_first:
                    self._send(500, b'{"remark": "runtime error: stand-in failure"}')
                    return
                try:
                    payload = json.dumps(answer(standin.extract, query)).encode()
                except ValueError as exc:  # Overpass answers a bad query with HTTP 400
                    self._send(400, json.dumps({"remark": str(exc)}).encode())
                    return
                self._send(200, payload)

            def _send(self, code: int, payload: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def __enter__(self) -> OverpassStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
