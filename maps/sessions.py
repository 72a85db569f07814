"""What a plan's session is, on the maps: a marker shape per kind, the French labels, the
resource (« Équipe equipe-1 (à pied) »), and the line style of a team's day.

Shapes differ by kind (colour stays the day's or the van's, :mod:`maps.itinerary`): a van stop
is a disc, a partner session a square, a maraude a diamond, an event a disc with a double ring.
A team's day is a dotted line (a van's is solid on the roads, dashed when estimated).
"""

from __future__ import annotations

from typing import Any

from maps.base import esc
from planner.session_labels import KIND_ORDER, approach_label, kind_label, resource_label
from planner.territory import Territory

#: CSS of the kind shapes (on the marker's container: the numbered disc inside keeps its class)
SESSION_CSS = """<style>
.milo-kind-partenaire .milo-stop{border-radius:3px;}
.milo-kind-maraude .milo-stop{border-radius:2px;transform:rotate(45deg);}
.milo-kind-maraude .milo-stop span{transform:rotate(-45deg);}
.milo-kind-evenement .milo-stop{border:3px double #fff;box-shadow:0 0 0 2px #000;}
.milo-kind-sample{display:inline-block;width:12px;height:12px;margin:0 7px 0 1px;
 vertical-align:middle;background:#555;border:1px solid #fff;box-shadow:0 0 1px #000;}
.milo-kind-sample.commune,.milo-kind-sample.evenement{border-radius:50%;}
.milo-kind-sample.partenaire{border-radius:2px;}
.milo-kind-sample.maraude{transform:rotate(45deg) scale(.85);}
.milo-kind-sample.evenement{border:3px double #fff;box-shadow:0 0 0 1px #000;width:8px;height:8px;}
</style>"""
#: Leaflet dash pattern of a team's day (dotted, round caps), and the legend's sample
TEAM_DASH = "1 7"
TEAM_ROUTE = "trajet d'une équipe (pointillés, ligne droite)"


def kind_of(visit: dict[str, Any]) -> str:
    """The visit's kind (plan files written before it: a van stop)."""
    return str(visit.get("kind") or "commune")


def resource_of(visit_or_day: dict[str, Any]) -> str:
    return str(visit_or_day.get("resource") or "vehicule")


def travel_modes(territory: Territory | None) -> dict[str, str]:
    """Resource id -> travel mode, when the territory is known (plan files carry ids only)."""
    return {v.id: v.mode for v in territory.vans} if territory is not None else {}


def who(visit: dict[str, Any], modes: dict[str, str]) -> str:
    """« Équipe equipe-1 (à pied) », « Véhicule van-1 » (« Équipe <id> » when the mode is not
    known)."""
    van = str(visit["van"])
    return resource_label(resource_of(visit), van, modes.get(van))


def session_rows(visit: dict[str, Any], modes: dict[str, str]) -> list[tuple[str, str]]:
    """Popup / card rows: kind, approach, who holds it, and a private place's warning."""
    rows = [
        ("Type de séance", kind_label(kind_of(visit))),
        ("Démarche", approach_label(str(visit.get("approach") or "vehicule_itinerant"))),
        ("Équipe" if resource_of(visit) == "equipe" else "Véhicule", who(visit, modes)),
    ]
    if visit.get("private"):
        rows.append(("Lieu privé", "oui : lieu exact à ne pas diffuser"))
    return rows


#: what a session without a host is held in, by kind
_NO_HOST = {
    "commune": "sans hôte (stationnement sur place)",
    "maraude": "sans hôte (espace public du quartier)",
    "evenement": "sans hôte (sur le lieu de l'événement)",
}


def host_text(visit: dict[str, Any]) -> str:
    """The host, or where a session without one is held."""
    return str(visit.get("host") or _NO_HOST.get(kind_of(visit), "sans hôte"))


def stop_icon_html(number: int | str, color: str) -> str:
    """The numbered disc (its shape comes from the kind class of the marker's container)."""
    return (
        f'<div class="milo-stop" style="background:{esc(color)}"><span>{esc(number)}</span></div>'
    )


def icon_class(visit: dict[str, Any]) -> str:
    return f"milo-stop-icon milo-kind-{esc(kind_of(visit))}"


def kind_legend(kinds: set[str], counts: dict[str, int]) -> list[tuple[str, str]]:
    """One legend entry per kind present, in the kinds' order, with its count of visits."""
    order = [k for k in KIND_ORDER if k in kinds] + sorted(kinds - set(KIND_ORDER))
    return [
        (
            f'<span class="milo-kind-sample {esc(k)}"></span>',
            f"{kind_label(k)} ({counts.get(k, 0)} visite{'s' if counts.get(k, 0) > 1 else ''})",
        )
        for k in order
    ]
