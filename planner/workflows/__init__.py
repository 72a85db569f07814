"""The one glue layer: one call per user task, from a :class:`~planner.territory.Territory`.

The CLI, the API service and the maps call these functions; nothing else turns a Territory into
engine inputs (matrices, need table, problems), and the engines take arrays and dataclasses.

- :mod:`.territory_arrays`: what the engines read (commune points, fixed contact points, van
  hosts, QPV codes, activity totals), each extracted once;
- :mod:`.need`: the need table (the one need score);
- :mod:`.planning` with :mod:`.itinerary_input`: plan a territory, re-check a plan;
- :mod:`.coverage`: territory coverage and indicators (with a plan document too);
- :mod:`.comparison`: region comparison, the demo's synthetic activity;
- :mod:`.map_inputs`: the coverage map's inputs (need, access times, stops' catchments).
"""
