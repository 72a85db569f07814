"""The manager's rules on a territory's candidates, and per-plan overrides of them.

:func:`apply_rules` turns :class:`planner.rules.PlanningRules` into candidate fields:

* an **excluded** commune is no candidate; it is reported among the plan's dropped stops with
  :data:`REASON_EXCLUDED` (``ItineraryProblem.excluded``);
* a **pinned** commune is required, gets its pin's frequency and is visited only on the pin's
  weekday and slot (and van, when the pin names one);
* a **forced** frequency replaces the default one;
* a **forbidden** frequency is replaced by the next lower allowed one, in the order weekly,
  fortnightly, monthly, once; when none is allowed the stop gets one optional visit (None).

:func:`with_overrides` applies a plan request's overrides (the API's ``rules`` and ``vans``,
``milo plan`` options, a plan's ``source.overrides``) to a territory: the table format of
:mod:`planner.rules_table`, checked against the territory's communes, slots and vans.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from planner.errors import InvalidSpecError
from planner.fleet import Slot, Van
from planner.itinerary.problem import Candidate, Frequency
from planner.rules import FREQUENCIES, PlanningRules
from planner.rules_table import (
    VAN_CAP_KEYS,
    check_rules,
    check_van_caps,
    parse_rules,
    parse_van_caps,
    parse_working_days,
)
from planner.territory import Territory

REASON_EXCLUDED = "exclue par le responsable"
OVERRIDE_KEYS = ("rules", "vans")


def _lower_allowed(current: Frequency, allowed: tuple[str, ...]) -> Frequency | None:
    """``current`` if allowed, else the next lower allowed frequency, else None."""
    for value in FREQUENCIES[FREQUENCIES.index(current.value) :]:
        if value in allowed:
            return Frequency(value)
    return None


def apply_rules(
    candidates: Iterable[Candidate],
    rules: PlanningRules,
    slots: tuple[Slot, ...],
    vans: tuple[Van, ...],
) -> tuple[list[Candidate], tuple[tuple[str, str, str], ...]]:
    """The candidates under ``rules`` and the excluded ones as ``(id, name, reason)``.

    Rules name communes (``Candidate.commune``, the candidate id when empty); ``slots`` and
    ``vans`` are the problem's (a pin's slot name becomes its index; its van must be one of
    ``vans``, see :func:`planner.rules_table.check_rules`).
    """
    slot_index = {s.name: i for i, s in enumerate(slots)}
    van_ids = {v.id for v in vans}
    pins = {p.commune: p for p in rules.pins}
    kept: list[Candidate] = []
    excluded: list[tuple[str, str, str]] = []
    for c in candidates:
        code = c.commune or c.id
        if code in rules.exclude:
            excluded.append((c.id, c.name, REASON_EXCLUDED))
            continue
        pin = pins.get(code)
        if pin is not None:
            if pin.slot not in slot_index or (pin.van is not None and pin.van not in van_ids):
                raise InvalidSpecError(
                    f"Arrêt épinglé {code} : créneau {pin.slot!r} ou véhicule {pin.van!r} inconnu.",
                    hint=f"Créneaux : {', '.join(slot_index)} ; véhicules : "
                    f"{', '.join(sorted(van_ids))}.",
                )
            c = dataclasses.replace(
                c,
                required=True,
                frequency=Frequency(pin.frequency),
                pin_weekday=pin.weekday,
                pin_slot=slot_index[pin.slot],
                pin_van=pin.van,
            )
        elif code in rules.frequency:
            c = dataclasses.replace(c, frequency=Frequency(rules.frequency[code]))
        elif c.frequency is not None and code in rules.forbid:
            c = dataclasses.replace(c, frequency=_lower_allowed(c.frequency, rules.allowed(code)))
        kept.append(c)
    return kept, tuple(excluded)


def with_overrides(territory: Territory, overrides: Mapping[str, Any] | None) -> Territory:
    """``territory`` with a plan's overrides: ``{"rules": {...}, "vans": {van id: caps}}``.

    ``rules`` keys replace the territory's (spec) rules key by key; ``vans`` sets
    ``max_drive_minutes`` / ``sessions_per_week`` of the named vans (``None`` removes a cap) and
    their ``working_days`` for this plan (French weekday names, replacing the spec's days).
    """
    if not overrides:
        return territory
    if not isinstance(overrides, Mapping):
        raise InvalidSpecError(
            f"Règles du plan : table attendue, reçu {overrides!r}.",
            hint='Par exemple {"rules": {"access_minutes": 20}}.',
        )
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise InvalidSpecError(
            f"Règles du plan : clé(s) inconnue(s) {', '.join(unknown)}.",
            hint=f"Clés possibles : {', '.join(OVERRIDE_KEYS)}.",
        )
    rules = parse_rules(overrides.get("rules") or {}, where="rules", base=territory.rules)
    caps = overrides.get("vans") or {}
    if not isinstance(caps, Mapping):
        raise InvalidSpecError(
            f"vans : table par identifiant de véhicule attendue, reçu {caps!r}.",
            hint='Par exemple {"milo-mobile-1": {"max_drive_minutes": 180}}.',
        )
    known = {v.id for v in territory.vans}
    for van_id in caps:
        if van_id not in known:
            raise InvalidSpecError(
                f"vans.{van_id} : véhicule inconnu dans le territoire.",
                hint=f"Véhicules du territoire : {', '.join(sorted(known))}.",
            )
    vans = tuple(
        dataclasses.replace(v, **_caps(caps[v.id], f"vans.{v.id}")) if v.id in caps else v
        for v in territory.vans
    )
    slots = territory.calendar.slots
    check_van_caps(vans, slots)
    check_rules(
        rules,
        communes=territory.communes.index,
        slots=slots,
        vans=vans,
        where="rules",
        partners=territory.partners.index,
    )
    return dataclasses.replace(territory, rules=rules, vans=vans)


def _caps(table: Any, where: str) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise InvalidSpecError(
            f"{where} : table attendue, reçu {table!r}.",
            hint='Par exemple {"sessions_per_week": 6}.',
        )
    unknown = sorted(set(table) - {*VAN_CAP_KEYS, "working_days"})
    if unknown:
        raise InvalidSpecError(
            f"{where} : clé(s) inconnue(s) {', '.join(unknown)}.",
            hint=f"Clés possibles : {', '.join(VAN_CAP_KEYS)}, working_days.",
        )
    out = parse_van_caps(table, where)
    if "working_days" in table:
        out["working_days"] = parse_working_days(table["working_days"], f"{where}.working_days")
    return out
