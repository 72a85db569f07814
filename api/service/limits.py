"""Limits that protect the service: request body size and failed authentications.

:class:`BodySizeLimit` is a pure ASGI middleware placed outermost (``main.create_app``), so it
runs before authentication and before anything reads the body:

- a ``Content-Length`` above the limit is answered 413 at once, without calling the app (the
  body is never read);
- a body without ``Content-Length`` (chunked) is counted while the app reads it; at the limit the
  read stops and the answer is the same 413 (whatever the app was about to answer);
- the 413 says ``Connection: close``: the server drops the rest of the upload.

The limit is ``MILO_MAX_BODY_BYTES`` (:class:`~api.service.settings.Settings`, default 4 MiB:
the largest request the service takes, a plan request with its rules, is a few tens of KB; a
partner is under 2 KB).

:class:`FailureLimiter` counts failed authentications (401) per client address in a rolling
window (default 10 per minute, ``MILO_AUTH_FAILURES_PER_MINUTE``); beyond it, each further
failure from that address is answered 429 with ``Retry-After``. A valid token is always
verified and served, even from a blocked address: only failures are refused. The counts live in
the process (a lock guards them): with several server processes each counts its own failures,
so the effective limit is the limit times the number of processes. Behind a reverse proxy, run
uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>`` so that the address is the
client's, not the proxy's.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict, deque
from typing import Any

from api.service.security import (
    COMMON_HEADERS,
    DATA_POLICY,
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
)

DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


def size_fr(size: int) -> str:
    """``4 Mio``, ``1,5 Mio``, ``6 Kio`` (French decimal comma)."""
    value, unit = (size / (1024 * 1024), "Mio") if size >= 1024 * 1024 else (size / 1024, "Kio")
    text = f"{value:.1f}".replace(".", ",")
    return f"{text.removesuffix(',0')} {unit}"


def too_large_body(limit: int, received: int | None) -> bytes:
    """The French 413 body (``received`` is None when the body was cut while streaming)."""
    came = (
        f"reçu {size_fr(received)} ({received} octets)"
        if received is not None
        else "corps envoyé par morceaux, coupé à la limite"
    )
    return json.dumps(
        {
            "detail": f"Requête trop volumineuse : au plus {size_fr(limit)} ({limit} octets) "
            f"attendus, {came}.",
            "hint": "Envoyez un corps plus petit (par exemple les partenaires en plusieurs "
            "requêtes) ; l'administrateur peut relever la limite avec MILO_MAX_BODY_BYTES.",
        },
        ensure_ascii=False,
    ).encode()


class _BodyTooLarge(Exception):
    """Raised inside the app's ``receive`` when a streamed body passes the limit."""


class BodySizeLimit:
    """Refuses request bodies larger than ``max_bytes`` (see the module docstring).

    ``max_bytes=None`` reads the limit from the running service's settings
    (``app.state.milo.settings.max_body_bytes``), else :data:`DEFAULT_MAX_BODY_BYTES`.
    """

    def __init__(self, app: ASGIApp, max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def limit(self, scope: Scope) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        state = getattr(getattr(scope.get("app"), "state", None), "milo", None)
        settings = getattr(state, "settings", None)
        return int(getattr(settings, "max_body_bytes", DEFAULT_MAX_BODY_BYTES))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, too_large_body(limit, declared))
            return
        received = 0
        cut = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, cut
            if cut:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut:  # the app's own answer to the cut body (400, 500...) is replaced
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _BodyTooLarge:
            pass
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await _send_413(send, too_large_body(limit, None))


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_413(send: Send, body: bytes) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"content-security-policy", DATA_POLICY.encode()),
        *((k.encode(), v.encode()) for k, v in COMMON_HEADERS.items()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class FailureLimiter:
    """Failed authentications per client address in a rolling window (thread-safe).

    :meth:`fail` records one failure and returns the seconds to wait when the address has
    passed ``limit`` failures in the last ``window_s`` seconds (else ``None``). At most
    ``max_clients`` addresses are remembered (the least recently failing are forgotten first).
    """

    def __init__(self, limit: int = 10, window_s: float = 60.0, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def fail(self, client: str, now: float | None = None) -> int | None:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._failures.pop(client, None)
            if times is None:
                times = deque(maxlen=self.limit)
            while times and now - times[0] >= self.window_s:
                times.popleft()
            blocked = len(times) >= self.limit
            times.append(now)
            self._failures[client] = times
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)
            if not blocked:
                return None
            return max(1, math.ceil(self.window_s - (now - times[0])))

    def failures(self, client: str) -> int:
        """Failures of ``client`` still in the window (tests, diagnostics)."""
        now = time.monotonic()
        with self._lock:
            return sum(1 for t in self._failures.get(client, ()) if now - t < self.window_s)


def describe_client(client: Any) -> str:
    """The address a failure is counted against (``request.client`` may be absent)."""
    host = getattr(client, "host", None)
    return str(host) if host else "inconnue"
