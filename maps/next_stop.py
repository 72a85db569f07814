"""Next-stop page for a phone: a small map and the essentials of the next visit (of a van or
of a team: the card says the kind of session, the approach and « Équipe » or « Véhicule »).

Used by the API's next-stop endpoint: :func:`next_visit` picks the visit (the current one until
its end, then the following one), :func:`next_stop_page` returns the self-contained HTML page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import folium

from maps.assets import RawHtml, figure_of, render_offline
from maps.base import SOURCES, add_communes, esc, new_map
from maps.itinerary import commune_name, host_hours, need_text
from maps.plan_input import SLOT_LABELS, date_fr, van_bases
from maps.safe_text import SafeTooltip
from maps.sessions import (
    SESSION_CSS,
    TEAM_DASH,
    host_text,
    icon_class,
    kind_of,
    resource_of,
    session_rows,
    stop_icon_html,
    travel_modes,
)
from planner.errors import NotFoundError
from planner.itinerary.plan_schema import check_plan_json
from planner.territory import Territory

_CSS = """<style>
html,body{margin:0;} body{font:15px/1.4 sans-serif;}
.milo-card{padding:10px 14px;} .milo-card h1{font-size:18px;margin:4px 0 8px;}
.milo-card dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0;}
.milo-card dt{font-weight:bold;color:#444;} .milo-card dd{margin:0;}
.milo-card .src{margin-top:10px;font-size:11px;color:#666;}
.leaflet-control-attribution{font-size:9px;}
.milo-card a.go{display:inline-block;margin-top:10px;padding:8px 12px;background:#08519c;
 color:#fff;border-radius:4px;text-decoration:none;}
</style>"""


def _clock(value: str) -> dt.time:
    hours, minutes = str(value).split(":")[:2]
    return dt.time(int(hours) % 24, int(minutes))


def next_visit(plan: dict[str, Any], *, now: dt.datetime, van: str | None = None) -> dict[str, Any]:
    """The visit under way at ``now`` or the next one (for ``van`` if given).

    Raises
    ------
    NotFoundError
        When no visit ends after ``now``.
    """
    check_plan_json(plan)
    visits = [v for v in plan["visits"] if van is None or str(v["van"]) == van]
    upcoming = [
        v
        for v in visits
        if dt.datetime.combine(dt.date.fromisoformat(v["date"]), _clock(v["end"])) > now
    ]
    if not upcoming:
        who = f" pour {_resource_name(plan, van)}" if van else ""
        raise NotFoundError(
            f"Aucune visite à venir{who} après le {now:%d/%m/%Y %H:%M}.",
            hint="Planifiez les semaines suivantes (milo plan) ou vérifiez le véhicule demandé.",
        )
    return min(upcoming, key=lambda v: (v["date"], v["start"], str(v["van"])))


def _resource_name(plan: dict[str, Any], van: str) -> str:
    """« le véhicule X », « l'équipe X », or both when the plan has no visit of ``van``."""
    kinds = {resource_of(v) for v in plan["visits"] if str(v["van"]) == van}
    if kinds == {"equipe"}:
        return f"l'équipe {van}"
    return f"le véhicule {van}" if kinds else f"le véhicule ou l'équipe {van}"


def next_stop_map(
    plan: dict[str, Any],
    *,
    now: dt.datetime,
    van: str | None = None,
    territory: Territory | None = None,
) -> folium.Map:
    """The phone page as a folium map (map on top, the visit's card below)."""
    visit = next_visit(plan, now=now, van=van)
    lat, lon = float(visit["lat"]), float(visit["lon"])
    base = van_bases(plan, territory).get(str(visit["van"]))
    pts = [(lon, lat)] + ([base] if base else [])
    lons, lats = zip(*pts, strict=True)
    pad = 0.02
    m = new_map(
        (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad),
        height="55%",
        padding=40,
    )
    if territory is not None:
        add_communes(m, territory.communes)
    date = dt.date.fromisoformat(visit["date"])
    heading = "Prochain arrêt" if kind_of(visit) == "commune" else "Prochaine séance"
    folium.Marker(
        [lat, lon],
        icon=folium.DivIcon(
            html=stop_icon_html(1, "#d62728"),
            icon_size=(22, 22),
            icon_anchor=(11, 11),
            class_name=icon_class(visit),
        ),
        tooltip=SafeTooltip(f"{heading} : {visit['stop_name']}"),
    ).add_to(m)
    if base:
        folium.Marker(
            [base[1], base[0]],
            icon=folium.DivIcon(
                html='<div class="milo-base">B</div>',
                icon_size=(20, 20),
                icon_anchor=(10, 10),
                class_name="milo-base-icon",
            ),
            tooltip=SafeTooltip("Base de départ"),
        ).add_to(m)
        folium.PolyLine(
            [[base[1], base[0]], [lat, lon]],
            color="#d62728",
            weight=3,
            dash_array=TEAM_DASH if resource_of(visit) == "equipe" else "8 6",
            line_cap="round",
            tooltip=SafeTooltip("trajet estimé (ligne droite)"),
        ).add_to(m)
    rows = [
        *session_rows(visit, travel_modes(territory)),
        ("Quand", f"{date_fr(date)}, {SLOT_LABELS.get(str(visit['slot']), visit['slot']).lower()}"),
        ("Arrivée", visit["arrival"]),
        ("Séance", f"{visit['start']} – {visit['end']}"),
        ("Lieu", visit["stop_name"]),
        ("Commune", commune_name(territory, str(visit["commune"]))),
        ("Hôte", host_text(visit)),
        ("Horaires de l'hôte", host_hours(territory, visit)),
        ("Sur place", visit.get("to_check", "")),
        ("Valeur de la visite", need_text(visit)),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows if v)
    card = (
        f'<div class="milo-card" id="milo-next"><h1>{heading} : {esc(visit["stop_name"])}'
        f"</h1><dl>{body}</dl>"
        f'<a class="go" href="geo:{lat:.6f},{lon:.6f}">Ouvrir dans le GPS</a>'
        f'<div class="src">Sources : {esc(" · ".join(SOURCES))}</div></div>'
    )
    root = figure_of(m)
    root.header.add_child(RawHtml(_CSS), name="milo_next_css")
    root.header.add_child(RawHtml(SESSION_CSS), name="milo_session_css")
    root.header.add_child(
        RawHtml('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        name="milo_viewport",
    )
    root.html.add_child(RawHtml(card), name="milo_next_card")
    root.title = esc(f"{heading} : {visit['stop_name']} — milo-nomade")
    return m


def next_stop_page(
    plan: dict[str, Any],
    *,
    now: dt.datetime,
    van: str | None = None,
    territory: Territory | None = None,
) -> str:
    """Self-contained HTML page of the next stop (no external request)."""
    return render_offline(next_stop_map(plan, now=now, van=van, territory=territory))
