"""Secondary suppression by audit (step 3 of :mod:`planner.coverage.suppression`).

The hidden cells of a table are the unknowns of the linear system its relations expose
(:class:`TableRelations`), the visible cells its constants. Each hidden cell is bounded by two
linear programmes (HiGHS through :func:`scipy.optimize.linprog`), the standard audit of
tabular data: a « < 11 » cell lies in 0..10; a secondary cell or a hidden measure is at least
0 (the rule does not say whether a secondary cell is small). A protected cell (primary, or a
measure hidden with its count) is disclosed when its lower bound is above 0 or its upper bound
below 1. Cells that share no relation are solved apart (connected components).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from planner.errors import InvalidProblemError

#: Kinds of cells.
VISIBLE, PRIMARY, COMPLEMENT, COMPANION = 0, 1, 2, 3
SMALL_MAX = 10
EPS = 1e-6

Cell = tuple[int, str]


@dataclass(frozen=True)
class TableRelations:
    """The linear relations a shared table exposes (column names; rows by position).

    Attributes
    ----------
    total_row
        Position of the row that sums the others (``None``: no total shown).
    additive
        Columns whose total row is the sum of the other rows (missing values count as 0).
    row_sums
        ``column -> parts``: in each row, ``column`` is the sum of ``parts``.
    order
        ``(a, b)`` pairs: in each row, ``a <= b``.
    derived
        Ratio column -> the columns it is built from; hidden wherever one of them is.
    companions
        Measure column -> count column; the measure is hidden wherever the count is, then
        protected against recomputation like a count.
    keep
        ``(row, column)`` cells published elsewhere as they are (a regional total given as a
        key figure): never hidden, and known to the reader in the audit.
    """

    total_row: int | None = None
    additive: tuple[str, ...] = ()
    row_sums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    order: tuple[tuple[str, str], ...] = ()
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    companions: Mapping[str, str] = field(default_factory=dict)
    keep: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Relation:
    """``sum(coef * cell) == 0`` (``equality``; a missing cell counts as 0, as in the total)
    or ``<= 0`` (an order; dropped where a cell is missing)."""

    terms: tuple[tuple[Cell, float], ...]
    equality: bool


def table_relations(frame: pd.DataFrame, relations: TableRelations) -> list[Relation]:
    """Every relation of ``relations`` instantiated on the rows of ``frame``."""
    cols = set(frame.columns)
    n = len(frame)
    out: list[Relation] = []
    t = relations.total_row
    if t is not None:
        for col in relations.additive:
            if col in cols:
                terms = [((r, col), 1.0) for r in range(n) if r != t] + [((t, col), -1.0)]
                out.append(Relation(tuple(terms), True))
    for col, parts in relations.row_sums.items():
        if col in cols and any(p in cols for p in parts):  # no part shown: no relation
            for r in range(n):
                terms = [((r, col), 1.0)] + [((r, p), -1.0) for p in parts if p in cols]
                out.append(Relation(tuple(terms), True))
    for a, b in relations.order:
        if a in cols and b in cols:
            out += [Relation((((r, a), 1.0), ((r, b), -1.0)), False) for r in range(n)]
    return out


def _number(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return out


class _System:
    """The hidden cells as LP variables, visible cells folded into right-hand sides."""

    def __init__(
        self,
        frame: pd.DataFrame,
        kinds: Mapping[str, np.ndarray],
        relations: list[Relation],
    ) -> None:
        self.cells: list[Cell] = []
        self.index: dict[Cell, int] = {}
        self.bounds: list[tuple[float, float | None]] = []
        for col, kind in kinds.items():
            for r in np.flatnonzero(kind != VISIBLE):
                cell = (int(r), col)
                self.index[cell] = len(self.cells)
                self.cells.append(cell)
                k = kind[r]
                if k == PRIMARY:
                    self.bounds.append((0.0, float(SMALL_MAX)))
                else:  # a secondary cell may hold any value, small or not
                    self.bounds.append((0.0, None))
        self.rows: list[tuple[dict[int, float], float, bool]] = []
        parent = list(range(len(self.cells)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for rel in relations:
            coefs: dict[int, float] = {}
            rhs, missing = 0.0, False
            for cell, coef in rel.terms:
                if cell in self.index:
                    j = self.index[cell]
                    coefs[j] = coefs.get(j, 0.0) + coef
                else:
                    value = _number(frame[cell[1]].iloc[cell[0]])
                    missing |= bool(np.isnan(value))
                    rhs -= 0.0 if np.isnan(value) else coef * value
            if missing and not rel.equality:
                continue  # an order between a figure and a missing one says nothing
            if coefs:
                self.rows.append((coefs, rhs, rel.equality))
                first = find(next(iter(coefs)))
                for j in coefs:
                    parent[find(j)] = first
        self.component = [find(i) for i in range(len(self.cells))]

    def bounds_of(self, j: int) -> tuple[float, float]:
        """LP minimum and maximum of variable ``j`` (``inf`` when unbounded above)."""
        comp = self.component[j]
        members = [i for i, c in enumerate(self.component) if c == comp]
        local = {i: k for k, i in enumerate(members)}
        rows = [r for r in self.rows if next(iter(r[0])) in local]
        eq = [r for r in rows if r[2]]
        ub = [r for r in rows if not r[2]]

        def matrix(part: list[tuple[dict[int, float], float, bool]]) -> tuple:
            if not part:
                return None, None
            a = np.zeros((len(part), len(members)))
            for i, (coefs, _, _) in enumerate(part):
                for var, coef in coefs.items():
                    a[i, local[var]] = coef
            return a, np.asarray([rhs for _, rhs, _ in part])

        a_eq, b_eq = matrix(eq)
        a_ub, b_ub = matrix(ub)
        bounds = [self.bounds[i] for i in members]
        out = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(members))
            c[local[j]] = sign
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            if res.status == 3:  # unbounded
                out.append(-sign * np.inf)
            elif res.status != 0:
                raise InvalidProblemError(
                    "Secret statistique : les relations du tableau sont incohérentes "
                    f"(aucune valeur de « {self.cells[j][1]} » ne les vérifie).",
                    hint="Les totaux doivent être la somme des territoires et les parts "
                    "d'un compte inférieures à ce compte.",
                )
            else:
                out.append(sign * float(res.fun))
        return out[0], out[1]


def disclosed(
    frame: pd.DataFrame,
    kinds: Mapping[str, np.ndarray],
    *,
    protected: Mapping[str, np.ndarray],
    relations: list[Relation],
    cache: dict[tuple[Cell, ...], dict[Cell, tuple[float, float]]] | None = None,
) -> list[Cell]:
    """``protected`` hidden cells whose LP bounds exclude 0 or pin them at 0, then the other
    hidden cells pinned to one value (as good as shown: the next complement goes around them).

    ``cache`` keeps the bounds of a component (the same hidden cells give the same system)
    from one round of :func:`protect` to the next.
    """
    system = _System(frame, kinds, relations)
    cache = {} if cache is None else cache
    linked = {j for coefs, _, _ in system.rows for j in coefs}
    groups: dict[int, list[int]] = {}
    for j in sorted(linked):
        groups.setdefault(system.component[j], []).append(j)
    out, pinned = [], []
    for members in groups.values():
        key = tuple(sorted(system.cells[j] for j in members))
        if key not in cache:
            cache[key] = {system.cells[j]: system.bounds_of(j) for j in members}
        for (r, col), (lo, hi) in cache[key].items():
            if col in protected and protected[col][r]:
                if lo > EPS or hi < 1 - EPS:
                    out.append((r, col))
            elif hi - lo < EPS:
                pinned.append((r, col))
    return out + pinned if out else []


def _complement(
    frame: pd.DataFrame,
    kinds: Mapping[str, np.ndarray],
    cell: Cell,
    relations: list[Relation],
    total_row: int | None,
    used: set[int],
    keep: frozenset[Cell] = frozenset(),
) -> tuple[int, Cell] | None:
    """The visible cell to hide so that ``cell`` is no longer pinned, and its relation."""
    mine = [i for i, rel in enumerate(relations) if any(c == cell for c, _ in rel.terms)]

    def hidden_partners(i: int) -> int:
        return sum(kinds[c[1]][c[0]] != VISIBLE for c, _ in relations[i].terms if c != cell)

    mine.sort(key=lambda i: (not relations[i].equality, hidden_partners(i), i))
    for i in mine:
        if i in used:
            return i, cell  # already given a complement this round: audit again first
        options = []
        for (r, col), _ in relations[i].terms:
            value = _number(frame[col].iloc[r])
            if (r, col) in keep:
                continue
            if (r, col) != cell and kinds[col][r] == VISIBLE and not np.isnan(value):
                options.append((r == total_row, value, r, col))
        if options:
            _, _, r, col = min(options)
            return i, (r, col)
    return None


def protect(
    frame: pd.DataFrame,
    kinds: dict[str, np.ndarray],
    *,
    relations: TableRelations,
) -> dict[str, np.ndarray]:
    """Add secondary cells (:data:`COMPLEMENT`) until no protected cell (primary or companion
    from the start, or a companion added on the way) is disclosed."""
    rels = table_relations(frame, relations)
    kinds = {c: k.copy() for c, k in kinds.items()}
    for col in {c for rel in rels for (_, c), _ in rel.terms} - kinds.keys():
        kinds[col] = np.zeros(len(frame), dtype=int)
    protected = {c: np.isin(k, (PRIMARY, COMPANION)) for c, k in kinds.items()}
    cache: dict[tuple[Cell, ...], dict[Cell, tuple[float, float]]] = {}
    member: dict[Cell, set[int]] = {}  # cell -> the relations it is in
    for i, rel in enumerate(rels):
        for cell, _ in rel.terms:
            member.setdefault(cell, set()).add(i)
    for _ in range(frame.size + 1):
        found = disclosed(frame, kinds, protected=protected, relations=rels, cache=cache)
        if not found:
            return kinds
        used: set[int] = set()
        changed = False
        for cell in found:
            pick = _complement(
                frame, kinds, cell, rels, relations.total_row, used, frozenset(relations.keep)
            )
            if pick is None or pick[1] == cell:
                continue  # no visible cell left in its relations / already complemented
            changed = True
            r, col = pick[1]
            kinds[col][r] = COMPLEMENT
            used |= member.get((r, col), set())
            for measure, count in relations.companions.items():
                if count != col or measure not in kinds or kinds[measure][r] != VISIBLE:
                    continue
                if not np.isnan(_number(frame[measure].iloc[r])):
                    kinds[measure][r] = COMPANION
                    protected[measure][r] = True
                    used |= member.get((r, measure), set())
        if not changed:
            break
    raise InvalidProblemError(
        f"Secret statistique impossible à garantir : {len(found)} cellule(s) masquée(s) "
        f"restent recalculables (par exemple la colonne « {found[0][1]} »).",
        hint="Retirez le total régional ou la colonne concernée du tableau partagé.",
    )
