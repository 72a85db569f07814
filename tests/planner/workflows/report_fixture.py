"""A counts file that matches the ARML's published totals (Bourgogne-Franche-Comté, January
2020 - June 2023), spread over territories, months and approaches, every row valid by the
rules of :mod:`planner.outcomes` (its bands sum to its mobilisés...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from planner.taxonomy import Approach

REPERES, MOBILISES, SESSIONS = 5133, 1840, 256
SCHEMES = {"pacea": 240, "garantie_jeunes": 63, "cej_ml": 125, "parrainage": 8, "cej_ft": 24,
           "aij": 22, "autre_dispositif": 5}  # fmt: skip
SITUATIONS = {"immersion_pmsmp": 48, "volontariat": 13, "retour_scolarite": 30,
              "formation": 58, "alternance": 48, "emploi": 607}  # fmt: skip
#: counts whose rounded shares are the published 50 / 16 / 15 / 12 / 7 %
DURATIONS = {"duree_moins_3_mois": 920, "duree_3_6_mois": 294, "duree_6_12_mois": 276,
             "duree_12_24_mois": 221, "duree_plus_24_mois": 129}  # fmt: skip
SHARES = (50, 16, 15, 12, 7)


def split(total: int, n: int) -> list[int]:
    """``total`` in ``n`` parts differing by at most one."""
    return [total // n + (1 if k < total % n else 0) for k in range(n)]


def pour(totals: dict[str, int], capacity: Sequence[int]) -> list[dict[str, int]]:
    """Fill the rows in turn with each column's total, no row over its capacity."""
    rows: list[dict[str, int]] = [dict.fromkeys(totals, 0) for _ in capacity]
    room = list(capacity)
    i = 0
    for column, amount in totals.items():
        while amount:
            take = min(amount, room[i])
            rows[i][column] += take
            room[i] -= take
            amount -= take
            if room[i] == 0:
                i += 1
    return rows


def published_counts(territories: Sequence[str]) -> pd.DataFrame:
    months = [dt.date(2020 + (m // 12), m % 12 + 1, 1) for m in range(0, 42)]
    approaches = [a.value for a in Approach]
    keys = [(t, months[(3 * k + 7 * j) % 42], approaches[(k + j) % 6])
            for k, t in enumerate(territories) for j in range(14)]  # fmt: skip
    n = len(keys)
    reperes, mobilises, sessions = split(REPERES, n), split(MOBILISES, n), split(SESSIONS, n)
    schemes, situations = pour(SCHEMES, mobilises), pour(SITUATIONS, mobilises)
    durations = pour(DURATIONS, mobilises)
    rows = []
    for i, (territory, month, approach) in enumerate(keys):
        rows.append({"territory": territory, "period_start": month.strftime("%Y-%m"),
                     "approach": approach, "sessions": sessions[i], "contacts": 2 * reperes[i],
                     "reperes": reperes[i], "mobilises": mobilises[i], **schemes[i],
                     **situations[i], **durations[i]})  # fmt: skip
    return pd.DataFrame(rows)
