"""The one glue layer: one call per user task, from a :class:`~planner.territory.Territory`.

The CLI, the API service and the maps call these functions; nothing else turns a Territory into
engine inputs (matrices, need table, problems).
"""
