"""The service's clock, as a dependency: tests replace it (``app.dependency_overrides``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends


def get_now() -> dt.datetime:
    """The current instant (UTC, timezone-aware)."""
    return dt.datetime.now(dt.UTC)


NowDep = Annotated[dt.datetime, Depends(get_now)]
