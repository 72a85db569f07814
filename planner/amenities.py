"""Amenities of a place (electricity, parking): a tri-state, never a guess.

A partner's ``power`` and ``parking`` are True (``oui``: the place offers it), False (``non``:
it does not) or None (``à vérifier``: no source says). Sources that do not know an amenity
(the ANCT France Services list says nothing of electricity or parking) leave it None, and
every output shows None as « à vérifier », never as « non ».

The engine reads the states as two sets per place: ``amenities`` (known True) and
``unverified`` (None). The automatic host choice counts only known amenities; a place kept
although a needed amenity is unverified is planned with that amenity « à vérifier »
(:func:`to_check_text`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Amenities a session may need (``Candidate.needs`` / ``van_needs``), in display order.
AMENITIES = ("power", "parking")
#: French names of the amenities.
AMENITY_LABELS: dict[str, str] = {"power": "électricité", "parking": "stationnement"}
#: How an unknown amenity reads in every output.
UNKNOWN_LABEL = "à vérifier"


def amenity_state(value: Any) -> bool | None:
    """``True``/``False``, or None when unknown (None, NaN, ``pd.NA``).

    Accepts Python and NumPy booleans and the numbers 0 and 1 (how a GeoJSON file read back
    stores a boolean column with nulls); raises ``ValueError`` for anything else.
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        if math.isnan(value):
            return None
        if value in (0, 1):
            return bool(value)
    raise ValueError(f"amenity state {value!r}: expected True, False or None")


def amenity_label(value: Any) -> str:
    """``oui``, ``non`` or ``à vérifier``."""
    state = amenity_state(value)
    return UNKNOWN_LABEL if state is None else ("oui" if state else "non")


def amenity_sets(row: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """``(known offered, unverified)`` amenities of a partner row (a missing key is unknown)."""
    states = {k: amenity_state(row.get(k)) for k in AMENITIES}
    offered = frozenset(k for k, s in states.items() if s is True)
    unverified = frozenset(k for k, s in states.items() if s is None)
    return offered, unverified


def to_check_text(names: Iterable[str]) -> str:
    """``"stationnement à vérifier"`` (comma-separated, in :data:`AMENITIES` order), or ``""``."""
    wanted = set(names)
    return ", ".join(
        f"{AMENITY_LABELS.get(k, k)} {UNKNOWN_LABEL}"
        for k in (*AMENITIES, *sorted(wanted - set(AMENITIES)))
        if k in wanted
    )


def amenities_text(row: Mapping[str, Any]) -> str:
    """``"électricité : à vérifier ; stationnement : oui"`` for a partner row."""
    return " ; ".join(f"{AMENITY_LABELS[k]} : {amenity_label(row.get(k))}" for k in AMENITIES)
