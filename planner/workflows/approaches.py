"""The session candidates of a Territory other than van stops: partners, maraudes, events.

Beside one van stop per commune (:mod:`.itinerary_input`), a territory's problem holds:

* **partner sessions** (``partenaire``), when the territory has a team: one per partner whose
  type has session defaults (:data:`planner.approaches.SESSION_DEFAULTS`, the spec's
  ``[partner_types]`` first; mairies and France Services only when pinned), at the partner's
  point, inside its opening hours on the type's best days, for the type's session length;
  several partners of one town are distinct candidates. A partner pin
  (:class:`planner.rules.PartnerPin`) makes it required on its weekday and slot (and team),
  repeated by its frequency or on the n-th such weekday of each month (``dates``);
* **maraudes**, when the territory has a team: each named place of the spec
  (``[[maraudes]]``), and one at the heart of each QPV that has none, held in daylight;
* **events** of the rules (:class:`planner.rules.Event`) inside the horizon, on their date
  and hours, at their point (or the commune's town hall), required unless the manager said
  otherwise, by a van or a team (a van's parking and power there are « à vérifier »).

**Value** (:func:`place_expectations`): a partner session serves the young people who pass
there, whatever commune they live in; a maraude the neighbourhood's. Each place's repérés and
contacts per session are its type's prior (:mod:`planner.approaches`) moved by its own history
(activity rows whose ``place_id`` is the partner or maraude id; gamma-Poisson, the prior worth
``PRIOR_SESSIONS`` sessions); a visit is worth ``VALUE_PER_REPERE`` x expected repérés, the van
circuits' unit. These places are single optional visits (exploration) unless pinned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from planner.amenities import AMENITIES
from planner.approaches import (
    EVENT_DEFAULTS,
    MARAUDE_DEFAULTS,
    VALUE_PER_REPERE,
    SessionDefaults,
    session_defaults,
    shrunk_rate,
)
from planner.csv_fr import number_fr
from planner.fleet import Slot
from planner.hours import WeeklyHours
from planner.itinerary.problem import Candidate, Frequency
from planner.rules import PartnerPin
from planner.taxonomy import PartnerType
from planner.territory import Territory


def partner_stop_id(partner_id: str) -> str:
    return f"partenaire-{partner_id}"


def maraude_stop_id(place_id: str) -> str:
    return f"maraude-{place_id}"


def event_stop_id(event_id: str) -> str:
    return f"evenement-{event_id}"


def has_team(territory: Territory) -> bool:
    return any(v.kind == "equipe" for v in territory.vans)


def _history(territory: Territory, place_id: str) -> tuple[float, float, float]:
    """(sessions, repérés, contacts) recorded at ``place_id``."""
    act = territory.activity
    if not len(act):
        return 0.0, 0.0, 0.0
    rows = act[act["place_id"].astype(str) == place_id]
    return (
        float(rows["sessions"].sum()),
        float(rows["reperes"].sum()),
        float(rows["contacts"].sum()),
    )


def _expected(
    territory: Territory, place_id: str, prior: SessionDefaults
) -> tuple[float, float, float]:
    """(repérés, contacts, sessions of history) per session at ``place_id``."""
    sessions, reperes, contacts = _history(territory, place_id)
    return (
        shrunk_rate(prior.reperes, sessions, reperes),
        shrunk_rate(prior.contacts, sessions, contacts),
        sessions,
    )


def _partner_defaults(territory: Territory, kind: str, pinned: bool) -> SessionDefaults | None:
    return session_defaults(kind, dict(territory.session_defaults), pinned=pinned)


def _maraude_places(territory: Territory) -> list[tuple[str, str, float, float, str, str, bool]]:
    """(id, name, lon, lat, commune, qpv code, private) of every maraude candidate place."""
    out = [(m.id, m.name, m.lon, m.lat, m.commune, m.qpv, m.private) for m in territory.maraudes]
    named = {m.qpv for m in territory.maraudes if m.qpv}
    for code, row in territory.qpv.iterrows():
        if str(code) in named:
            continue
        point = row.geometry.representative_point()
        communes = str(row.get("communes", "")).split(",")
        out.append(
            (
                f"qpv-{code}",
                f"Quartier {row['name']}",
                float(point.x),
                float(point.y),
                communes[0] if communes else "",
                str(code),
                False,
            )
        )
    return out


def place_expectations(territory: Territory) -> dict[str, tuple[float, float]]:
    """Per session candidate id (partner sessions, maraudes, events): (repérés, contacts)
    expected per session (see the module docstring)."""
    out: dict[str, tuple[float, float]] = {}
    pinned = {p.partner for p in territory.rules.partner_pins}
    for pid, row in territory.partners.iterrows():
        defaults = _partner_defaults(territory, str(row["type"]), str(pid) in pinned)
        if defaults is not None:
            reperes, contacts, _ = _expected(territory, str(pid), defaults)
            out[partner_stop_id(str(pid))] = (reperes, contacts)
    for place in _maraude_places(territory):
        reperes, contacts, _ = _expected(territory, place[0], MARAUDE_DEFAULTS)
        out[maraude_stop_id(place[0])] = (reperes, contacts)
    for e in territory.rules.events:
        out[event_stop_id(e.id)] = (
            EVENT_DEFAULTS.reperes if e.reperes is None else e.reperes,
            EVENT_DEFAULTS.contacts if e.contacts is None else e.contacts,
        )
    return out


def _on_days(hours: WeeklyHours, days: tuple[int, ...]) -> WeeklyHours:
    if hours.always_open:
        return WeeklyHours.from_intervals([(d, 0, 24 * 60) for d in days])
    return WeeklyHours(days=tuple(hours.days[d] if d in days else () for d in range(7)))


def _why(what: str, reperes: float, contacts: float, sessions: float, grounds: str) -> str:
    source = (
        f"historique du lieu ({number_fr(sessions, 0)} séances) et a priori du type"
        if sessions
        else f"a priori du type ({grounds})"
    )
    return (
        f"{what} : {number_fr(reperes, 1)} repérés et {number_fr(contacts, 1)} contacts "
        f"attendus par séance, {source}"
    )


def _pin_fields(
    pin: PartnerPin, slots: tuple[Slot, ...], start: dt.date, days: int
) -> dict[str, Any]:
    names = [s.name for s in slots]
    dates = pin.dates(start, days)
    frequency = Frequency.MONTHLY if pin.week_of_month is not None else Frequency(pin.frequency)
    return {
        "pin_weekday": pin.weekday,
        "pin_slot": names.index(pin.slot),
        "pin_van": pin.team,
        "frequency": frequency,
        "required": True,
        "dates": dates,
    }


def session_candidates(
    territory: Territory,
    *,
    start: dt.date,
    weeks: int,
    first_location: int,
) -> tuple[list[Candidate], list[tuple[float, float]]]:
    """The partner, maraude and event candidates of ``territory`` for the horizon, with their
    matrix locations from ``first_location`` on, and their points (lon, lat)."""
    cands: list[Candidate] = []
    points: list[tuple[float, float]] = []
    slots = territory.calendar.slots
    communes = territory.communes
    days = 7 * weeks

    def add(cand: Candidate, lon: float, lat: float) -> None:
        points.append((lon, lat))
        cands.append(dataclasses.replace(cand, location=first_location + len(points) - 1))

    def zone(code: str) -> dict[str, Any]:
        if code in communes.index:
            row = communes.loc[code]
            return {"frr_class": str(row["frr_class"]), "qpv": bool(row["qpv"])}
        return {}

    if has_team(territory):
        pins = {p.partner: p for p in territory.rules.partner_pins}
        for pid, row in territory.partners.iterrows():
            kind = str(row["type"])
            pin = pins.get(str(pid))
            defaults = _partner_defaults(territory, kind, pin is not None)
            if defaults is None:
                continue
            reperes, contacts, sessions = _expected(territory, str(pid), defaults)
            hours = row["hours"] if isinstance(row["hours"], WeeklyHours) else WeeklyHours()
            best = (pin.weekday,) if pin is not None else defaults.best_days
            label = PartnerType(kind).label if kind in set(PartnerType) else kind
            why = [_why(f"séance chez un partenaire ({label})", reperes, contacts, sessions,
                        defaults.grounds)]  # fmt: skip
            if pin is not None:
                why.insert(0, "séance convenue avec le partenaire (épinglée par le responsable)")
            lon, lat = float(row.geometry.x), float(row.geometry.y)
            cand = Candidate(
                id=partner_stop_id(str(pid)),
                name=str(row["name"]),
                location=0,
                need=round(VALUE_PER_REPERE * reperes, 3),
                commune=str(row["commune"]),
                lon=lon,
                lat=lat,
                host=str(row["name"]),
                hours=_on_days(hours, best),
                service_s=defaults.session_min * 60,
                kind="partenaire",
                approach=defaults.approach,
                partner_type=kind,
                place_id=str(pid),
                expected=(reperes, contacts),
                why=tuple(why),
                **zone(str(row["commune"])),
                **(_pin_fields(pin, slots, start, days) if pin is not None else {}),
            )
            add(cand, lon, lat)
        for mid, name, lon, lat, code, qpv, private in _maraude_places(territory):
            reperes, contacts, sessions = _expected(territory, mid, MARAUDE_DEFAULTS)
            where = f"maraude dans le QPV {qpv}" if qpv else "maraude dans l'espace public"
            cand = Candidate(
                id=maraude_stop_id(mid),
                name=f"Maraude : {name}",
                location=0,
                need=round(VALUE_PER_REPERE * reperes, 3),
                commune=code,
                lon=lon,
                lat=lat,
                service_s=MARAUDE_DEFAULTS.session_min * 60,
                kind="maraude",
                approach=MARAUDE_DEFAULTS.approach,
                place_id=mid,
                daylight=True,
                private=private,
                expected=(reperes, contacts),
                why=(_why(where, reperes, contacts, sessions, MARAUDE_DEFAULTS.grounds),),
                **zone(code),
            )
            add(cand, lon, lat)
    end = start + dt.timedelta(days=days)
    for e in territory.rules.events:
        if not start <= e.date < end:
            continue
        if e.lon is not None and e.lat is not None:
            lon, lat = e.lon, e.lat
        else:
            lon, lat = (float(x) for x in communes.loc[e.commune, ["lon", "lat"]])
        reperes, contacts = (
            EVENT_DEFAULTS.reperes if e.reperes is None else e.reperes,
            EVENT_DEFAULTS.contacts if e.contacts is None else e.contacts,
        )
        told = "attendus selon le responsable" if e.reperes is not None else "a priori"
        cand = Candidate(
            id=event_stop_id(e.id),
            name=e.name,
            location=0,
            need=round(VALUE_PER_REPERE * reperes, 3),
            commune=e.commune,
            lon=lon,
            lat=lat,
            host=e.host,
            kind="evenement",
            approach=EVENT_DEFAULTS.approach,
            place_id=e.id,
            dates=frozenset({e.date}),
            window_min=(e.start_min, e.end_min),
            unverified=frozenset(AMENITIES),  # nobody said: a van goes, « à vérifier »
            required=e.required,
            frequency=Frequency.ONCE if e.required else None,
            expected=(reperes, contacts),
            why=(
                f"événement du {e.date.strftime('%d/%m/%Y')} ajouté par le responsable : "
                f"{number_fr(reperes, 1)} repérés et {number_fr(contacts, 1)} contacts {told}",
            ),
            **zone(e.commune),
        )
        add(cand, lon, lat)
    return cands, points
