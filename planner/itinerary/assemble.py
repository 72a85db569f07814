"""Turn a working schedule into a :class:`Plan`: visits, van days, dropped stops, KPIs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from planner.amenities import to_check_text
from planner.itinerary.grid import Grid
from planner.itinerary.periodic import REASON_NO_PATTERN, Pattern
from planner.itinerary.plan import Dropped, Plan, Skipped, SolverInfo, VanDay, Visit
from planner.itinerary.schedule import Schedule

REASON_OUTRANKED = "non retenu : les créneaux disponibles servent des besoins plus élevés"
REASON_NOT_WORTH = "non retenu : le trajet coûte plus que le besoin servi"
REASON_REQUIRED_NO_ROOM = "obligatoire mais aucun créneau compatible n'est resté libre"
REASON_CANCELLED = "annulé"
REASON_VISIT_CANCELLED = "visite annulée"


def skip_reason(grid: Grid, v: int, d: int, c: int | None = None) -> str:
    """French reason why van ``v`` has no visit of candidate ``c`` on horizon day ``d``."""
    pb = grid.problem
    info = pb.calendar.days[d]
    van = pb.vans[v]
    if c is not None and info.date in pb.cancelled(pb.candidates[c]):
        return REASON_VISIT_CANCELLED
    if info.public_holiday is not None:
        return f"jour férié ({info.public_holiday})"
    if info.date in pb.calendar.closed:
        return "date fermée"
    if info.date in pb.unavailable(van):
        return f"véhicule {van.id} indisponible"
    if info.weekday not in van.working_days:
        return "jour non travaillé"
    if not pb.works(van, info.weekday):
        return "un membre de l'équipe ne travaille pas ce jour"
    return "hors période de l'arrêt (vacances scolaires)"


def kpis(grid: Grid, visits: list[Visit], days: list[VanDay], schedule: Schedule) -> dict[str, Any]:
    drive_s = sum(d.drive_s for d in days)
    return {
        "need_served": round(sum(v.need for v in visits), 3),
        "visits": len(visits),
        "stops_served": len({v.stop_id for v in visits}),
        "communes_served": len({v.commune for v in visits if v.commune}),
        "van_days": len(days),
        "drive_s": drive_s,
        "drive_h": round(drive_s / 3600, 3),
        "drive_km": round(sum(d.drive_m for d in days) / 1000, 3),
        "visits_by_frr_class": dict(sorted(Counter(v.frr_class for v in visits).items())),
        "visits_qpv": sum(1 for v in visits if v.qpv),
        "visits_by_kind": dict(sorted(Counter(v.kind for v in visits).items())),
        "visits_by_approach": dict(sorted(Counter(v.approach for v in visits).items())),
        "objective": schedule.objective,
    }


def assemble(
    grid: Grid,
    schedule: Schedule,
    *,
    patterns: dict[int, Pattern],
    failed_periodic: list[int],
    solver: SolverInfo,
    cancelled: frozenset[str] = frozenset(),
    source: dict[str, Any] | None = None,
    extra_notes: tuple[str, ...] = (),
) -> Plan:
    """Build the Plan of ``schedule`` (times recomputed from the grid)."""
    pb = grid.problem
    cal = pb.calendar
    visits: list[Visit] = []
    days: list[VanDay] = []
    order = sorted(range(len(grid.vandays)), key=lambda k: (grid.vandays[k][1], grid.vandays[k][0]))
    fixed = {f.key: f for f in pb.fixed}
    for k in order:
        v, d = grid.vandays[k]
        day_visits = schedule.day_visits(k)
        if not day_visits:
            continue
        timing = grid.day_timing(v, day_visits)
        date = cal.days[d].date
        for (s, c), arrival in zip(day_visits, timing.arrivals, strict=True):
            cand = pb.candidates[c]
            slot = pb.slots[s]
            f = fixed.get((date, pb.vans[v].id, slot.name, cand.id))
            origin = f.origin if f is not None else None
            visits.append(
                Visit(
                    date=date,
                    van=pb.vans[v].id,
                    slot=slot.name,
                    stop_id=cand.id,
                    stop_name=cand.name,
                    commune=cand.commune,
                    lon=cand.lon,
                    lat=cand.lat,
                    arrival_s=arrival,
                    start_s=grid.start[c][s],
                    end_s=grid.start[c][s] + grid.service[c][s],
                    host=cand.host,
                    need=cand.need,
                    frr_class=cand.frr_class,
                    qpv=cand.qpv,
                    to_check=to_check_text(cand.to_check(pb.needs_of(pb.vans[v]))),
                    kind=cand.kind,
                    approach=cand.approach,
                    resource=pb.vans[v].kind,
                    private=cand.private,
                    locked=f is not None and f.locked,
                    moved_from=origin[0].isoformat() if origin else "",
                    moved_from_van=origin[1] if origin else "",
                    moved_from_slot=origin[2] if origin else "",
                )
            )
        days.append(
            VanDay(
                van=pb.vans[v].id,
                date=date,
                leave_base_s=timing.leave_s,
                return_base_s=timing.return_s,
                drive_s=timing.drive_s,
                drive_m=timing.drive_m,
                stops=tuple(pb.candidates[c].id for _, c in day_visits),
            )
        )
    dropped = _dropped(grid, schedule, failed_periodic, cancelled)
    skipped = [
        Skipped(pb.candidates[c].id, cal.days[d].date, skip_reason(grid, pat.van, d, c))
        for c, pat in sorted(patterns.items())
        for d in pat.skipped_days
    ]
    notes = list(pb.notes) + list(extra_notes)
    if skipped:
        notes.append(
            f"{len(skipped)} passage(s) d'arrêts périodiques tombent un jour sans tournée "
            "(férié, fermeture, vacances) : voir « skipped »."
        )
    missing_required = [x for x in dropped if x.required and x.reason != REASON_CANCELLED]
    if missing_required:
        notes.append(
            f"{len(missing_required)} arrêt(s) obligatoire(s) impossible(s) : voir « dropped »."
        )
    return Plan(
        territory=pb.territory,
        travel_time_method=pb.travel_time_method,
        travel_time=pb.travel_time,
        start=cal.start,
        weeks=cal.weeks,
        visits=tuple(visits),
        days=tuple(days),
        dropped=tuple(dropped),
        kpis=kpis(grid, visits, days, schedule),
        solver=solver,
        skipped=tuple(skipped),
        notes=tuple(notes),
        source=dict(source or {}),
        van_bases={v.id: (pb.base_of(v).lon, pb.base_of(v).lat) for v in pb.vans},
    )


def _dropped(
    grid: Grid, schedule: Schedule, failed_periodic: list[int], cancelled: frozenset[str]
) -> list[Dropped]:
    pb = grid.problem
    failed = set(failed_periodic)
    out: list[Dropped] = []
    for c, cand in enumerate(pb.candidates):
        if schedule.count[c] > 0:
            continue
        if cand.id in cancelled:
            reason = REASON_CANCELLED
        elif grid.never_reason[c] is not None:
            reason = str(grid.never_reason[c])
        elif c in failed:
            reason = REASON_NO_PATTERN
        elif cand.required:
            reason = REASON_REQUIRED_NO_ROOM
        elif schedule.points(c) <= 0:
            reason = REASON_NOT_WORTH
        else:
            reason = REASON_OUTRANKED
        out.append(Dropped(cand.id, cand.name, reason, cand.required))
    out += [Dropped(sid, name, reason) for sid, name, reason in pb.excluded]
    return out
