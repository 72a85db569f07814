"""Sunrise and sunset at a place and date (maraudes are held in daylight).

Computed by `astral <https://astral.readthedocs.io>`_ (the NOAA solar equations) in the
territory's time zone (Europe/Paris for mainland France): pure, no file, no network. Results
are minutes after local midnight, rounded inwards (sunrise up, sunset down), cached per
place (rounded to 0.01°, about 1 km, a few seconds of sun time) and date.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sunrise, sunset

#: time zone of the Missions Locales of Bourgogne-Franche-Comté
TIME_ZONE = "Europe/Paris"


@lru_cache(maxsize=65536)
def _daylight(lon: float, lat: float, date: dt.date, zone: str) -> tuple[int, int]:
    observer = Observer(latitude=lat, longitude=lon)
    tz = ZoneInfo(zone)
    rise = sunrise(observer, date, tzinfo=tz)
    down = sunset(observer, date, tzinfo=tz)
    up = rise.hour * 60 + rise.minute + math.ceil(rise.second / 60)
    return up, down.hour * 60 + down.minute


def daylight_min(lon: float, lat: float, date: dt.date, zone: str = TIME_ZONE) -> tuple[int, int]:
    """``(sunrise, sunset)`` in minutes after local midnight at ``(lon, lat)`` on ``date``."""
    return _daylight(round(lon, 2), round(lat, 2), date, zone)
