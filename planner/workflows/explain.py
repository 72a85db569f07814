"""Explanations of a territory's plan: the glue of :mod:`planner.itinerary.explain`.

* :func:`candidate_why`: the default French sentences of a candidate stop (its commune's need
  score and rank, its young people, its frequency), which
  :mod:`planner.workflows.itinerary_input` puts in ``Candidate.why``; the circuit choice may
  give its own.
* :func:`attach_explanations`: the plan with its three tables (``stops``, ``communes``,
  ``unplanned``), computed from the reach arrays of :func:`planner.workflows.reach.reach_arrays`
  (the same travel times as the reach measurement), the need table, the manager's exclusions
  and access time (``territory.rules``).
"""

from __future__ import annotations

from typing import Any

from planner.coverage.need import NeedTable
from planner.csv_fr import number_fr
from planner.itinerary.explain import explain_plan
from planner.itinerary.plan import Plan
from planner.itinerary.problem import Frequency, ItineraryProblem
from planner.matrix import TravelMatrix
from planner.rules import FREQUENCY_FR
from planner.territory import Territory
from planner.workflows.need import need_table
from planner.workflows.reach import reach_arrays
from planner.workflows.territory_arrays import fixed_labels


def candidate_why(
    *, need: float, rank: int, communes: int, young: float, frequency: Frequency | None
) -> tuple[str, ...]:
    """Why a commune's stop is a candidate, in French: need score and rank, young people,
    frequency (``None``: one optional visit)."""
    if frequency is None:
        how = "visite ponctuelle, si un créneau reste libre"
    elif frequency is Frequency.ONCE:
        how = "une visite prévue sur l'horizon"
    else:
        how = f"arrêt régulier prévu {FREQUENCY_FR[frequency.value]}"
    return (
        f"besoin {number_fr(need, 1)} sur 100 (rang {rank} sur {communes} communes)",
        f"{number_fr(young)} jeunes de 16 à 25 ans estimés dans la commune",
        how,
    )


def attach_explanations(
    territory: Territory,
    problem: ItineraryProblem,
    plan: Plan,
    *,
    need: NeedTable | None = None,
    network: Any = None,
    to_fixed: TravelMatrix | None = None,
) -> Plan:
    """``plan`` with its explanation tables (see the module docstring).

    ``need``: the territory's need table when the caller has it (else computed with the same
    road ``network``); ``to_fixed``: the communes -> fixed contact points matrix when the
    caller has it.
    """
    if need is None:
        need = need_table(territory, network=network)
    arrays = reach_arrays(territory, plan, network=network, to_fixed=to_fixed)
    names, kinds = fixed_labels(territory)
    scores = {str(k): float(v) for k, v in need.frame["score"].items()}
    rules = territory.rules
    explanations = explain_plan(
        plan,
        problem,
        arrays,
        fixed_names=names,
        fixed_kinds=kinds,
        need=scores,
        excluded=frozenset(rules.exclude),
        access_s=rules.access_s,
    )
    return explanations.attach(plan)
