"""Limits: request body size (413 before authentication), gzip, failed-authentication rate.

The body limit is also checked against a real server process (uvicorn): a 200 MB upload without
a token, declared or chunked, is refused with a French 413 while the server's memory stays flat.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from api.service.limits import DEFAULT_MAX_BODY_BYTES, FailureLimiter
from api.service.security import html_policy
from tests.api.service.conftest import CM, make_settings, open_client

PARTNER = {
    "name": "Centre social du Tennis",
    "type": "centre_social",
    "lon": 4.4281,
    "lat": 46.8021,
}
MB = 1024 * 1024


# -- body size, in process ------------------------------------------------------------------


@pytest.fixture
def small_limit_client(db_url):
    with open_client(make_settings(db_url, max_body_bytes=4096)) as c:
        yield c


def test_declared_body_over_the_limit_is_a_french_413_before_the_token(small_limit_client):
    body = b"x" * 6144
    r = small_limit_client.post(
        f"/territories/{CM}/partners", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413  # not 401: the body is refused before the token is looked at
    assert r.json()["detail"] == (
        "Requête trop volumineuse : au plus 4 Kio (4096 octets) attendus, reçu 6 Kio (6144 octets)."
    )
    assert "MILO_MAX_BODY_BYTES" in r.json()["hint"]
    assert r.headers["connection"] == "close"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_body_under_the_limit_goes_on_to_authentication(small_limit_client):
    r = small_limit_client.post(f"/territories/{CM}/partners", json=PARTNER)
    assert r.status_code == 401 and r.json()["detail"] == "Jeton d'accès absent."


def test_a_chunked_body_is_cut_at_the_limit(small_limit_client):
    sent = {"bytes": 0}

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):  # 1 MB in 1 KB chunks, without Content-Length
            sent["bytes"] += 1024
            yield b"x" * 1024

    r = small_limit_client.post(
        f"/territories/{CM}/partners",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert "corps envoyé par morceaux, coupé à la limite" in r.json()["detail"]
    assert "4096 octets" in r.json()["detail"]


def test_the_default_limit_takes_the_largest_plan_request(client, tokens):
    """A plan request at every bound of its schema (1000 exclusions, 100 pins...) fits the
    default limit many times over; it reaches validation (422), not the 413."""
    body = {
        "start": "2025-05-05",
        "weeks": 1,
        "rules": {
            "exclude": [f"{71000 + i}" for i in range(1000)],
            "pins": [{"commune": "71106", "weekday": "lundi", "slot": "matin"}] * 100,
            "frequency": {f"{71000 + i}": "monthly" for i in range(1000)},
            "forbid": {f"{71000 + i}": ["weekly", "fortnightly", "monthly"] for i in range(1000)},
        },
    }
    raw = json.dumps(body).encode()
    assert len(raw) * 40 < DEFAULT_MAX_BODY_BYTES  # about 80 KB
    r = client.post(
        f"/territories/{CM}/plans",
        content=raw,
        headers=tokens["manager"] | {"content-type": "application/json"},
    )
    assert r.status_code == 422, r.text


# -- gzip ------------------------------------------------------------------------------------


def test_map_pages_and_json_are_gzipped_and_keep_their_security_headers(client, tokens):
    headers = tokens["manager"] | {"accept-encoding": "gzip"}
    page = client.get(f"/territories/{CM}/coverage/map", headers=headers)
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["vary"].lower() == "accept-encoding"
    # the CSP hashes the page as the browser sees it once decompressed
    assert page.headers["content-security-policy"] == html_policy(page.content)
    assert "'sha256-" in page.headers["content-security-policy"]
    communes = client.get(f"/territories/{CM}/communes", headers=headers)
    assert communes.headers["content-encoding"] == "gzip"
    assert (
        communes.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert communes.json()["type"] == "FeatureCollection"


def test_small_answers_and_clients_without_gzip_get_plain_bodies(client, tokens):
    health = client.get("/health", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in health.headers  # under the 1000-byte minimum
    plain = client.get(
        f"/territories/{CM}/communes", headers=tokens["manager"] | {"accept-encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers and plain.json()["features"]


# -- failed authentication -------------------------------------------------------------------


def test_failures_past_the_limit_are_a_french_429_but_a_valid_token_is_served(db_url):
    from api.service.auth import create_token

    with open_client(make_settings(db_url, auth_failures_per_minute=10)) as c:
        bad = {"Authorization": "Bearer pas-un-jeton"}
        for _ in range(10):
            assert c.get("/territories", headers=bad).status_code == 401
        r = c.get("/territories", headers=bad)
        assert r.status_code == 429
        assert r.json()["detail"].startswith(
            "Trop d'échecs d'authentification depuis l'adresse testclient (plus de 10 en 60 s)"
        )
        assert "Jeton d'accès inconnu." in r.json()["detail"]
        wait = int(r.headers["retry-after"])
        assert 1 <= wait <= 60 and f"Réessayez dans {wait} s" in r.json()["hint"]
        assert c.get("/territories").status_code == 429  # no token at all: a failure too
        state = c.app.state.milo
        token = create_token(state.db, state.settings.secret, role="manager", territory_id=CM)
        # never verified before (not in the cache), from the blocked address: served
        ok = c.get("/territories", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert state.auth.failures.failures("testclient") == 10  # the window holds the last 10


def test_the_window_rolls_and_retry_after_says_when():
    limiter = FailureLimiter(limit=3, window_s=60)
    assert [limiter.fail("a", now=t) for t in (0, 10, 20)] == [None, None, None]
    assert limiter.fail("a", now=30) == 40  # 10, 20, 30 in the window until 10 leaves at 70
    assert limiter.fail("b", now=30) is None  # per address
    assert limiter.fail("a", now=69) == 11  # still blocked; 20, 30, 69 now: 20 leaves at 80
    assert limiter.fail("a", now=80) is None  # 30 and 69 only: under the limit again


def test_the_limiter_forgets_the_least_recent_addresses():
    limiter = FailureLimiter(limit=1, window_s=60, max_clients=2)
    limiter.fail("a", now=0)
    limiter.fail("b", now=1)
    limiter.fail("c", now=2)
    assert limiter.fail("a", now=3) is None  # forgotten, so not blocked
    assert limiter.fail("c", now=4) == 60  # c is remembered (its latest failure at 4 s)


def test_the_limiter_counts_exactly_under_threads():
    limiter = FailureLimiter(limit=10_000, window_s=600)
    threads = [
        threading.Thread(target=lambda: [limiter.fail("x") for _ in range(500)]) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert limiter.failures("x") == 4000


# -- a real server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, psutil.Process]]:
    """``uvicorn api.service.main:app`` on a free port with a fresh SQLite store."""
    port = _free_port()
    state = tmp_path_factory.mktemp("server-state")
    env = os.environ | {
        "MILO_ENV": "development",
        "MILO_STATE_DIR": str(state),
        "MILO_DATABASE_URL": "",
        "MILO_SECRET_KEY": "",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    log = state / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.service.main:app", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise AssertionError(log.read_text())
            try:
                status, _ = _request(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _read_answer(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ")[1])
    return status, json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)


def _request(port: int, raw: bytes) -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        return _read_answer(sock)


def _upload(port: int, *, total: int, chunked: bool) -> tuple[int, dict]:
    """POST ``total`` bytes without a token; the answer is read while the body is being sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    framing = b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}".encode()
    sock.sendall(
        b"POST /territories/creusot-montceau/partners HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\n" + framing + b"\r\n\r\n"
    )
    piece = b"x" * MB

    def send_body() -> None:
        try:
            for _ in range(total // MB):
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection after its 413: the point of the limit

    sender = threading.Thread(target=send_body)
    sender.start()
    try:
        return _read_answer(sock)
    finally:
        sock.close()
        sender.join(timeout=60)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_upload_without_token_is_refused_and_memory_stays_flat(server, chunked):
    port, process = server
    _upload(port, total=8 * MB, chunked=chunked)  # warm the same code path first
    before = process.memory_info().rss
    status, body = _upload(port, total=200 * MB, chunked=chunked)
    grown = process.memory_info().rss - before
    assert status == 413, body
    assert body["detail"].startswith("Requête trop volumineuse : au plus 4 Mio")
    assert grown < 20 * MB, f"{grown / MB:.1f} MB"
    # the server still answers
    assert _request(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")[0] == 200
