"""French labels of a planned session's kind, approach and resource, as every output shows them.

The plan's visits carry slugs (``kind``, ``approach``, ``resource``: :mod:`planner.approaches`,
:mod:`planner.taxonomy`, :mod:`planner.fleet`); the exports, maps and pages show these labels.
A slug this version does not know (a plan file written by a newer one) is shown as it is.
"""

from __future__ import annotations

from planner.approaches import KIND_LABELS, CandidateKind
from planner.fleet import RESOURCE_LABELS, TRAVEL_MODE_LABELS
from planner.taxonomy import APPROACH_LABELS, Approach

_KINDS = {k.value: label for k, label in KIND_LABELS.items()}
_APPROACHES = {a.value: label for a, label in APPROACH_LABELS.items()}
#: the kinds and approaches in their declaration order (legends, error messages)
KIND_ORDER = tuple(k.value for k in CandidateKind)
APPROACH_VALUES = tuple(a.value for a in Approach)


def kind_label(kind: str) -> str:
    """``"maraude"`` -> « Maraude », ``"commune"`` -> « Arrêt du véhicule »."""
    return _KINDS.get(kind, kind)


def approach_label(approach: str) -> str:
    """``"acteurs_proximite"`` -> « Repérage par les acteurs de proximité »."""
    return _APPROACHES.get(approach, approach)


def resource_label(resource: str, van: str, mode: str | None = None) -> str:
    """« Équipe equipe-1 (à pied) », « Véhicule van-1 »; without ``mode``, « Équipe equipe-1 ».

    The mode is said for a team only (a van always drives).
    """
    name = f"{RESOURCE_LABELS.get(resource, resource.capitalize())} {van}"
    if resource == "equipe" and mode in TRAVEL_MODE_LABELS:
        return f"{name} ({TRAVEL_MODE_LABELS[mode]})"
    return name
