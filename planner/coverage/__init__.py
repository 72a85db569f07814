"""Coverage engine: need score, exact coverage choice, indicators, activity learning.

Entry points
------------
- :func:`need_scores_from_territory` / :func:`need_scores` -> :class:`NeedTable`
- :class:`CoverageProblem` (``from_matrix`` / ``from_territory``) with
  :func:`maximal_covering`, :func:`set_covering`, :func:`p_median` -> :class:`CoverageSolution`
- :func:`indicators_from_territory` / :func:`territory_indicators` -> :class:`TerritoryIndicators`
- :func:`compare_territories` -> :class:`ComparisonTable` (suppressed for sharing)
- :func:`smoothed_rates` (empirical Bayes), :func:`synthetic_activity_from_territory`
"""

from planner.coverage.activity import (
    ActivityRates,
    ActivitySettings,
    GammaPrior,
    smoothed_rates,
    validate_activity,
)
from planner.coverage.adapters import activity_totals, indicators_from_territory
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
    activity_label,
    need_scores,
    need_scores_from_territory,
)
from planner.coverage.problem import CoverageProblem
from planner.coverage.suppression import SECRET, SMALL, suppress_frame
from planner.coverage.synthetic import (
    SyntheticSettings,
    synthetic_activity,
    synthetic_activity_from_territory,
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
    "activity_label",
    "activity_totals",
    "compare_territories",
    "indicators_from_territory",
    "maximal_covering",
    "need_scores",
    "need_scores_from_territory",
    "p_median",
    "set_covering",
    "smoothed_rates",
    "suppress_frame",
    "synthetic_activity",
    "synthetic_activity_from_territory",
    "territory_indicators",
    "validate_activity",
]
