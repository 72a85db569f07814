"""The itinerary problem of a Territory: candidates, vans, bases and calendar as plain arrays.

One candidate stop per commune:

* **Host**, in this fallback order: (1) among the commune's partners that can host the van,
  are *known* to offer what the van needs (``van_needs``, parking by default) and are open in
  at least one (weekday, slot), the one open in the most pairs (France Services first on ties,
  then the town hall, then any other partner); (2) otherwise the public square by the town
  hall, without a host (no opening-hours constraint, parking only). An amenity that is
  unknown (« à vérifier », :mod:`planner.amenities`: a France Services site's parking) does
  not count as offered, so such a partner is never chosen when a town hall or the square would
  do: no commune is dropped for a reason a fallback place removes. With ``require_host=True``
  the square is not a fallback: the best partner is kept (known fits first, then places whose
  missing needs are only unknown), and a stop whose needs are only unknown is planned with
  them listed in each visit's ``to_check``; a known « non » drops it with its reason.
* **Need**: the commune's need score (:func:`planner.workflows.need.need_table`, 0-100), the
  same number that coverage, maps and the API show; the caller computes the table once.
* **Frequency** (the ``need`` method's rule, documented and overridable): communes with a QPV
  weekly, communes of at least :data:`FORTNIGHTLY_YOUNG` young people fortnightly, the others
  one optional visit. The default ``circuits`` method then replaces frequencies and values from
  the circuit choice (:mod:`planner.workflows.circuits`).
* **Why** (``Candidate.why``): need score and rank, young people and frequency, in French
  (:func:`planner.workflows.explain.candidate_why`).

Then the partner sessions, maraudes and events of :mod:`.approaches` (with a team; events
always), each its own candidate and place in the matrix.

Travel times: :func:`planner.matrix.travel_matrix` (the declared estimate unless a road
network is given); the method is carried into every plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.amenities import amenity_sets
from planner.coverage.need import NeedTable
from planner.errors import InvalidProblemError
from planner.fleet import Slot
from planner.hours import WeeklyHours
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem
from planner.matrix import travel_matrix
from planner.territory import Territory
from planner.travel_modes import describe_fr as describe_modes_fr
from planner.travel_modes import mode_durations
from planner.workflows.approaches import session_candidates
from planner.workflows.explain import candidate_why
from planner.workflows.rules import apply_rules

if TYPE_CHECKING:  # partners frames are built by geo_data; the glue only reads them
    import geopandas as gpd

FORTNIGHTLY_YOUNG = 400.0
HOST_PREFERENCE = ("france_services", "mairie")


def default_frequency(row: Any) -> Frequency | None:
    """QPV communes weekly, large communes fortnightly, others one optional visit."""
    if bool(row["qpv"]):
        return Frequency.WEEKLY
    if float(row["young"]) >= FORTNIGHTLY_YOUNG:
        return Frequency.FORTNIGHTLY
    return None


def _open_pairs(hours: WeeklyHours, slots: tuple[Slot, ...], days: tuple[int, ...]) -> int:
    return sum(hours.is_open(d, s.start_min, s.end_min) for d in days for s in slots)


def _amenities(row: Any) -> tuple[frozenset[str], frozenset[str]]:
    """``(known offered, unverified)`` amenities of a partner's place (None: à vérifier)."""
    return amenity_sets(row)


def _choose_host(
    code: str,
    partners: gpd.GeoDataFrame,
    slots: tuple[Slot, ...],
    days: tuple[int, ...],
    *,
    van_needs: frozenset[str],
    require_host: bool = False,
) -> Any | None:
    """The ``(id, row)`` of the commune's host in the module's fallback order, or None for the
    public square. Only known amenities fit. With ``require_host``, the best partner even when
    it does not fit: open places whose needs are known or only unknown first."""
    here = partners[(partners["commune"] == code) & partners["can_host_van"].astype(bool)]
    fitting: tuple[tuple[int, int, str], Any] | None = None
    any_partner: tuple[tuple[bool, bool, bool, int, int, str], Any] | None = None
    for pid, row in here.iterrows():
        hours = row["hours"] if isinstance(row["hours"], WeeklyHours) else WeeklyHours()
        kind = str(row["type"])
        pref = len(HOST_PREFERENCE) - HOST_PREFERENCE.index(kind) if kind in HOST_PREFERENCE else 0
        open_pairs = _open_pairs(hours, slots, days)
        offered, unverified = _amenities(row)
        meets = van_needs <= offered
        if (
            meets
            and open_pairs > 0
            and (fitting is None or (open_pairs, pref, str(pid)) > fitting[0])
        ):
            fitting = ((open_pairs, pref, str(pid)), (pid, row))
        possible = van_needs <= offered | unverified
        key = (possible and open_pairs > 0, meets, possible, open_pairs, pref, str(pid))
        if any_partner is None or key > any_partner[0]:
            any_partner = (key, (pid, row))
    if fitting is not None:
        return fitting[1]
    if require_host and any_partner is not None:
        return any_partner[1]
    return None


def itinerary_problem(
    territory: Territory,
    need: NeedTable,
    *,
    start: dt.date,
    weeks: int,
    network: Any = None,
    require_host: bool = False,
    frequency_rule: Callable[[Any], Frequency | None] = default_frequency,
    van_needs: frozenset[str] = frozenset({"parking"}),
    closed: frozenset[dt.date] = frozenset(),
    unavailable: dict[str, frozenset[dt.date]] | None = None,
    today: dt.date | None = None,
) -> ItineraryProblem:
    """Candidates, vans, bases and calendar of ``territory`` (see the module docstring).

    ``need`` is the territory's need table; a visit of a commune's stop is worth its score.
    """
    cal = territory.calendar
    vans = territory.vans
    if not vans:
        raise InvalidProblemError(
            f"Territoire {territory.id} : aucun véhicule (ni équipe à pied).",
            hint="Déclarez au moins un véhicule [[vans]] dans la spécification.",
        )
    scores = need.frame["score"]
    ranks = need.frame["rank"]
    workdays = tuple(
        sorted({d for v in vans if v.kind == "vehicule" for d in v.working_days})
        or {d for v in vans for d in v.working_days}
    )
    points: list[tuple[float, float]] = [(b.lon, b.lat) for b in territory.bases]
    bases = tuple(
        BaseLocation(b.id, b.name, i, b.lon, b.lat) for i, b in enumerate(territory.bases)
    )
    candidates: list[Candidate] = []
    partners = territory.partners
    for code, row in territory.communes.iterrows():
        chosen = _choose_host(
            str(code), partners, cal.slots, workdays, van_needs=van_needs, require_host=require_host
        )
        if chosen is not None:
            _, prow = chosen
            lon, lat = float(prow.geometry.x), float(prow.geometry.y)
            hours = prow["hours"] if isinstance(prow["hours"], WeeklyHours) else WeeklyHours()
            host = str(prow["name"])
            amenities, unverified = _amenities(prow)
        else:
            lon, lat = float(row["lon"]), float(row["lat"])
            hours = WeeklyHours.open_always()
            host = ""
            amenities, unverified = frozenset({"parking"}), frozenset()
        location = len(points)
        points.append((lon, lat))
        frequency = frequency_rule(row)
        score = float(scores.loc[str(code)])
        candidates.append(
            Candidate(
                id=str(code),
                name=str(row["name"]),
                location=location,
                need=score,
                commune=str(code),
                lon=lon,
                lat=lat,
                host=host,
                hours=hours,
                frequency=frequency,
                amenities=amenities,
                frr_class=str(row["frr_class"]),
                qpv=bool(row["qpv"]),
                unverified=unverified,
                why=candidate_why(
                    need=score,
                    rank=int(ranks.loc[str(code)]),
                    communes=len(scores),
                    young=float(row["young"]),
                    frequency=frequency,
                ),
            )
        )
    candidates, excluded = apply_rules(candidates, territory.rules, cal.slots, vans)
    sessions, session_points = session_candidates(
        territory, start=start, weeks=weeks, first_location=len(points)
    )
    candidates += sessions
    points += session_points
    matrix = travel_matrix(np.array(points, dtype=float), network=network)
    modes = {v.mode for v in vans} - {"voiture"}
    travel_time = " ".join(x for x in (matrix.describe_fr(), describe_modes_fr(modes)) if x)
    return ItineraryProblem.from_matrix(
        matrix.durations,
        matrix.distances,
        reachable=matrix.reachable,
        candidates=candidates,
        bases=bases,
        vans=vans,
        start=start,
        weeks=weeks,
        slots=cal.slots,
        setup_s=cal.setup_min * 60,
        school_zone=cal.school_zone,
        closed=closed,
        today=today,
        territory=territory.id,
        travel_time_method=matrix.method,
        travel_time=travel_time,
        van_needs=van_needs,
        van_unavailable=unavailable,
        excluded=excluded,
        people=territory.people,
        mode_durations=mode_durations(matrix.durations, matrix.distances, modes),
    )
