"""Library settings: every environment variable that ``geo_data`` and ``maps`` read.

In the spirit of osmnx's ``settings.py``, each setting is listed here with its variable, its
default and its meaning, and this module is the only one of the library that reads
``os.environ``. Each function reads the environment when it is called, never at import, so a
test (``monkeypatch.setenv``) or a caller that changes a variable is seen by the next call. An
empty variable counts as unset.

=====================  ============================  ===============================================
variable               default                       meaning
=====================  ============================  ===============================================
``MILO_DATA_DIR``      unset                         folder of official files, same file names as
                                                     the official layout (``geo_data.sources``);
                                                     looked in after an explicit path or folder,
                                                     before the cache (``geo_data.fetch.locate``)
``MILO_CACHE_DIR``     ``~/.cache/milo-nomade``      per-user cache of downloaded official files
``MILO_OFFLINE``       unset (downloads allowed)     any value but ``0``, ``false`` or ``no``
                                                     forbids downloads (the tests set ``1``)
``MILO_OVERPASS_URL``  osmnx's (overpass-api.de)     Overpass API that ``milo roads`` asks for a
                                                     territory's road network (a mirror, or the
                                                     tests' local stand-in)
``MILO_MAPS_VENDOR``   ``maps/vendor/``              folder of the npm copies of Leaflet, jQuery and
                                                     the plugins inlined into every map page
                                                     (``make assets`` fills the default one)
=====================  ============================  ===============================================

The service's own settings (``MILO_ENV``, ``MILO_DATABASE_URL``, ``MILO_SECRET_KEY``...) are in
``api/service/settings.py``; the service finds official files through ``MILO_DATA_DIR`` here.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Values of ``MILO_OFFLINE`` that leave downloads allowed (besides unset or empty).
ONLINE_VALUES = ("0", "false", "no")


def _path(variable: str) -> Path | None:
    value = os.environ.get(variable, "")
    return Path(value) if value else None


def data_dir() -> Path | None:
    """The folder of official files named by ``MILO_DATA_DIR``, if set."""
    return _path("MILO_DATA_DIR")


def cache_dir() -> Path:
    """The per-user cache folder (``MILO_CACHE_DIR``, default ``~/.cache/milo-nomade``)."""
    return _path("MILO_CACHE_DIR") or Path.home() / ".cache" / "milo-nomade"


def offline() -> bool:
    """Whether downloads are forbidden (``MILO_OFFLINE`` set to anything but 0/false/no)."""
    return os.environ.get("MILO_OFFLINE", "").strip() not in ("", *ONLINE_VALUES)


def maps_vendor_dir() -> Path | None:
    """The folder named by ``MILO_MAPS_VENDOR``, if set (``maps.assets`` defaults it)."""
    return _path("MILO_MAPS_VENDOR")


def overpass_url() -> str | None:
    """The Overpass API named by ``MILO_OVERPASS_URL`` (without ``/interpreter``), if set."""
    value = os.environ.get("MILO_OVERPASS_URL", "").strip()
    return value.rstrip("/") or None
