"""Public routing benchmark files: Solomon VRPTW, TOPTW (OPTW) and CVRPLIB ``.sol`` solutions.

Pure parsers take text; the ``read_*`` functions only open a file and hand its text over.
Distances follow the benchmarks' convention: Euclidean, truncated to one decimal, kept as
integer tenths (``floor(10 * d)``); times are scaled by 10 as well so that travel time equals
distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SCALE = 10  # one decimal, as integers


@dataclass(frozen=True)
class Instance:
    """One depot (row 0) and its customers, in the file's units.

    Attributes
    ----------
    name
        Instance name (file header for Solomon, file stem for TOPTW).
    ids
        Customer number of each row as written in the file (0 for the depot).
    coords
        ``(n + 1, 2)`` coordinates.
    demand, service, score, ready, due
        Per row: load, service duration, collected score, time window.
    vehicles, capacity
        Fleet size and vehicle capacity (TOPTW: one vehicle, no capacity).
    """

    name: str
    ids: np.ndarray
    coords: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    score: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    vehicles: int
    capacity: int | None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if n < 2:
            raise ValueError(f"{self.name}: at least a depot and one customer expected, got {n}.")
        for label in ("coords", "demand", "service", "score", "ready", "due"):
            if len(getattr(self, label)) != n:
                raise ValueError(
                    f"{self.name}: {label} has {len(getattr(self, label))} rows, not {n}."
                )
        if self.vehicles < 1:
            raise ValueError(f"{self.name}: at least one vehicle expected, got {self.vehicles}.")


def parse_solomon(text: str) -> Instance:
    """Parse a Solomon VRPTW file (name line, VEHICLE block, CUSTOMER table)."""
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("Empty Solomon file.")
    name = lines[0][0]
    numeric = [row for row in lines if all(_is_number(tok) for tok in row)]
    fleet = [row for row in numeric if len(row) == 2]
    table = np.array([[float(t) for t in row] for row in numeric if len(row) == 7])
    if not fleet or table.size == 0:
        raise ValueError(f"{name}: VEHICLE line (number, capacity) or CUSTOMER table missing.")
    vehicles, capacity = (int(float(t)) for t in fleet[0])
    return Instance(
        name=name,
        ids=table[:, 0].astype(int),
        coords=table[:, 1:3],
        demand=table[:, 3].astype(int),
        service=table[:, 6],
        score=np.zeros(len(table), dtype=int),
        ready=table[:, 4],
        due=table[:, 5],
        vehicles=vehicles,
        capacity=capacity,
    )


def parse_toptw(text: str, *, name: str = "") -> Instance:
    """Parse a Cordeau/Vansteenwegen TOPTW file as a one-vehicle orienteering problem.

    Rows after the two header lines read ``i x y d S f a list... O C``: ``d`` service
    duration, ``S`` score, ``[O, C]`` time window (the last two fields). Row 0 is the depot.
    """
    rows = [line.split() for line in text.splitlines() if line.strip()]
    if len(rows) < 4:
        raise ValueError(f"{name}: two header lines and at least two rows expected.")
    body = rows[2:]
    bad = [row[0] for row in body if len(row) < 7]
    if bad:
        raise ValueError(f"{name}: rows {bad} have fewer than 7 fields.")
    values = np.array(
        [[float(r[i]) for i in (0, 1, 2, 3, 4)] + [float(r[-2]), float(r[-1])] for r in body]
    )
    return Instance(
        name=name,
        ids=values[:, 0].astype(int),
        coords=values[:, 1:3],
        demand=np.zeros(len(values), dtype=int),
        service=values[:, 3],
        score=values[:, 4].astype(int),
        ready=values[:, 5],
        due=values[:, 6],
        vehicles=1,
        capacity=None,
    )


def truncated_distances(coords: np.ndarray) -> np.ndarray:
    """Euclidean distances truncated to one decimal, as integer tenths (``floor(10 d)``).

    Integer coordinates use exact integer square roots; others ``floor`` of the float value.
    """
    diff = coords[:, None, :] - coords[None, :, :]
    if np.all(coords == np.round(coords)):
        squared = (SCALE * SCALE * (diff**2).sum(axis=2)).round().astype(np.int64)
        return np.vectorize(math.isqrt, otypes=[np.int64])(squared)
    return np.floor(SCALE * np.sqrt((diff**2).sum(axis=2)) + 1e-9).astype(np.int64)


def scaled(values: np.ndarray) -> np.ndarray:
    """Times in tenths of the file's unit, as integers."""
    return np.rint(SCALE * np.asarray(values, dtype=float)).astype(np.int64)


def parse_sol(text: str) -> tuple[list[list[int]], float | None]:
    """Routes (customer numbers) and cost of a CVRPLIB ``.sol`` text."""
    routes, cost = [], None
    for line in text.splitlines():
        head, _, tail = line.partition(":")
        if head.strip().lower().startswith("route"):
            routes.append([int(t) for t in tail.split()])
        elif line.strip().lower().startswith("cost"):
            cost = float(line.split()[1])
    return routes, cost


def format_sol(routes: list[list[int]], cost: float | int) -> str:
    """CVRPLIB ``.sol`` text: ``Route #k: ...`` per non-empty route, then ``Cost X``."""
    lines = [
        f"Route #{k}: {' '.join(map(str, r))}" for k, r in enumerate((r for r in routes if r), 1)
    ]
    shown = f"{cost:.1f}" if isinstance(cost, float) else str(cost)
    return "\n".join([*lines, f"Cost {shown}"]) + "\n"


def read_solomon(path: Path) -> Instance:
    """Read a Solomon file."""
    return parse_solomon(Path(path).read_text())


def read_toptw(path: Path) -> Instance:
    """Read a TOPTW file; the instance is named after the file (``optw_`` prefix dropped)."""
    path = Path(path)
    return parse_toptw(path.read_text(), name=path.stem.removeprefix("optw_"))


def read_sol(path: Path) -> tuple[list[list[int]], float | None]:
    """Read a ``.sol`` file."""
    return parse_sol(Path(path).read_text())


def write_sol(path: Path, routes: list[list[int]], cost: float | int) -> None:
    """Write a ``.sol`` file (creating its folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_sol(routes, cost))


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
