"""The manager's rules as written: one table format for the spec, the API and ``plan.json``.

The same keys are read from a territory spec's ``[planning]`` section (:mod:`geo_data.spec`),
from an API plan request's ``rules`` object and from a plan's ``source.overrides`` (so that
``milo validate`` and re-planning rebuild the same problem)::

    access_minutes = 15                  # 1-120, minutes by car a stop serves
    exploration_share = 0.2              # 0-1, share of sessions kept for exploring
    exclude = ["21425"]                  # communes never planned
    pins = [{ commune = "21154", weekday = "jeudi", slot = "matin",
              van = "milo-mobile-2", frequency = "weekly" }]   # van, frequency optional
    frequency = { "21154" = "weekly" }   # forced frequency per commune
    forbid = { "21425" = ["weekly"] }    # frequencies a commune must not get

    partner_pins = [...]; events = [...] # sessions agreed with partners, one-off events
                                         # (:mod:`planner.rules_sessions`)

Per-van caps (``[[vans]]`` keys, or the API's ``vans`` object keyed by van id):
``max_drive_minutes`` (driving per day) and ``sessions_per_week``; a plan's ``vans`` object may
also give a van's ``working_days`` for that plan (:func:`parse_working_days`).

Parsing checks the form of each value (:func:`parse_rules`); :func:`check_rules` and
:func:`check_van_caps` then check them against a territory's communes, slots and vans. Every
error names its key (``planning.pins[0].slot``, ``rules.exclude``...) and lists what is known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from planner.errors import InvalidSpecError
from planner.fleet import WEEKDAYS_FR, Slot, Van
from planner.rules import FREQUENCIES, Pin, PlanningRules
from planner.rules_parse import (
    check_keys,
    check_slot,
    check_worked,
    listed,
    parse_code,
    parse_frequency,
    parse_table,
    parse_text,
    parse_weekday,
)
from planner.rules_sessions import check_sessions, parse_sessions, sessions_to_table

RULE_KEYS = (
    "access_minutes", "exploration_share", "exclude", "pins", "frequency", "forbid",
    "partner_pins", "events",
)  # fmt: skip
PIN_KEYS = ("commune", "weekday", "slot", "van", "frequency")
VAN_CAP_KEYS = ("max_drive_minutes", "sessions_per_week")
#: Van field of each cap key
VAN_CAP_FIELDS = {"max_drive_minutes": "max_drive_min", "sessions_per_week": "sessions_per_week"}


def _pin(table: Any, where: str) -> Pin:
    table = parse_table(table, where, '{ commune = "21154", weekday = "jeudi", slot = "matin" }')
    check_keys(table, PIN_KEYS, where)
    for key in ("commune", "weekday", "slot"):
        if key not in table:
            raise InvalidSpecError(
                f"{where} : clé obligatoire {key} absente.",
                hint="Un arrêt épinglé donne commune, weekday et slot (van et frequency en "
                "option).",
            )
    van = table.get("van")
    return Pin(
        commune=parse_code(table["commune"], f"{where}.commune"),
        weekday=parse_weekday(table["weekday"], f"{where}.weekday"),
        slot=parse_text(table["slot"], f"{where}.slot", "matin"),
        van=None if van is None else parse_text(van, f"{where}.van", "milo-mobile-1"),
        frequency=parse_frequency(
            table.get("frequency", "weekly"), f"{where}.frequency", FREQUENCIES[:3]
        ),
    )


def parse_rules(
    table: Mapping[str, Any], *, where: str = "planning", base: PlanningRules | None = None
) -> PlanningRules:
    """The rules written in ``table`` (keys: module docstring) on top of ``base``.

    A key present in ``table`` replaces the whole value of ``base`` for that key (an
    ``exclude`` list replaces the spec's list); absent keys keep ``base``'s.
    """
    table = parse_table(table, where, "access_minutes = 15")
    check_keys(table, RULE_KEYS, where)
    changes: dict[str, Any] = {}
    if "access_minutes" in table:
        changes["access_min"] = table["access_minutes"]
    if "exploration_share" in table:
        changes["exploration_share"] = table["exploration_share"]
    if "exclude" in table:
        codes = table["exclude"]
        if not isinstance(codes, list | tuple):
            raise InvalidSpecError(
                f"{where}.exclude : liste de codes INSEE attendue, reçu {codes!r}.",
                hint='Écrivez exclude = ["21425"].',
            )
        changes["exclude"] = frozenset(
            parse_code(c, f"{where}.exclude[{i}]") for i, c in enumerate(codes)
        )
    if "pins" in table:
        pins = table["pins"]
        if not isinstance(pins, list | tuple):
            raise InvalidSpecError(
                f"{where}.pins : liste d'arrêts épinglés attendue, reçu {pins!r}.",
                hint="Écrivez chaque arrêt sous [[planning.pins]].",
            )
        changes["pins"] = tuple(_pin(p, f"{where}.pins[{i}]") for i, p in enumerate(pins))
    if "frequency" in table:
        forced = parse_table(table["frequency"], f"{where}.frequency", '{ "21154" = "weekly" }')
        changes["frequency"] = {
            parse_code(code, f"{where}.frequency"): parse_frequency(f, f"{where}.frequency.{code}")
            for code, f in forced.items()
        }
    if "forbid" in table:
        banned = parse_table(table["forbid"], f"{where}.forbid", '{ "21425" = ["weekly"] }')
        forbid: dict[str, frozenset[str]] = {}
        for code, values in banned.items():
            key = f"{where}.forbid.{code}"
            if not isinstance(values, list | tuple) or not values:
                raise InvalidSpecError(
                    f"{key} : liste non vide de fréquences attendue, reçu {values!r}.",
                    hint=f'Écrivez par exemple "{code}" = ["weekly"].',
                )
            forbid[parse_code(code, f"{where}.forbid")] = frozenset(
                parse_frequency(f, key) for f in values
            )
        changes["forbid"] = forbid
    changes.update(parse_sessions(table, where))
    try:
        return dataclasses.replace(base or PlanningRules(), **changes)
    except InvalidSpecError as exc:
        raise InvalidSpecError(f"{where} : {exc.message}", hint=exc.hint) from None


def rules_to_table(rules: PlanningRules) -> dict[str, Any]:
    """``rules`` in the table format (JSON-ready; :func:`parse_rules` reads it back)."""
    return {
        "access_minutes": rules.access_min,
        "exploration_share": rules.exploration_share,
        "exclude": sorted(rules.exclude),
        "pins": [
            {
                "commune": p.commune,
                "weekday": WEEKDAYS_FR[p.weekday],
                "slot": p.slot,
                **({"van": p.van} if p.van is not None else {}),
                "frequency": p.frequency,
            }
            for p in rules.pins
        ],
        "frequency": dict(sorted(rules.frequency.items())),
        "forbid": {code: sorted(f) for code, f in sorted(rules.forbid.items())},
        **sessions_to_table(rules),
    }


def parse_van_caps(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``max_drive_minutes`` / ``sessions_per_week`` of ``table`` as Van field values (the Van
    checks their range); a ``None`` value removes the cap."""
    out: dict[str, Any] = {}  # Van field -> int or None
    for key in VAN_CAP_KEYS:
        if key not in table:
            continue
        value = table[key]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidSpecError(
                f"{where}.{key} : nombre entier attendu, reçu {value!r}.",
                hint=f"Par exemple {key} = {180 if key == 'max_drive_minutes' else 6}.",
            )
        out[VAN_CAP_FIELDS[key]] = value
    return out


def parse_working_days(value: Any, where: str) -> tuple[int, ...]:
    """A non-empty list of French weekday names -> sorted weekday numbers (0 = Monday)."""
    if not isinstance(value, list | tuple) or not value:
        raise InvalidSpecError(
            f"{where} : liste non vide de jours attendue, reçu {value!r}.",
            hint='Par exemple working_days = ["lundi", "mardi", "jeudi"].',
        )
    return tuple(sorted({parse_weekday(d, f"{where}[{i}]") for i, d in enumerate(value)}))


def check_rules(
    rules: PlanningRules,
    *,
    communes: Iterable[str],
    slots: tuple[Slot, ...],
    vans: tuple[Van, ...],
    where: str = "planning",
    partners: Iterable[str] = (),
) -> None:
    """Raise when a rule names a commune, slot, van or partner the territory does not have,
    or pins a stop on a day its van does not work (partner pins and events:
    :func:`planner.rules_sessions.check_sessions`)."""
    known = set(communes)
    check_sessions(rules, partners=partners, communes=known, slots=slots, vans=vans, where=where)

    def need_commune(code: str, key: str) -> None:
        if code not in known:
            raise InvalidSpecError(
                f"{key} : commune {code} inconnue dans le territoire.",
                hint=f"Communes du territoire : {listed(known)}.",
            )

    for code in sorted(rules.exclude):
        need_commune(code, f"{where}.exclude")
    for code in sorted(rules.frequency):
        need_commune(code, f"{where}.frequency")
    for code in sorted(rules.forbid):
        need_commune(code, f"{where}.forbid")
    slot_names = [s.name for s in slots]
    van_ids = {v.id: v for v in vans}
    seen: set[str] = set()
    for i, pin in enumerate(rules.pins):
        key = f"{where}.pins[{i}]"
        need_commune(pin.commune, f"{key}.commune")
        if pin.commune in seen:
            raise InvalidSpecError(
                f"{key} : la commune {pin.commune} est épinglée deux fois.",
                hint="Une seule épingle par commune (un jour et un créneau).",
            )
        seen.add(pin.commune)
        check_slot(pin.slot, slot_names, key)
        if pin.van is not None and pin.van not in van_ids:
            raise InvalidSpecError(
                f"{key}.van : véhicule {pin.van!r} inconnu.",
                hint=f"Véhicules du territoire : {listed(van_ids)}.",
            )
        vehicles = [v for v in vans if v.kind == "vehicule"]
        working = [van_ids[pin.van]] if pin.van is not None else vehicles
        who = f"le véhicule {pin.van}" if pin.van else "aucun véhicule"
        check_worked(pin.weekday, working, who, key)
        if pin.frequency not in rules.allowed(pin.commune):
            raise InvalidSpecError(
                f"{key}.frequency : {pin.frequency!r} contredit les fréquences imposées ou "
                f"interdites de la commune {pin.commune} (permises : "
                f"{', '.join(rules.allowed(pin.commune)) or 'aucune'}).",
                hint="Accordez la fréquence de l'épingle avec frequency / forbid.",
            )


def check_van_caps(vans: tuple[Van, ...], slots: tuple[Slot, ...]) -> None:
    """Raise when a van's ``sessions_per_week`` exceeds its working days x the slots."""
    for van in vans:
        most = len(van.working_days) * len(slots)
        if van.sessions_per_week is not None and van.sessions_per_week > most:
            raise InvalidSpecError(
                f"Véhicule {van.id} : sessions_per_week {van.sessions_per_week} séances "
                f"par semaine pour {len(van.working_days)} jour(s) x {len(slots)} créneau(x) = "
                f"{most} au plus.",
                hint=f"Donnez au plus {most}, ou retirez la clé pour ne pas plafonner.",
            )
