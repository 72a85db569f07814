"""Tiny territory for the coverage tests: 4 communes on a line, one host partner each.

A plain namespace stands in for :class:`planner.territory.Territory`: the coverage
workflows (``planner.workflows``) only read its attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from planner.territory import ACTIVITY_COLUMNS
from planner.travel import TravelMatrix

DATA = Path(__file__).resolve().parents[2] / "data" / "coverage"
SF_DIR = ("benchmarks", "coverage")


def read_activity(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"commune": str, "place_id": str})


@dataclass
class TinyTerritory:
    communes: pd.DataFrame
    partners: pd.DataFrame
    activity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACTIVITY_COLUMNS))
    activity_synthetic: bool = False
    id: str = "tiny"
    name: str = "Petit territoire"
    young_method: str = "test : valeurs fixées"
    approximation: str = ""


def matrix(seconds: np.ndarray) -> TravelMatrix:
    """TravelMatrix from float seconds (inf = unreachable), metres = seconds x 15."""
    return TravelMatrix.from_seconds(
        seconds, np.asarray(seconds) * 15.0, method="estimate", params={"test": True}
    )


@pytest.fixture
def tiny() -> TinyTerritory:
    communes = pd.read_csv(DATA / "communes.csv", dtype={"code": str, "qpv_codes": str})
    communes["qpv_codes"] = communes["qpv_codes"].fillna("")
    partners = pd.read_csv(DATA / "partners.csv", dtype={"commune": str}).set_index("id")
    return TinyTerritory(communes.set_index("code"), partners)


@pytest.fixture
def line_seconds() -> np.ndarray:
    """Communes 10 min apart on a line; column j = the host partner of commune j."""
    pos = np.arange(4) * 600.0
    return np.abs(pos[:, None] - pos[None, :]) + 60.0


@pytest.fixture(scope="session")
def sf(shared_dir: Path) -> SimpleNamespace:
    """SF benchmark read as spopt's tests read it (pivot by tract, tracts sorted by NAME)."""
    base = shared_dir.joinpath(*SF_DIR)
    dist = pd.read_csv(base / "SF_network_distance_candidateStore_16_censusTract_205_new.csv")
    piv = dist.pivot_table(values="distance", index="DestinationName", columns="name")
    demand = pd.read_csv(base / "SF_demand_205_centroid_uniform_weight.csv")
    demand = demand.sort_values(by=["NAME"]).reset_index(drop=True)
    assert (demand["NAME"].to_numpy() == piv.index.to_numpy()).all()
    return SimpleNamespace(
        metres=piv.to_numpy(), weights=demand["POP2000"].to_numpy(), sites=list(piv.columns)
    )
