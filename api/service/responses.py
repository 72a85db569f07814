"""Answer bodies built from store rows (plain dicts matching the ``*Public`` schemas)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from api.service.db.models import PartnerRow, PlanRow, TerritoryRow
from planner.amenities import amenities_text
from planner.fleet import WEEKDAYS_FR
from planner.hours import DAY_NAMES_FR, WeeklyHours
from planner.itinerary.plan_schema import VISIT, hhmm
from planner.session_labels import approach_label, kind_label, resource_label
from planner.taxonomy import PartnerType

PARIS = ZoneInfo("Europe/Paris")
#: Properties of a visit point in plan.geojson: its stored id, then the schema's geojson fields.
VISIT_PROPERTIES = ("id", *VISIT.geojson_keys)


def territory_public(
    row: TerritoryRow, partners: int, shared: dict[str, int | str]
) -> dict[str, Any]:
    """``shared``: the counts as the suppressed comparison shows them (``communes``, ``qpv``),
    so that a figure reads the same in every route and for every role."""
    meta = row.meta or {}
    return {
        "id": row.id,
        "name": row.name,
        "source_kind": row.source_kind,
        "communes": shared["communes"],
        "young": float(meta.get("young", 0.0)),
        "qpv": shared["qpv"],
        "partners": partners,
        "vans": [v["id"] for v in meta.get("vans", [])],
        "resources": [
            {
                "id": v["id"],
                "kind": v.get("kind", "vehicule"),
                "mode": v.get("mode", "voiture"),
                "base": v["base"],
                "crew": list(v.get("crew", [])),
                "working_days": [WEEKDAYS_FR[d] for d in v.get("working_days", [])],
            }
            for v in meta.get("vans", [])
        ],
        "bases": [
            {k: b[k] for k in ("id", "name", "commune", "lon", "lat", "kind")}
            for b in meta.get("bases", [])
        ],
        "young_method": str(meta.get("young_method", "")),
        "approximation": str(meta.get("approximation", "")),
    }


def partner_public(row: PartnerRow) -> dict[str, Any]:
    hours = WeeklyHours.from_json(row.hours) if row.hours else None
    return {
        "id": row.key,
        "territory_id": row.territory_id,
        "name": row.name,
        "type": row.type,
        "type_label": PartnerType(row.type).label,
        "commune": row.commune,
        "lon": row.lon,
        "lat": row.lat,
        "opening_hours": hours.describe_fr() if hours else "horaires inconnus",
        "opening_hours_minutes": row.hours,
        "can_host_van": row.can_host_van,
        "power": row.power,
        "parking": row.parking,
        "amenities": amenities_text({"power": row.power, "parking": row.parking}),
        "fixed_site": row.fixed_site,
        "source": row.source,
        "phone": row.phone,
    }


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes: they were stored in UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def plan_summary(row: PlanRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "territory_id": row.territory_id,
        "status": row.status,
        "attempts": row.attempts,
        "start": row.start.isoformat(),
        "weeks": row.weeks,
        "options": row.options,
        "parent_id": row.parent_id,
        "changes": row.changes,
        "created_at": _iso(row.created_at),
        "finished_at": _iso(row.finished_at),
        "error": row.error,
        "stage": row.stage,
        "version": row.version,
        "base_version": row.base_version,
        "created_by": row.created_by,
        "published_by": row.published_by,
        "published_at": _iso(row.published_at),
        "archived_at": _iso(row.archived_at),
    }


def plan_public_bytes(row: PlanRow) -> bytes:
    body = plan_summary(row)
    body["plan"] = row.document
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def at_paris(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Europe/Paris (a naive datetime is read as Paris time)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


def clock(date: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=PARIS) + dt.timedelta(seconds=seconds)


def map_links(lon: float, lat: float, name: str) -> dict[str, str]:
    q = quote(name)
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({q})",
        "osm": f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}",
        "google": f"https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}",
        "apple": f"https://maps.apple.com/?ll={lat:.6f},{lon:.6f}&q={q}",
        "waze": f"https://waze.com/ul?ll={lat:.6f},{lon:.6f}&navigate=yes",
    }


def next_stop_public(
    plan_id: str,
    visit: Any,
    at: dt.datetime,
    seconds: int,
    host: tuple[str, str, WeeklyHours | None] | None,
) -> dict[str, Any]:
    """The next-stop answer for ``visit`` asked at ``at`` (Paris time, ``seconds`` of day).

    ``visit`` is an :class:`api.service.plan_index.IndexedVisit` or a stored visit row.
    """
    in_progress = visit.date == at.date() and visit.start_s <= seconds
    host_body = None
    if visit.host:
        pid, kind, hours = host if host is not None else (None, None, None)
        host_body = {
            "name": visit.host,
            "partner_id": pid,
            "type": kind,
            "opening_hours": hours.describe_fr() if hours else "horaires inconnus",
            "open_during_visit": (
                hours.is_open(visit.date.weekday(), visit.start_s // 60, visit.end_s // 60)
                if hours
                else None
            ),
        }
    where = visit.host or f"Place publique, {visit.stop_name}"
    return {
        "plan_id": plan_id,
        "van": visit.van,
        "at": at.isoformat(),
        "status": "en_cours" if in_progress else "a_venir",
        "visit_id": visit.id,
        "date": visit.date.isoformat(),
        "weekday": DAY_NAMES_FR[visit.date.weekday()],
        "slot": visit.slot,
        "arrival": clock(visit.date, visit.arrival_s).isoformat(),
        "start": clock(visit.date, visit.start_s).isoformat(),
        "end": clock(visit.date, visit.end_s).isoformat(),
        "days_ahead": (visit.date - at.date()).days,
        "session": {
            "kind": visit.kind,
            "kind_label": kind_label(visit.kind),
            "approach": visit.approach,
            "approach_label": approach_label(visit.approach),
            "resource": visit.resource,
            "resource_label": resource_label(visit.resource, visit.van),
        },
        "place": {
            "stop_id": visit.stop_id,
            "name": visit.stop_name,
            "commune": visit.commune,
            "lon": visit.lon,
            "lat": visit.lat,
            "where": where,
            "times": f"{hhmm(visit.start_s)}-{hhmm(visit.end_s)}",
            "to_check": visit.to_check,
        },
        "host": host_body,
        "links": map_links(visit.lon, visit.lat, where),
    }


def session_properties(visit: dict[str, Any]) -> dict[str, Any]:
    """The GeoJSON properties that say what session a visit point is.

    ``kind`` stays the feature's own type (``visite``; a day line is ``journee``), as before
    the engine planned every approach: the visit's kind of place is ``session_kind``
    (``commune``, ``partenaire``, ``maraude``, ``evenement``); the French labels of the kind,
    the approach and the resource (« Équipe equipe-1 ») come with them.
    """
    kind = str(visit.get("kind", "commune"))
    approach = str(visit.get("approach", "vehicule_itinerant"))
    resource = str(visit.get("resource", "vehicule"))
    return {
        "kind": "visite",
        "session_kind": kind,
        "session_kind_label": kind_label(kind),
        "approach_label": approach_label(approach),
        "resource_label": resource_label(resource, str(visit["van"])),
    }


def plan_geojson(document: dict[str, Any]) -> dict[str, Any]:
    """Visits as points and van or team days as straight lines base -> stops -> base (no road
    shape); :func:`session_properties` says what each visit is."""
    features: list[dict[str, Any]] = []
    by_day: dict[tuple[str, str], list[dict[str, Any]]] = {}
    resources: dict[str, str] = {}
    for v in document["visits"]:
        by_day.setdefault((v["van"], v["date"]), []).append(v)
        resources.setdefault(str(v["van"]), str(v.get("resource", "vehicule")))
        props = {k: v[k] for k in VISIT_PROPERTIES if k in v}
        props.update(session_properties(v))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v["lon"], v["lat"]]},
                "properties": props,
            }
        )
    bases = document.get("van_bases", {})
    for day in document["days"]:
        base = bases.get(day["van"])
        stops = [[v["lon"], v["lat"]] for v in by_day.get((day["van"], day["date"]), [])]
        line = ([list(base)] if base else []) + stops + ([list(base)] if base else [])
        if len(line) < 2:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {
                    "kind": "journee",
                    "van": day["van"],
                    "resource": resources.get(str(day["van"]), "vehicule"),
                    "date": day["date"],
                    "leave_base": day["leave_base"],
                    "return_base": day["return_base"],
                    "drive_m": day["drive_m"],
                    "drive_s": day["drive_s"],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": {
            "territory": document["territory"],
            "start": document["start"],
            "weeks": document["weeks"],
            "travel_time_method": document["travel_time_method"],
            "note": "Segments droits entre les points : pas de tracé routier.",
        },
    }
