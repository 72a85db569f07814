"""Region comparison (``milo compare``, the ARML notebook) and the demo's synthetic activity."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pandas as pd

from planner.coverage.compare import ComparisonTable, compare_territories
from planner.coverage.synthetic import SyntheticSettings, synthetic_activity
from planner.errors import InvalidProblemError
from planner.territory import Territory
from planner.workflows.coverage import TerritoryCoverage, territory_coverage
from planner.workflows.territory_arrays import van_hosts


def synthetic_territory_activity(
    territory: Territory,
    *,
    end: date,
    seed: int,
    years: float = 1.0,
    settings: SyntheticSettings | None = None,
) -> pd.DataFrame:
    """Seeded synthetic history of ``territory``: its places are the partners that can host
    the van (:func:`planner.coverage.synthetic.synthetic_activity`).

    The caller stores it as ``territory.activity`` with ``activity_synthetic=True`` so that
    every output says "données fictives".
    """
    hosts = van_hosts(territory)
    if years <= 0:
        raise InvalidProblemError(
            f"La durée de l'historique doit être > 0 an, reçu {years}.",
            hint="Par exemple 1 ou 3,5 ans.",
        )
    codes = hosts["commune"].astype(str).to_list()
    rows = territory.communes.loc[codes]
    return synthetic_activity(
        [str(i) for i in hosts.index],
        communes=codes,
        young=rows["young"].to_numpy(dtype=float),
        frr_class=list(rows["frr_class"]),
        qpv=rows["qpv"].to_numpy(dtype=bool),
        start=end - timedelta(days=round(years * 365.25) - 1),
        end=end,
        seed=seed,
        settings=settings,
    )


def with_demo_activity(territory: Territory, *, seed: int, today: date) -> Territory:
    """The territory itself when it has real activity; otherwise a copy carrying a seeded
    synthetic history ("données fictives") ending the day before ``today``."""
    if not territory.activity.empty:
        return territory
    activity = synthetic_territory_activity(territory, end=today - timedelta(days=1), seed=seed)
    return dataclasses.replace(territory, activity=activity, activity_synthetic=True)


def region_comparison(
    territories: list[Territory],
    *,
    k: int = 8,
    within: int = 1200,
    seed: int = 0,
    today: date | None = None,
    synthetic_activity: bool = False,
) -> tuple[ComparisonTable, list[TerritoryCoverage]]:
    """What ``milo compare`` does: coverage per territory, then the suppressed comparison.

    With ``synthetic_activity`` (the demo), territories without an activity file get a seeded
    synthetic history, labelled "données fictives" in every output.
    """
    today = today or date.today()
    if synthetic_activity:
        territories = [
            with_demo_activity(t, seed=seed + i, today=today) for i, t in enumerate(territories)
        ]
    rows = [territory_coverage(t, k=k, within=within, today=today) for t in territories]
    return compare_territories([r.indicators for r in rows]), rows
