"""A territory over the Overpass stand-in's area, for the road-network tests.

Its communes are the Andorran parishes whose boundaries the OSM extract holds (assembled by
pyosmium from the extract's own ``boundary=administrative`` relations), each with its
town hall at the extract's town of the same name (its seat); the young population is a
declared test value (600 per parish), the team and calendar are those of the
Creusot-Montceau demo. Written in the project's territory-files format, which ``milo``
commands take as a folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import osmium
import shapely.wkb
from shapely.geometry import Point

from geo_data.demo import DEMO_DIR

WEEKDAY_HOURS = json.dumps(
    {"always_open": False, "days": [[[540, 720], [840, 1020]]] * 5 + [[], []]}
)


def parishes(pbf: Path) -> gpd.GeoDataFrame:
    factory = osmium.geom.WKBFactory()
    rows = []
    for area in osmium.FileProcessor(str(pbf)).with_areas():
        if isinstance(area, osmium.osm.Area) and area.tags.get("admin_level") == "7":
            geom = shapely.wkb.loads(factory.create_multipolygon(area), hex=True)
            rows.append({"name": area.tags.get("name"), "geometry": geom})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").sort_values("name").reset_index(drop=True)


def towns(pbf: Path) -> dict[str, tuple[float, float]]:
    """The ``place=town|village`` nodes of the extract by name (the parishes' seats)."""
    found = {}
    for node in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
        if node.tags.get("place") in ("town", "village", "city") and "name" in node.tags:
            found[node.tags["name"]] = (node.location.lon, node.location.lat)
    return found


def write_andorra_territory(pbf: Path, folder: Path) -> Path:
    frame = parishes(pbf)
    seats = towns(pbf)
    seats.setdefault("Escaldes-Engordany", seats.get("les Escaldes", (0.0, 0.0)))
    points = gpd.GeoSeries(
        [
            Point(seats[name]) if name in seats else geom.representative_point()
            for name, geom in zip(frame["name"], frame.geometry, strict=True)
        ],
        crs="EPSG:4326",
    )
    codes = [f"AD{i + 2:03d}" for i in range(len(frame))]
    communes = gpd.GeoDataFrame(
        {
            "code": codes,
            "name": frame["name"],
            "departement": "AD",
            "arrondissement": "AD",
            "epci": "andorre",
            "population": 5000,
            "young": 600.0,
            "frr_class": "non_classee",
            "qpv": False,
            "qpv_codes": "",
            "lon": points.x.round(6),
            "lat": points.y.round(6),
            "townhall_hours": WEEKDAY_HOURS,
            "townhall_phone": "",
        },
        geometry=frame.geometry.values,
        crs="EPSG:4326",
    )
    partners = gpd.GeoDataFrame(
        {
            "id": [f"mairie-{c}" for c in codes],
            "name": [f"Comú de {n}" for n in frame["name"]],
            "type": "mairie",
            "commune": codes,
            "hours": WEEKDAY_HOURS,
            "can_host_van": True,
            "power": None,
            "parking": True,
            "fixed_site": False,
            "source": "test : chef-lieu de la paroisse (OSM)",
            "phone": "",
        },
        geometry=points.values,
        crs="EPSG:4326",
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "communes.geojson").write_text(communes.to_json(drop_id=True))
    (folder / "partners.geojson").write_text(partners.to_json(drop_id=True))
    (folder / "qpv.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    meta = json.loads((DEMO_DIR / "creusot-montceau" / "meta.json").read_text())
    seat = codes[list(frame["name"]).index("Andorra la Vella")]
    i = codes.index(seat)
    meta.update(
        id="andorre-test",
        name="Andorre (test du réseau routier)",
        approximation="Territoire de test sur la zone de l'extrait OSM d'Andorre.",
        young_method="valeur de test : 600 jeunes par paroisse",
        activity_synthetic=False,
        sources=["Paroisses et routes : extrait OpenStreetMap d'Andorre (ODbL)"],
        bases=[{"id": "andorra", "name": "Base, Andorra la Vella", "commune": seat,
                "lon": float(points.x[i]), "lat": float(points.y[i]), "kind": "siege"}],
        vans=[{**meta["vans"][0], "base": "andorra", "crew": []}],
    )  # fmt: skip
    for key in ("people", "maraudes", "session_defaults", "contact"):
        meta.pop(key, None)
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return folder
