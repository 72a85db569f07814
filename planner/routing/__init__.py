"""Routing core: one generic prize-collecting VRP with time windows, several solvers.

- :mod:`planner.routing.model`: the problem and solution dataclasses (integer units);
- :func:`planner.routing.solve.solve`: the one entry point (``solver="pyvrp"`` or
  ``"ortools"``, ``time_limit``, ``seed``, warm start, optional deterministic budget);
- :mod:`planner.routing.check`: the independent feasibility check and schedule simulation
  that give ``RoutingSolution.feasible`` and every ``Route.start_times``.
"""
