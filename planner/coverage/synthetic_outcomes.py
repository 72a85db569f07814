"""A synthetic regional counts table for the demo (« données fictives »): activity and outcomes
per territory x month x approach, seeded and deterministic, shaped like the ARML's published
figures (about 36 % of the repérés mobilised; entries into schemes and situations in the
report's proportions; half of the paths under 3 months) with more young people found at the
start and the end of the school year. Every row is valid by :mod:`planner.outcomes`'s rules.

Used only when the user asks for it (``milo report --activite-fictive``); every output that
shows it says « données fictives ».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from planner.outcomes import DURATIONS, SCHEMES, SITUATIONS, month_end
from planner.taxonomy import Approach

#: the ARML's published proportions (2020-2023), used as the shares of the synthetic draws
SCHEME_SHARES = {"pacea": 240, "garantie_jeunes": 63, "cej_ml": 125, "parrainage": 8,
                 "cej_ft": 24, "aij": 22, "autre_dispositif": 5}  # fmt: skip
SITUATION_SHARES = {"immersion_pmsmp": 48, "volontariat": 13, "retour_scolarite": 30,
                    "formation": 58, "alternance": 48, "emploi": 607}  # fmt: skip
DURATION_SHARES = (50, 16, 15, 12, 7)
#: how much more is found per month (September and June: the best periods)
SEASON = {9: 1.8, 10: 1.3, 6: 1.6, 5: 1.2, 7: 0.7, 8: 0.4, 12: 0.8}


def _split(rng: np.random.Generator, total: int, weights: Sequence[int]) -> list[int]:
    p = np.asarray(weights, dtype=float)
    return [int(x) for x in rng.multinomial(total, p / p.sum())]


def _named(columns: Mapping[str, str], values: list[int]) -> dict[str, int]:
    return dict(zip(columns, values, strict=True))


def synthetic_counts(
    territories: Sequence[str], *, first: dt.date, months: int, seed: int = 0
) -> pd.DataFrame:
    """Counts for ``months`` months from ``first``'s month, one row per territory x month x
    approach with any activity (columns of :data:`geo_data.counts_file.COUNT_COLUMNS`)."""
    rng = np.random.default_rng(seed)
    start = first.replace(day=1)
    rows = []
    for territory in territories:
        scale = 0.6 + 0.8 * rng.random()
        for m in range(months):
            year, month = divmod(start.month - 1 + m, 12)
            day = dt.date(start.year + year, month + 1, 1)
            for approach in Approach:
                mean = 2.2 * scale * SEASON.get(day.month, 1.0)
                if approach is Approach.RESEAUX_SOCIAUX:
                    mean *= 0.5
                reperes = int(rng.poisson(mean))
                if reperes == 0:
                    continue
                mobilises = int(rng.binomial(reperes, 0.36))
                entries = int(rng.binomial(mobilises, 0.26))
                situations = int(rng.binomial(mobilises, 0.44))
                rows.append(
                    {
                        "territory": territory,
                        "period_start": day,
                        "period_end": month_end(day),
                        "approach": approach.value,
                        "sessions": max(1, int(rng.poisson(reperes / 4))),
                        "contacts": reperes + int(rng.poisson(reperes)),
                        "reperes": reperes,
                        "mobilises": mobilises,
                        **_named(
                            SCHEMES, _split(rng, entries, [SCHEME_SHARES[c] for c in SCHEMES])
                        ),
                        **_named(
                            SITUATIONS,
                            _split(rng, situations, [SITUATION_SHARES[c] for c in SITUATIONS]),
                        ),
                        **_named(DURATIONS, _split(rng, mobilises, DURATION_SHARES)),
                    }
                )
    frame = pd.DataFrame(rows)
    for column in DURATIONS:
        frame[column] = frame[column].astype("Int64")
    return frame
