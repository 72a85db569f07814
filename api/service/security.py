"""Security headers on every answer of the service (an ASGI middleware).

Every answer: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: no-referrer`` and a ``Content-Security-Policy``:

- JSON and other non-HTML answers: ``default-src 'none'; frame-ancestors 'none'`` (nothing
  in them may run or load anything);
- HTML pages (maps, next stop, ``/docs``): :func:`html_policy`. The maps are self-contained
  folium pages whose libraries and map code are inline ``<script>`` elements, so ``script-src``
  lists the SHA-256 hash of each inline script of that very answer and ``'self'`` (the
  service's own script files, such as Swagger UI's: a JSON answer cannot be run as a script,
  it is ``nosniff``): no ``'unsafe-inline'``, no ``'unsafe-eval'``, no script from elsewhere.
  An attribute handler (``onerror=``, ``onload=``), a ``javascript:`` link or a script from
  elsewhere is refused by the browser even if text ever escaped its escaping. What the policy
  still allows: the inline scripts present in the page when it left the service (hashed here,
  after rendering: a ``<script>`` element injected into the HTML itself would be hashed with
  them, which is why every user text is escaped or passed as JSON first,
  ``maps/safe_text.py``); inline styles
  (``style-src 'unsafe-inline'``: Leaflet positions everything with style attributes); images
  from the page itself, ``data:``/``blob:`` and the opt-in OpenStreetMap tiles. ``/docs`` loads
  Swagger UI from the service itself (``routes/docs.py``): no page loads anything from a CDN.
  A page may frame pages of the service itself (``frame-src 'self'``), nothing else; it may
  register the service's own service worker and manifest (``worker-src``, ``manifest-src``).
- a service worker's script (an answer with ``Service-Worker-Allowed``): :data:`WORKER_POLICY`
  (the worker may fetch from the service, nothing else).

Framing: no answer may be shown inside a frame (``frame-ancestors 'none'``, ``X-Frame-Options:
DENY``), except an HTML answer whose route opts in with the response header
:data:`FRAME_HEADER` ``: self`` (a web page's embedded map): the middleware removes that header
and sends ``frame-ancestors 'self'`` and ``X-Frame-Options: SAMEORIGIN`` instead, so that only
the service's own pages can frame it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COMMON_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
#: a service worker's script (an answer with ``Service-Worker-Allowed``): its own context may
#: fetch from the service only (the phone pages' offline cache, :mod:`api.web.routes.field_offline`)
WORKER_POLICY = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"
#: response header of a route whose HTML answer the service's own pages may frame (removed)
FRAME_HEADER = "x-milo-frame"
FRAME_SELF = "self"
OSM_TILES = "https://tile.openstreetmap.org"

_INLINE_SCRIPT = re.compile(
    rb"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE
)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)


def script_hashes(html: bytes) -> list[str]:
    """CSP sources (``'sha256-...'``) of the inline scripts of ``html``, in order, unique."""
    seen: dict[str, None] = {}
    for match in _INLINE_SCRIPT.finditer(html):
        if _SRC.search(match["attrs"]):
            continue
        digest = base64.b64encode(hashlib.sha256(match["body"]).digest()).decode()
        seen[f"'sha256-{digest}'"] = None
    return list(seen)


def html_policy(html: bytes, *, framable: bool = False) -> str:
    """The Content-Security-Policy of one HTML answer (see the module docstring);
    ``framable``: the service's own pages may frame it."""
    scripts = " ".join(["'self'", *script_hashes(html)])
    images = f"'self' data: blob: {OSM_TILES}"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "frame-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "frame-ancestors 'self'" if framable else "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Adds :data:`COMMON_HEADERS` and the Content-Security-Policy to every HTTP answer.

    HTML answers are held until their last chunk (the hashes need the whole page); the
    service's pages are built in memory anyway. Other answers pass through as they stream.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        framable = False

        async def wrapped(message: Message) -> None:
            nonlocal start, framable
            if message["type"] == "http.response.start":
                sent = message.get("headers", [])
                headers = [
                    (k, v)
                    for k, v in sent
                    if k.decode("latin-1").lower()
                    not in (*COMMON_HEADERS, "content-security-policy", FRAME_HEADER)
                ]
                framable = _is_html(headers) and _opts_in(sent)
                common = COMMON_HEADERS | ({"x-frame-options": "SAMEORIGIN"} if framable else {})
                headers += [(k.encode(), v.encode()) for k, v in common.items()]
                message["headers"] = headers
                if _is_html(headers):
                    start = message  # sent with the body, once its hashes are known
                    return
                policy = WORKER_POLICY if _is_worker(headers) else DATA_POLICY
                headers.append((b"content-security-policy", policy.encode()))
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                policy = html_policy(body, framable=framable)
                start["headers"].append((b"content-security-policy", policy.encode()))
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, wrapped)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def _is_worker(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"service-worker-allowed" for k, _ in headers)


def _opts_in(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the route asked that the service's own pages may frame its answer."""
    return any(
        k.lower() == FRAME_HEADER.encode() and v.strip().lower() == FRAME_SELF.encode()
        for k, v in headers
    )
