"""Coverage engine: need score, exact coverage choice, indicators, activity learning.

Entry points (arrays in, frozen dataclasses out; :mod:`planner.workflows` reads the Territory)
-----------------------------------------------------------------------------------------------
- :func:`need_scores` -> :class:`NeedTable`
- :class:`CoverageProblem` (``from_matrix``) with :func:`maximal_covering`,
  :func:`set_covering`, :func:`p_median` -> :class:`CoverageSolution`
- :func:`territory_indicators` -> :class:`TerritoryIndicators`
- :func:`compare_territories` -> :class:`ComparisonTable` (suppressed for sharing)
- :func:`smoothed_rates` (empirical Bayes), :func:`synthetic_activity`
"""

from planner.coverage.activity import (
    ActivityRates,
    ActivitySettings,
    GammaPrior,
    smoothed_rates,
    validate_activity,
)
from planner.coverage.choice import (
    CoverageSolution,
    SolverOptions,
    maximal_covering,
    p_median,
    set_covering,
)
from planner.coverage.compare import ComparisonTable, compare_territories
from planner.coverage.indicators import TerritoryIndicators, territory_indicators
from planner.coverage.need import (
    SYNTHETIC_LABEL,
    NeedTable,
    NeedWeights,
    need_scores,
)
from planner.coverage.problem import CoverageProblem
from planner.coverage.suppression import SECRET, SMALL, suppress_frame
from planner.coverage.synthetic import (
    SyntheticSettings,
    synthetic_activity,
)

__all__ = [
    "SECRET",
    "SMALL",
    "SYNTHETIC_LABEL",
    "ActivityRates",
    "ActivitySettings",
    "ComparisonTable",
    "CoverageProblem",
    "CoverageSolution",
    "GammaPrior",
    "NeedTable",
    "NeedWeights",
    "SolverOptions",
    "SyntheticSettings",
    "TerritoryIndicators",
    "compare_territories",
    "maximal_covering",
    "need_scores",
    "p_median",
    "set_covering",
    "smoothed_rates",
    "suppress_frame",
    "synthetic_activity",
    "territory_indicators",
    "validate_activity",
]
