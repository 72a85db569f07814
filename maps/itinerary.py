"""Itinerary map of a plan: numbered stops, day routes, bases, a layer per week.

Colours: one per weekday when the plan has a single van, one per van or team otherwise
(``color_by``). Marker shapes: one per kind of session (van stop, partner session, maraude,
event: :mod:`maps.sessions`), each popup saying the kind, the approach and who holds it.
Routes follow the roads when a van-day carries a ``geometry`` (list of ``[lon, lat]``, written
when the plan used an OSM network); otherwise they are dashed straight lines marked
« trajet estimé »; a team's day is dotted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import folium

from maps.assets import RawHtml, figure_of
from maps.base import (
    PALETTE,
    Legend,
    add_communes,
    esc,
    finish,
    frame_bounds,
    frr_layer,
    frr_legend_items,
    line,
    new_map,
    popup_table,
    qpv_layer,
    swatch,
)
from maps.plan_input import (
    SLOT_LABELS,
    WEEKDAYS_FR,
    NumberedVisit,
    date_fr,
    numbered_visits,
    period_label,
    plan_between,
    plan_start,
    van_bases,
    week_label,
)
from maps.safe_text import SafePopup, SafeTooltip
from maps.sessions import (
    SESSION_CSS,
    TEAM_DASH,
    TEAM_ROUTE,
    host_text,
    icon_class,
    kind_legend,
    kind_of,
    resource_of,
    session_rows,
    stop_icon_html,
    travel_modes,
    who,
)
from planner.errors import InvalidSpecError
from planner.hours import WeeklyHours
from planner.itinerary.plan_schema import check_plan_json
from planner.taxonomy import FrrClass
from planner.territory import Territory

COLOR_BY = ("auto", "day", "van")
ESTIMATED = "trajet estimé (ligne droite, pas le tracé routier)"
ROAD = "trajet sur le réseau routier (OSM)"


def _color_key(color_by: str, plan: dict[str, Any]) -> str:
    if color_by not in COLOR_BY:
        raise InvalidSpecError(
            f"Couleurs par {color_by!r} inconnu (attendu : {', '.join(COLOR_BY)}).",
            hint="Choisissez « day » (un jour, une couleur) ou « van » (un véhicule, une couleur).",
        )
    if color_by != "auto":
        return color_by
    vans = {str(v["van"]) for v in plan["visits"]} | {str(d["van"]) for d in plan["days"]}
    return "day" if len(vans) <= 1 else "van"


class _Colors:
    def __init__(self, key: str, plan: dict[str, Any]) -> None:
        self.key = key
        vans = sorted(
            {str(v["van"]) for v in plan["visits"]} | {str(d["van"]) for d in plan["days"]}
        )
        self.vans = {van: PALETTE[i % len(PALETTE)] for i, van in enumerate(vans)}

    def of(self, van: str, date: dt.date) -> str:
        if self.key == "van":
            return self.vans[van]
        return PALETTE[date.weekday() % len(PALETTE)]

    def legend(self, dates: set[dt.date], names: dict[str, str]) -> list[tuple[str, str]]:
        if self.key == "van":
            return [(swatch(c), names.get(van, f"Véhicule {van}")) for van, c in self.vans.items()]
        days = sorted({d.weekday() for d in dates})
        return [(swatch(PALETTE[d % len(PALETTE)]), WEEKDAYS_FR[d].capitalize()) for d in days]


def host_hours(
    territory: Territory | None, visit: dict[str, Any], *, day_only: bool = False
) -> str:
    """The opening hours of the visit's host (``day_only``: on the visit's weekday only)."""
    host = visit.get("host")
    if not host or territory is None:
        return ""
    p = territory.partners
    match = p[(p["name"] == host) & (p["commune"].astype(str) == str(visit["commune"]))]
    if match.empty:
        match = p[p["name"] == host]
    if match.empty or not isinstance(match.iloc[0]["hours"], WeeklyHours):
        return ""
    weekday = dt.date.fromisoformat(str(visit["date"])[:10]).weekday() if day_only else None
    return match.iloc[0]["hours"].describe_fr(weekday)


def commune_name(territory: Territory | None, code: str) -> str:
    if territory is not None and code in territory.communes.index:
        return f"{territory.communes.loc[code, 'name']} ({code})"
    return code


def need_text(visit: dict[str, Any]) -> str:
    parts = []
    if visit.get("need") is not None:
        parts.append(f"{float(visit['need']):.1f}".replace(".", ","))
    if visit.get("frr_class"):
        try:
            parts.append(FrrClass(str(visit["frr_class"])).label)
        except ValueError:
            parts.append(str(visit["frr_class"]))
    if visit.get("qpv"):
        parts.append("QPV")
    return " · ".join(parts)


def stop_reasons(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Stop id -> its row of the plan's ``stops`` table (empty for plans written before it)."""
    return {str(s["stop_id"]): s for s in plan.get("stops") or ()}


def stop_popup(
    stop: NumberedVisit,
    territory: Territory | None,
    reason: dict[str, Any] | None = None,
    modes: dict[str, str] | None = None,
) -> SafePopup:
    """Kind of session, approach, who holds it, date, slot, times, place, host and its opening
    hours, need served; with the stop's row of the ``stops`` table, its frequency and why it is
    in the plan (text escaped as HTML)."""
    v = stop.visit
    reason = reason or {}
    why = reason.get("why") or ()
    rows = [
        *session_rows(v, modes or {}),
        ("Date", date_fr(stop.date)),
        ("Créneau", SLOT_LABELS.get(str(v["slot"]), str(v["slot"]))),
        ("Arrivée", v["arrival"]),
        ("Séance", f"{v['start']} – {v['end']}"),
        ("Lieu", v["stop_name"]),
        ("Commune", commune_name(territory, str(v["commune"]))),
        ("Hôte", host_text(v)),
        ("Horaires de l'hôte", host_hours(territory, v)),
        ("Sur place", v.get("to_check", "")),
        ("Valeur de la visite", need_text(v)),
        ("Fréquence", reason.get("frequency", "")),
        ("Pourquoi", " ; ".join(str(w) for w in why)),
    ]
    title = "Arrêt" if kind_of(v) == "commune" else "Séance"
    return popup_table(f"{title} n° {stop.number} — {v['stop_name']}", rows)


def _stop_marker(
    stop: NumberedVisit,
    color: str,
    territory: Territory | None,
    reason: dict[str, Any] | None,
    modes: dict[str, str],
) -> folium.Marker:
    v = stop.visit
    icon = folium.DivIcon(
        html=stop_icon_html(stop.number, color),
        icon_size=(22, 22),
        icon_anchor=(11, 11),
        class_name=icon_class(v),
    )
    kind = session_rows(v, modes)[0][1]
    return folium.Marker(
        [float(v["lat"]), float(v["lon"])],
        icon=icon,
        popup=stop_popup(stop, territory, reason, modes),
        tooltip=SafeTooltip(
            f"{stop.number}. {v['stop_name']} — {kind}, {who(v, modes)}, {date_fr(stop.date)} "
            f"{v['start']}"
        ),
    )


def _dotted(color: str) -> str:
    """A dotted line sample (a team's day) for a legend entry."""
    return f'<span class="ln" style="border-top:3px dotted {esc(color)}"></span>'


def _day_route(
    day: dict[str, Any], stops: list[NumberedVisit], base: tuple[float, float] | None
) -> tuple[list[list[float]], bool]:
    """(lat/lon points, follows roads) of one van-day."""
    geometry = day.get("geometry")
    if geometry:
        return [[float(lat), float(lon)] for lon, lat in geometry], True
    points = [[float(s.visit["lat"]), float(s.visit["lon"])] for s in stops]
    if base is not None:
        here = [base[1], base[0]]
        points = [here, *points, here]
    return points, False


def _add_bases(m: folium.Map, plan: dict[str, Any], territory: Territory | None) -> None:
    group = folium.FeatureGroup(name="Bases (siège, antennes)", show=True)
    seen: set[tuple[float, float]] = set()
    named = {(b.lon, b.lat): b for b in territory.bases} if territory is not None else {}
    vans_at: dict[tuple[float, float], list[str]] = defaultdict(list)
    for van, lonlat in van_bases(plan, territory).items():
        vans_at[lonlat].append(van)
    for lonlat, vans in vans_at.items():
        if lonlat in seen:
            continue
        seen.add(lonlat)
        base = named.get(lonlat)
        title = base.name if base is not None else "Base"
        kind = ("siège" if base.kind == "siege" else "antenne") if base is not None else ""
        folium.Marker(
            [lonlat[1], lonlat[0]],
            icon=folium.DivIcon(
                html='<div class="milo-base">B</div>',
                icon_size=(20, 20),
                icon_anchor=(10, 10),
                class_name="milo-base-icon",
            ),
            popup=popup_table(
                title, [("Type", kind), ("Véhicules et équipes", ", ".join(sorted(vans)))]
            ),
            tooltip=SafeTooltip(f"Base : {title}"),
        ).add_to(group)
    group.add_to(m)


def itinerary_map(
    plan: dict[str, Any],
    territory: Territory | None = None,
    *,
    color_by: str = "auto",
    between: tuple[dt.date, dt.date] | None = None,
) -> folium.Map:
    """The itinerary map of a ``plan.json`` dict (or of one day or week of it).

    Parameters
    ----------
    plan
        The plan document (schema: :mod:`planner.itinerary.plan_schema`).
    territory
        For commune outlines, FRR/QPV layers, host hours and base names; optional.
    color_by
        ``auto`` (per weekday for one van, per van otherwise), ``day`` or ``van``.
    between
        ``(first, last)`` dates: only the visits and routes of those days, numbered from 1,
        the map framed on them (:func:`maps.plan_input.plan_between`).
    """
    check_plan_json(plan)
    if between is not None:
        plan = plan_between(plan, *between)
    colors = _Colors(_color_key(color_by, plan), plan)
    modes = travel_modes(territory)
    resources = {str(v["van"]): resource_of(v) for v in plan["visits"]}
    stops = numbered_visits(plan)
    bases = van_bases(plan, territory)
    if territory is not None and (between is None or not stops):
        bounds = frame_bounds(territory.communes)
    else:
        # a day's or a week's map frames its stops and their bases
        used = {str(s.visit["van"]) for s in stops} if between is not None and stops else bases
        pts = [(float(s.visit["lon"]), float(s.visit["lat"])) for s in stops] + [
            bases[van] for van in sorted(set(used) & set(bases))
        ]
        if not pts:
            raise InvalidSpecError(
                "Plan sans visite ni base : rien à cartographier.",
                hint="Donnez le territoire (contours) ou un plan qui contient des visites.",
            )
        lons, lats = zip(*pts, strict=True)
        bounds = (min(lons), min(lats), max(lons), max(lats))
    m = new_map(bounds)
    if territory is not None:
        add_communes(m, territory.communes)
        frr_layer(territory.communes, show=False).add_to(m)
        qpv_layer(territory.qpv, show=False).add_to(m)

    monday = plan_start(plan)
    by_day: dict[tuple[str, str], list[NumberedVisit]] = defaultdict(list)
    for s in stops:
        by_day[(str(s.visit["van"]), s.visit["date"])].append(s)
    weeks: dict[int, folium.FeatureGroup] = {}

    def week_group(week: int) -> folium.FeatureGroup:
        if week not in weeks:
            weeks[week] = folium.FeatureGroup(name=week_label(monday, week), show=True)
        return weeks[week]

    kinds: set[bool] = set()
    team_days = 0
    for day in sorted(plan["days"], key=lambda d: (d["date"], str(d["van"]))):
        date = dt.date.fromisoformat(day["date"])
        day_stops = sorted(
            by_day.get((str(day["van"]), day["date"]), []), key=lambda s: s.visit["start"]
        )
        points, on_roads = _day_route(day, day_stops, bases.get(str(day["van"])))
        if len(points) < 2:
            continue
        van = str(day["van"])
        team = resources.get(van, resource_of(day)) == "equipe"
        color = colors.of(van, date)
        km = float(day["drive_m"]) / 1000
        name = who({"van": van, "resource": "equipe" if team else "vehicule"}, modes)
        if team:
            team_days += 1
        else:
            kinds.add(on_roads)
        how = TEAM_ROUTE if team else (ROAD if on_roads else ESTIMATED)
        tip = (
            f"{name} — {date_fr(date)} : départ {day['leave_base']}, retour "
            f"{day['return_base']}, {km:.0f} km — {how}"
        )
        folium.PolyLine(
            points,
            color=color,
            weight=4 if on_roads or team else 3,
            opacity=0.85,
            dash_array=TEAM_DASH if team else (None if on_roads else "8 6"),
            line_cap="round",
            tooltip=SafeTooltip(tip),
            class_name=(
                "milo-route milo-route-team"
                if team
                else ("milo-route" if on_roads else "milo-route milo-route-estimated")
            ),
        ).add_to(week_group((date - monday).days // 7))
    reasons = stop_reasons(plan)
    for s in stops:
        color = colors.of(str(s.visit["van"]), s.date)
        reason = reasons.get(str(s.visit["stop_id"]))
        _stop_marker(s, color, territory, reason, modes).add_to(week_group(s.week))
    for week in sorted(weeks):
        weeks[week].add_to(m)
    _add_bases(m, plan, territory)

    title = f"Tournées — {plan.get('territory', '')}"
    legend = Legend(title if between is None else f"{title} — {period_label(*between)}")
    names = {van: who({"van": van, "resource": r}, modes) for van, r in resources.items()}
    teams = "equipe" in resources.values()
    legend.add(
        "Couleurs : "
        + (("véhicules et équipes" if teams else "véhicules") if colors.key == "van" else "jours"),
        colors.legend({s.date for s in stops}, names),
    )
    trips = [(line("#333"), ROAD)] if True in kinds else []
    if False in kinds or not (kinds or team_days):
        trips.append((line("#333", dashed=True), ESTIMATED))
    if team_days:
        trips.append((_dotted("#333"), TEAM_ROUTE))
    legend.add("Trajets", trips)
    counts: dict[str, int] = defaultdict(int)
    for s in stops:
        counts[kind_of(s.visit)] += 1
    legend.add(f"Séances numérotées ({len(stops)} visites)", kind_legend(set(counts), counts))
    legend.add(
        "Repères",
        [('<span class="sw" style="background:#222"></span>', "Base (siège ou antenne)")],
    )
    figure_of(m).header.add_child(RawHtml(SESSION_CSS), name="milo_session_css")
    if territory is not None:
        legend.add("Classes FRR (couche optionnelle)", frr_legend_items(territory.communes))
        legend.add("Zonages", [(swatch("#c51b8a"), "QPV 2024 (couche optionnelle)")])
    method = plan["travel_time_method"]
    legend.note = (
        "Temps de trajet : réseau routier OpenStreetMap."
        if method == "osm"
        else "Temps de trajet : estimation (ligne droite × facteur de détour)."
    )
    return finish(m, legend)
