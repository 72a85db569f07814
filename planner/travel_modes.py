"""Travel times of the teams that do not drive: on foot and by public transport (estimates).

A van and a team by car use the territory's travel times (road network or the declared car
estimate, :mod:`planner.estimate`). The other modes are derived from the same road distances
and car times, and said so in every plan:

- **pied** (on foot): road distance at ``WALK_KPH`` = 4.5 km/h, the usual planning speed of
  an adult walking in town (4 to 5 km/h in French urban-planning guides), so that a team on
  foot only reaches what is near its base;
- **transports** (public transport): no timetable is available offline, so a declared
  estimate: car time x ``TRANSIT_FACTOR`` (1.5) plus ``TRANSIT_WAIT_S`` (15 min: walking to
  the stop and waiting). Rural lines are sparse; a team going by bus or TER should check its
  timetable, and the plan says this estimate was used.
"""

from __future__ import annotations

import numpy as np

WALK_KPH = 4.5
TRANSIT_FACTOR = 1.5
TRANSIT_WAIT_S = 15 * 60

DESCRIPTIONS = {
    "pied": f"à pied : distance routière à {WALK_KPH:g} km/h",
    "transports": (
        f"en transports en commun : estimation déclarée, temps en voiture x {TRANSIT_FACTOR:g} "
        f"+ {TRANSIT_WAIT_S // 60} min (accès et attente), sans horaires réels"
    ),
}


def mode_durations(
    durations: np.ndarray, distances: np.ndarray, modes: set[str] | frozenset[str]
) -> dict[str, np.ndarray]:
    """Integer seconds for each mode of ``modes`` other than ``voiture`` (same shape)."""
    out: dict[str, np.ndarray] = {}
    dur = np.asarray(durations, dtype=float)
    dist = np.asarray(distances, dtype=float)
    if "pied" in modes:
        out["pied"] = np.rint(dist / (WALK_KPH / 3.6)).astype(np.int64)
    if "transports" in modes:
        transit = dur * TRANSIT_FACTOR + TRANSIT_WAIT_S
        np.fill_diagonal(transit, 0.0)
        out["transports"] = np.rint(transit).astype(np.int64)
    return out


def describe_fr(modes: set[str] | frozenset[str]) -> str:
    """The French sentence of the modes used besides the car ("" when none)."""
    used = [DESCRIPTIONS[m] for m in sorted(modes) if m in DESCRIPTIONS]
    return ("Équipes " + " ; ".join(used) + ".") if used else ""
