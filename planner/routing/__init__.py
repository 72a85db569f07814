"""Routing core: one generic prize-collecting VRP with time windows, several solvers.

- :mod:`planner.routing.model`: the problem and solution dataclasses (integer units);
- :func:`planner.routing.solve.solve`: the one entry point (``solver="pyvrp"``,
  ``"ortools"`` or ``"pyvrp+lns"``, ``time_limit``, ``seed``, warm start, optional
  deterministic budget);
- :mod:`planner.routing.hybrid` (``"pyvrp+lns"``): PyVRP, ruin-and-recreate rounds and the
  exact CP-SAT polish of :mod:`planner.routing.cpsat_polish`, for prize-collecting problems;
- :mod:`planner.routing.check`: the independent feasibility check and schedule simulation
  that give ``RoutingSolution.feasible`` and every ``Route.start_times``.
"""
