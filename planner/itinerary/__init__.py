"""Itinerary engine: periodic van tours over a few weeks, with a valid bound and re-planning.

Entry points: :class:`~planner.itinerary.problem.ItineraryProblem` (``from_matrix``; a
Territory's problem: :func:`planner.workflows.planning.territory_problem`),
:func:`~planner.itinerary.solver.solve`,
:func:`~planner.itinerary.replan.replan`, the exports in :mod:`planner.itinerary.export`, and
the independent validator :func:`planner.itinerary.check.validate_plan`.
"""
