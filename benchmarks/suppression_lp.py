"""The attack's core: published cells, the relations a reader knows, LP and integer bounds.

See :mod:`benchmarks.suppression_attack` (the script) for what it reads and reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

TOTAL = "region"
SMALL = "< 11"
SECONDARY = "masqué (secret secondaire)"
COUNTS = (
    "communes", "communes_reached", "frr_communes", "frr_communes_reached", "qpv_total",
    "qpv_reached", "sessions_planned", "sessions_delivered", "contacts", "reperes", "mobilises",
    "stops",
)  # fmt: skip
MEASURES = ("km_driven",)
ORDERS = (
    ("communes_reached", "communes"), ("frr_communes", "communes"),
    ("frr_communes_reached", "frr_communes"), ("frr_communes_reached", "communes_reached"),
    ("qpv_reached", "qpv_total"), ("mobilises", "reperes"), ("stops", "sessions_planned"),
)  # fmt: skip
RATIOS = {
    "reperes_per_half_day": ("reperes", "sessions_delivered"),
    "mobilises_per_half_day": ("mobilises", "sessions_delivered"),
    "km_per_contact": ("km_driven", "contacts"),
}
EPS = 1e-6


@dataclass(frozen=True)
class Finding:
    """A suppressed cell the outputs let a reader recompute or bound."""

    territory: str
    column: str
    kind: str  # "exact", "1..10", "clear elsewhere", "< 11 but >= 11"
    lo: float
    hi: float
    detail: str


@dataclass
class _Cell:
    value: float | None = None  # shown number (or missing: None with ``missing``)
    label: str | None = None  # hidden label
    missing: bool = False
    decimals: int = 12
    seen: tuple[str, ...] = ()


#: the ARML's outcomes pages count every record of the published plans (``hist_``) and the
#: months of the region (``mois_``): their own cells, tied to the comparison's by orders
HISTORY_ORDERS = (
    ("hist_mobilises", "hist_reperes"), ("hist_dispositifs", "hist_mobilises"),
    ("hist_situations", "hist_mobilises"), ("reperes", "hist_reperes"),
    ("mobilises", "hist_mobilises"), ("contacts", "hist_contacts"),
    ("mois_mobilises", "mois_reperes"),
)  # fmt: skip


def _is_count(col: str) -> bool:
    return col in COUNTS or col.startswith(("stops_", "hist_", "mois_"))


def parse(value: object) -> tuple[float | None, str | None, int]:
    """A published cell: (number, hidden label, decimals shown). ``(None, None, _)``: missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None, 0
    if isinstance(value, bool):
        return float(value), None, 0
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), None, 12
    text = str(value).strip().lstrip("'")
    if not text:
        return None, None, 0
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        decimals = len(text.replace(",", ".").partition(".")[2])
        return float(text.replace(",", ".")), None, decimals
    return None, text, 0


def merge(sources: Mapping[str, Iterable[Mapping[str, object]]]) -> dict[tuple[str, str], _Cell]:
    """Every output's rows (``territory_id`` + columns) as one set of cells."""
    cells: dict[tuple[str, str], _Cell] = {}
    for name, rows in sources.items():
        for row in rows:
            tid = str(row["territory_id"])
            for col, raw in row.items():
                if col == "territory_id":
                    continue
                number, label, decimals = parse(raw)
                cell = cells.setdefault((tid, col), _Cell())
                cell.seen = (*cell.seen, f"{name}={raw}")
                if number is not None:
                    if cell.value is None or decimals > cell.decimals:
                        cell.value, cell.decimals = number, decimals
                elif label is not None:
                    cell.label = cell.label or label
                else:
                    cell.missing = True
    return cells


class _Model:
    """Unknowns: hidden cells of counts and measures; rows of ``A x (=|<=) b``."""

    def __init__(self, cells: Mapping[tuple[str, str], _Cell]) -> None:
        self.cells = cells
        self.vars: list[tuple[str, str]] = [
            key
            for key, c in cells.items()
            if c.value is None and c.label is not None and (_is_count(key[1]) or key[1] in MEASURES)
        ]
        self.index = {key: j for j, key in enumerate(self.vars)}
        self.lo = np.zeros(len(self.vars))
        self.hi = np.full(len(self.vars), np.inf)
        for j in range(len(self.vars)):
            label = cells[self.vars[j]].label
            if label == SMALL:
                self.hi[j] = 10
        self.eq: list[tuple[dict[int, float], float]] = []
        self.ub: list[tuple[dict[int, float], float]] = []
        self._relations()

    def _term(self, key: tuple[str, str]) -> tuple[int | None, float | None]:
        """(variable, None) for a hidden cell; (None, value) for a known or missing one (0);
        (None, None) when the cell is hidden but not a number the model can hold."""
        if key in self.index:
            return self.index[key], None
        cell = self.cells.get(key)
        if cell is None or (cell.value is None and cell.label is None):
            return None, 0.0
        return None, cell.value

    def _add(self, terms: list[tuple[tuple[str, str], float]], rhs: float, equal: bool) -> None:
        coefs: dict[int, float] = {}
        for key, coef in terms:
            var, value = self._term(key)
            if var is not None:
                coefs[var] = coefs.get(var, 0.0) + coef
            elif value is None:
                return  # a hidden non-count: the relation cannot be used
            else:
                missing = self.cells.get(key) is None or self.cells[key].value is None
                if missing and not equal:
                    return
                rhs -= coef * value
        if coefs:
            (self.eq if equal else self.ub).append((coefs, rhs))

    def _relations(self) -> None:
        tids = sorted({t for t, _ in self.cells} - {TOTAL})
        cols = sorted({c for _, c in self.cells})
        stop_parts = [c for c in cols if c.startswith("stops_")]
        approach_parts = [c for c in cols if c.startswith("hist_reperes_")]
        for col in cols:
            if (_is_count(col) or col in MEASURES) and (TOTAL, col) in self.cells:
                terms = [((t, col), 1.0) for t in tids] + [((TOTAL, col), -1.0)]
                self._add(terms, 0.0, True)
        for tid in [*tids, TOTAL]:
            if (tid, "stops") in self.cells and stop_parts:
                terms = [((tid, "stops"), 1.0)] + [((tid, p), -1.0) for p in stop_parts]
                self._add(terms, 0.0, True)
            if (tid, "hist_reperes") in self.cells and approach_parts:
                terms = [((tid, "hist_reperes"), 1.0)] + [((tid, p), -1.0) for p in approach_parts]
                self._add(terms, 0.0, True)
            for a, b in (*ORDERS, *HISTORY_ORDERS):
                if (tid, a) in self.cells and (tid, b) in self.cells:
                    self._add([((tid, a), 1.0), ((tid, b), -1.0)], 0.0, False)
            for ratio, (num, den) in RATIOS.items():
                cell = self.cells.get((tid, ratio))
                if cell is None or cell.value is None:
                    continue
                half = 0.5 * 10.0 ** (-cell.decimals) + 1e-12
                self._add([((tid, num), 1.0), ((tid, den), -(cell.value + half))], 0.0, False)
                self._add([((tid, num), -1.0), ((tid, den), cell.value - half)], 0.0, False)
            km = self.cells.get((tid, "km_driven"))
            if km is not None and km.value is not None and (tid, "sessions_planned") in self.cells:
                if km.value == 0:
                    self._add([((tid, "sessions_planned"), 1.0)], 0.0, True)
                else:  # some km driven: at least one session planned
                    self._add([((tid, "sessions_planned"), -1.0)], -1.0, False)

    def _matrices(self) -> tuple:
        n = len(self.vars)

        def dense(rows: list[tuple[dict[int, float], float]]) -> tuple:
            if not rows:
                return None, None
            a = np.zeros((len(rows), n))
            for i, (coefs, _) in enumerate(rows):
                for j, c in coefs.items():
                    a[i, j] = c
            return a, np.asarray([r for _, r in rows])

        return (*dense(self.eq), *dense(self.ub))

    def false_labels(self, small: list[int]) -> dict[int, float]:
        """« < 11 » cells the relations force above 10 (elastic LP: the least total excess
        over 10 of the ``small`` cells that makes the system feasible), with their excess."""
        if not small:
            return {}
        a_eq, b_eq, a_ub, b_ub = self._matrices()
        n, k = len(self.vars), len(small)
        excess = np.zeros((k, n + k))
        for i, j in enumerate(small):
            excess[i, j], excess[i, n + i] = 1.0, -1.0
        a_ub = (
            excess
            if a_ub is None
            else np.vstack([np.hstack([a_ub, np.zeros((len(a_ub), k))]), excess])
        )
        b_ub = np.full(k, 10.0) if b_ub is None else np.concatenate([b_ub, np.full(k, 10.0)])
        a_eq = None if a_eq is None else np.hstack([a_eq, np.zeros((len(a_eq), k))])
        hi = self.hi.copy()
        hi[small] = np.inf
        bounds = list(zip(self.lo, hi, strict=True)) + [(0.0, None)] * k
        c = np.concatenate([np.zeros(n), np.ones(k)])
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        if res.status != 0:
            return {}
        return {j: float(res.x[n + i]) for i, j in enumerate(small) if res.x[n + i] > EPS}

    def bounds(self, j: int, *, integer: bool = False) -> tuple[float, float]:
        """Feasible min and max of variable ``j`` (``nan`` when infeasible)."""
        a_eq, b_eq, a_ub, b_ub = self._matrices()
        hi = self.hi
        out = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(self.vars))
            c[j] = sign
            if integer:
                kinds = np.asarray([1 if _is_count(col) else 0 for _, col in self.vars])
                cons = [LinearConstraint(a_eq, b_eq, b_eq)] if a_eq is not None else []
                if a_ub is not None:
                    cons.append(LinearConstraint(a_ub, -np.inf, b_ub))
                res = milp(
                    c, integrality=kinds, bounds=Bounds(self.lo, hi), constraints=cons,
                    options={"node_limit": 10_000},
                )  # fmt: skip
                status = {0: 0, 2: 2, 3: 3}.get(res.status, 4)
            else:
                res = linprog(
                    c,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    bounds=list(zip(self.lo, hi, strict=False)),
                )
                status = res.status
            if status == 3:
                out.append(-sign * np.inf)
            elif status != 0:
                out.append(np.nan)
            else:
                out.append(sign * float(res.fun))
        return out[0], out[1]


def attack(
    sources: Mapping[str, Iterable[Mapping[str, object]]], *, integer: bool = True
) -> tuple[list[Finding], dict[str, int]]:
    """Every disclosure of the published ``sources`` and a summary of what was tried."""
    cells = merge(sources)
    findings: list[Finding] = []
    for (tid, col), cell in cells.items():
        if cell.value is not None and cell.label is not None:
            findings.append(
                Finding(tid, col, "clear elsewhere", cell.value, cell.value, " | ".join(cell.seen))
            )
    model = _Model(cells)
    targets = [j for j, key in enumerate(model.vars) if cells[key].label == SMALL]
    liars = model.false_labels(targets)
    for j, excess in liars.items():
        tid, col = model.vars[j]
        detail = f"les relations exigent {excess:.0f} de plus que les « < 11 » n'autorisent"
        findings.append(Finding(tid, col, "< 11 but >= 11", 10 + excess, math.inf, detail))
    model.hi[list(liars)] = np.inf
    for j in targets:
        if j in liars:
            continue
        tid, col = model.vars[j]
        lo, hi = model.bounds(j)
        if math.isnan(lo):
            continue
        ilo, ihi = math.ceil(lo - EPS), math.floor(hi + EPS)
        if integer and len(model.vars) <= 2000:
            lo_i, hi_i = model.bounds(j, integer=True)
            if not math.isnan(lo_i):
                ilo, ihi = max(ilo, round(lo_i)), min(ihi, round(hi_i))
        detail = f"LP [{lo:.3f}, {hi:.3f}], entier [{ilo}, {ihi}]"
        if ilo == ihi:
            findings.append(Finding(tid, col, "exact", ilo, ihi, detail))
        elif ilo >= 1 and ihi <= 10:
            findings.append(Finding(tid, col, "1..10", ilo, ihi, detail))
    summary = {
        "cells": len(cells),
        "unknowns": len(model.vars),
        "small_cells": len(targets),
        "equalities": len(model.eq),
        "inequalities": len(model.ub),
        "findings": len(findings),
    }
    return findings, summary


def findings_json(findings: list[Finding]) -> list[dict[str, object]]:
    return [asdict(f) | {"hi": None if math.isinf(f.hi) else f.hi} for f in findings]
