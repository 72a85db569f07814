"""Pure planning engine of milo-nomade: numbers in, frozen dataclasses out.

No HTTP, no file access, no folium here. See ``DESIGN.md`` §3.
"""
