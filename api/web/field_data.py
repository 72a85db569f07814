"""What the conseiller's phone pages show of the published plan (pure functions of the plan
document and the partner rows): the sessions of a day or a week for one van/team, what to
bring, the route links of a stop, and the changes since a plan version the phone saw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from api.web.plan_display import motifs
from geo_data.phone import phone_href
from planner.amenities import amenity_label
from planner.itinerary.plan_fields import hhmm
from planner.session_labels import approach_label, kind_label, resource_label

SLOT_FR = {"matin": "matin", "apres-midi": "après-midi"}
#: label of each route link, in the order the page lists them
ROUTE_LABELS = (
    ("geo", "Navigation (Android)"),
    ("apple", "Plans (iPhone)"),
    ("google", "Google Maps"),
    ("waze", "Waze"),
)


def route_links(lat: float, lon: float, label: str) -> dict[str, str]:
    """Links that open a route to ``(lat, lon)`` on Android and iPhone, and the coordinates.

    ``geo:`` (RFC 5870, with a ``q`` label that Android map apps show), Apple Plans, Google
    Maps (directions), Waze (navigate); ``coords``: « lat,lon » to copy. Six decimals (10 cm).
    """
    where = f"{lat:.6f},{lon:.6f}"
    return {
        "geo": f"geo:{where}?q={where}({quote(label, safe='')})",
        "apple": f"https://maps.apple.com/?daddr={where}",
        "google": f"https://www.google.com/maps/dir/?api=1&destination={where}",
        "waze": f"https://waze.com/ul?ll={where}&navigate=yes",
        "coords": where,
    }


def day_hours(hours: Mapping[str, Any] | None, day: dt.date) -> str:
    """A partner's opening hours on ``day`` (« 09:00-12:00, 13:45-17:00 »), from its stored
    weekly hours (minutes after midnight per weekday)."""
    if not hours:
        return "horaires inconnus"
    if hours.get("always_open"):
        return "sans contrainte d'horaires"
    days = hours.get("days") or []
    intervals = days[day.weekday()] if day.weekday() < len(days) else []
    if not intervals:
        return "fermé ce jour"
    return ", ".join(f"{hhmm(a * 60)}-{hhmm(b * 60)}" for a, b in intervals)


@dataclass(frozen=True)
class Stop:
    """A session of the plan as the phone shows it."""

    visit: Mapping[str, Any]
    partner: Any | None  # the host's PartnerRow, when the host is a stored partner

    @property
    def id(self) -> int:
        return int(self.visit.get("id") or 0)

    @property
    def date(self) -> str:
        return str(self.visit["date"])[:10]

    @property
    def when(self) -> str:
        return f"{self.visit['start']}–{self.visit['end']}"

    @property
    def slot(self) -> str:
        return SLOT_FR.get(str(self.visit["slot"]), str(self.visit["slot"]))

    @property
    def place(self) -> str:
        return str(self.visit.get("stop_name") or self.visit["stop_id"])

    @property
    def host(self) -> str:
        return str(self.visit.get("host") or "")

    @property
    def team(self) -> str:
        return resource_label(str(self.visit.get("resource", "vehicule")), str(self.visit["van"]))

    @property
    def kind(self) -> str:
        return kind_label(str(self.visit.get("kind", "commune")))

    @property
    def approach(self) -> str:
        return approach_label(str(self.visit.get("approach", "")))

    @property
    def hours(self) -> str:
        if self.partner is None:
            return "place publique : pas d'horaires" if not self.host else "horaires inconnus"
        return day_hours(self.partner.hours, dt.date.fromisoformat(self.date))

    @property
    def phone(self) -> str:
        """The host's public phone (« 03 80 61 01 94 »), or "" when its partner has none."""
        phone = None if self.partner is None else self.partner.phone
        return phone if self.phone_href is not None and isinstance(phone, str) else ""

    @property
    def phone_href(self) -> str | None:
        """The ``tel:`` link that calls the host (``tel:+33380610194``), or None."""
        return None if self.partner is None else phone_href(self.partner.phone)

    @property
    def bring(self) -> list[tuple[str, str]]:
        """(what, state): power and parking of the host (« à vérifier » when no data says)."""
        power = None if self.partner is None else self.partner.power
        parking = None if self.partner is None else self.partner.parking
        out = [
            ("Électricité sur place", amenity_label(power)),
            ("Stationnement du véhicule", amenity_label(parking)),
        ]
        if self.visit.get("to_check"):
            out.append(("À vérifier sur place", str(self.visit["to_check"])))
        return out

    @property
    def links(self) -> dict[str, str] | None:
        lat, lon = self.visit.get("lat"), self.visit.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            return None
        if lat == 0 and lon == 0:
            return None
        return route_links(float(lat), float(lon), self.place)

    def ended(self, now_paris: dt.datetime) -> bool:
        end = dt.datetime.combine(dt.date.fromisoformat(self.date), dt.time()) + dt.timedelta(
            seconds=int(self.visit.get("end_s") or 0)
        )
        return end <= now_paris.replace(tzinfo=None)


def partner_index(partners: Iterable[Any]) -> dict[str, Any]:
    """Partner rows by name (a visit names its host)."""
    return {str(p.name): p for p in partners}


def _order(v: Mapping[str, Any]) -> tuple[str, str, int]:
    return (str(v["date"])[:10], str(v["van"]), int(v.get("start_s") or 0))


def sessions(
    document: Mapping[str, Any] | None,
    partners: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    van: str = "",
) -> list[Stop]:
    """The sessions from ``first`` to ``last`` (of ``van`` only when given), by date, van and
    start time."""
    if not document:
        return []
    lo, hi = first.isoformat(), last.isoformat()
    chosen = [
        v
        for v in document.get("visits", ())
        if lo <= str(v["date"])[:10] <= hi and (not van or str(v["van"]) == van)
    ]
    return [Stop(v, partners.get(str(v.get("host") or ""))) for v in sorted(chosen, key=_order)]


def next_day(document: Mapping[str, Any] | None, after: dt.date, van: str = "") -> dt.date | None:
    """The first day after ``after`` with a session (of ``van``), or None."""
    days = sorted(
        str(v["date"])[:10]
        for v in (document or {}).get("visits", ())
        if str(v["date"])[:10] > after.isoformat() and (not van or str(v["van"]) == van)
    )
    return dt.date.fromisoformat(days[0]) if days else None


def routes(stops: Sequence[Stop]) -> list[tuple[str, list[Stop]]]:
    """The day's route of each van/team: its stops in order."""
    out: dict[str, list[Stop]] = {}
    for stop in stops:
        out.setdefault(stop.team, []).append(stop)
    return list(out.items())


# -- changes since the phone's last look ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A visit of the seen plan that the published plan cancelled or moved."""

    mark: str  # "cancelled" or "moved"
    place: str
    date: str
    slot: str
    team: str
    note: str


def _key(v: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(v["stop_id"]), str(v["date"])[:10], str(v["slot"]))


def changes_since(
    seen: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    van: str = "",
) -> list[Change]:
    """The visits of ``seen`` (a plan version the phone showed) from ``first`` to ``last`` that
    ``current`` no longer has at the same (stop, date, slot): moved when the stop has a new
    visit the seen plan did not have, else cancelled (with the manager's reason when the
    current plan's changes give one)."""
    if not seen:
        return []
    lo, hi = first.isoformat(), last.isoformat()

    def mine(v: Mapping[str, Any]) -> bool:
        return not van or str(v["van"]) == van

    old = [v for v in seen.get("visits", ()) if mine(v)]
    new = [v for v in current.get("visits", ()) if mine(v)]
    old_keys = {_key(v) for v in old}
    new_keys = {_key(v) for v in new}
    arrived: dict[str, list[Mapping[str, Any]]] = {}
    for v in sorted(new, key=_order):
        if _key(v) not in old_keys:
            arrived.setdefault(str(v["stop_id"]), []).append(v)
    reasons = motifs(current.get("changes"))
    out = []
    for v in sorted(old, key=_order):
        if _key(v) in new_keys or not lo <= str(v["date"])[:10] <= hi:
            continue
        stop = Stop(v, None)
        moved_to = arrived.get(str(v["stop_id"]))
        if moved_to:
            to = moved_to.pop(0)
            slot = SLOT_FR.get(str(to["slot"]), str(to["slot"]))
            note = f"déplacée au {to['date']} ({slot}, {to['start']}–{to['end']})"
            out.append(Change("moved", stop.place, stop.date, stop.slot, stop.team, note))
        else:
            reason = reasons.get((str(v["stop_id"]), stop.date))
            note = f"annulée ({reason})" if reason else "annulée"
            out.append(Change("cancelled", stop.place, stop.date, stop.slot, stop.team, note))
    return out
