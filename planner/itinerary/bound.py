"""An upper bound on the objective, valid by construction (not a solver's claim).

Split the drive of every van day among its visits: an edge ``base -> a`` or ``a -> base`` goes
wholly to ``a``; an edge ``a -> b`` between two stops goes half to ``a`` and half to ``b``. The
visits' shares then add up exactly to the day's drive. The share of a visit to stop ``a`` is at
least

    lb(a) = min(t(base, a), t(a', a) / 2) + min(t(a, base), t(a, a'') / 2)

where ``base`` ranges over the bases of the vans that can serve ``a`` and ``a'``, ``a''`` over
the other stops that can be planned at all (a stop is never visited twice the same day). Hence
every plan has ``objective <= sum over its visits of (NEED_POINTS * need(a) - lb(a))``. A stop
is visited at most once (single) or ``ceil(days / period)`` times (periodic), and a plan has at
most one visit per position; so the sum of the largest positive per-visit values, taken at most
that many times per stop and at most ``positions`` in all, bounds every plan. Computed in
milliseconds; ``test_bound.py`` checks it against exhaustive search on tiny instances.
"""

from __future__ import annotations

import math

import numpy as np

from planner.itinerary.grid import Grid
from planner.itinerary.problem import DRIVE_POINTS, NEED_POINTS


def per_visit_drive_lower_bound(grid: Grid) -> np.ndarray:
    """``lb(a)`` in seconds for every candidate (``inf`` for stops that fit nowhere)."""
    pb = grid.problem
    n = len(pb.candidates)
    out = np.full(n, np.inf)
    feasible = np.flatnonzero(grid.fit.any(axis=1))
    if feasible.size == 0:
        return out
    dur = pb.durations.astype(float)
    locs = np.array(grid.loc, dtype=int)[feasible]
    between = dur[np.ix_(locs, locs)]
    np.fill_diagonal(between, np.inf)
    near_in = between.min(axis=0) / 2  # from another stop into a
    near_out = between.min(axis=1) / 2
    van_of_pos = np.array(
        [grid.vandays[p // grid.n_slots][0] for p in range(grid.n_positions)], dtype=int
    )
    for i, c in enumerate(feasible):
        vans = np.unique(van_of_pos[grid.fit[c]])
        bases = [grid.base_loc[v] for v in vans]
        loc = grid.loc[c]
        base_in = min(dur[b, loc] for b in bases)
        base_out = min(dur[loc, b] for b in bases)
        out[c] = min(base_in, near_in[i]) + min(base_out, near_out[i])
    return out


def max_visits(grid: Grid) -> np.ndarray:
    """Most visits any plan can give each candidate."""
    pb = grid.problem
    n_days = pb.calendar.n_days
    fit_count = grid.fit.sum(axis=1)
    out = np.zeros(len(pb.candidates), dtype=int)
    for c, cand in enumerate(pb.candidates):
        period = cand.frequency.period_weeks if cand.frequency is not None else None
        most = 1 if period is None else math.ceil(n_days / (7 * period))
        out[c] = min(most, int(fit_count[c]))
    return out


def upper_bound(grid: Grid) -> int:
    """Valid upper bound on ``NEED_POINTS * need - DRIVE_POINTS * drive`` over all plans."""
    lb = per_visit_drive_lower_bound(grid)
    counts = max_visits(grid)
    values: list[float] = []
    for c, need in enumerate(grid.need):
        if counts[c] == 0 or not np.isfinite(lb[c]):
            continue
        value = NEED_POINTS * need - DRIVE_POINTS * math.floor(lb[c])
        if value > 0:
            values.extend([value] * int(counts[c]))
    values.sort(reverse=True)
    # need points are rounded per visit in plans; allow the rounding
    return math.ceil(sum(values[: grid.n_positions]) + 0.5 * min(len(values), grid.n_positions))


def gap_pct(objective: int, bound: int) -> float:
    """Relative gap ``(bound - objective) / |bound|`` in percent (0 when both are 0)."""
    if bound == 0:
        return 0.0 if objective == 0 else 100.0
    return 100.0 * (bound - objective) / abs(bound)
