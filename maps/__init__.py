"""Interactive Folium maps (French labels, offline): itinerary, coverage, activity, comparison,
next stop. Every page is rendered with :func:`maps.assets.render_offline` (libraries inlined)."""

from maps.assets import render_offline, write_html
from maps.itinerary import itinerary_map

__all__ = ["itinerary_map", "render_offline", "write_html"]
