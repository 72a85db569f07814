"""Estimated 16-25 population per commune, with its method declared.

No open file gives the population by age per commune for the region here, so the default is the
legal population times a documented national share. A user file of real INSEE age data
(``[data] young = ...``: columns ``code``, ``young``) replaces the estimate commune by commune.
"""

from __future__ import annotations

import pandas as pd

#: Share of 16-25 year olds in the population of metropolitan France: about 11.8 % (INSEE,
#: population estimates by age at 1 January 2024: ~8.0 million aged 16-25 out of ~68 million).
#: Rural communes have fewer young adults than the national mean, so this overestimates them;
#: the estimate is declared everywhere it is used.
NATIONAL_YOUNG_SHARE = 0.118

METHOD_NATIONAL = (
    "estimation : population légale x 11,8 % (part nationale des 16-25 ans, INSEE 2024)"
)
METHOD_USER = "données INSEE fournies par l'utilisateur ({n} communes), estimation ailleurs"


def estimate_young(population: pd.Series, real: pd.Series | None = None) -> tuple[pd.Series, str]:
    """Return (young population per commune, method sentence in French)."""
    young = population.astype(float) * NATIONAL_YOUNG_SHARE
    if real is None or real.empty:
        return young, METHOD_NATIONAL
    known = real.reindex(young.index).dropna()
    young.loc[known.index] = known
    if len(known) == len(young):
        return young, "données INSEE fournies par l'utilisateur"
    return young, METHOD_USER.format(n=len(known))
