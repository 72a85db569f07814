"""FastAPI dependencies (``Annotated`` aliases): settings, store session, caller, app state."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from threading import Lock
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.service.auth import Authenticator, Principal
from api.service.db.session import Database
from api.service.jobs import JobRunner
from api.service.limits import describe_client
from api.service.plan_index import PlanIndex
from api.service.settings import Settings, get_settings
from api.service.territory_store import TerritoryCache

SettingsDep = Annotated[Settings, Depends(get_settings)]


class ResponseCache:
    """Bounded cache of serialised answers that cannot change (finished plans)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class AppState:
    """Everything the routes share, built once at start-up.

    See :func:`api.service.main.lifespan`.
    """

    settings: Settings
    db: Database
    territories: TerritoryCache
    jobs: JobRunner
    auth: Authenticator
    plans: PlanIndex
    responses: ResponseCache = field(default_factory=ResponseCache)


async def get_state(request: Request) -> AppState:
    return request.app.state.milo


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with state.db.session() as s:
        yield s


SessionDep = Annotated[Session, Depends(get_session)]

bearer = HTTPBearer(
    auto_error=False,
    description="Jeton d'accès (milo token create) : « Authorization: Bearer <jeton> ».",
)


async def get_principal(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller: from the token cache without blocking, else verified in the thread pool
    (a failure counts against the client's address, :class:`~api.service.limits.FailureLimiter`)."""
    header = None if credentials is None else f"{credentials.scheme} {credentials.credentials}"
    hit = state.auth.cached(header)
    if hit is not None:
        return hit
    return await run_in_threadpool(state.auth, header, describe_client(request.client))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
