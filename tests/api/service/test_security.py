"""Security headers on every answer, and the service's HTML pages with the injection corpus
in every partner name (so in hosts, stops' hosts, popups) opened in chromium under their CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest

from api.service.auth import create_token
from api.service.security import DATA_POLICY, html_policy, script_hashes
from tests.api.service.conftest import CM, make_plan, open_client, publish
from tests.maps.conftest import chromium  # noqa: F401  (the fixture)
from tests.maps.injection import CORPUS, INJECTED_SELECTOR, poisoned

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_json_and_error_answers_carry_the_headers(client, tokens):
    for r in (
        client.get("/health"),
        client.get(f"/territories/{CM}/partners"),  # 401
        client.get(f"/territories/{CM}/partners", headers=tokens["manager"]),
    ):
        for name, value in COMMON.items():
            assert r.headers[name] == value, (r.url, name)
        assert r.headers["content-security-policy"] == DATA_POLICY


def test_map_pages_allow_only_their_own_inline_scripts(client, tokens, plan):
    h = tokens["conseiller"]
    pages = [
        client.get(f"/plans/{plan['id']}/map", headers=h),
        client.get(f"/territories/{CM}/coverage/map", headers=tokens["manager"]),
        client.get(
            f"/plans/{plan['id']}/next/page",
            headers=h,
            params={"van": "equipe-creusot", "at": "2025-05-07T18:00:00"},
        ),
    ]
    for r in pages:
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        for name, value in COMMON.items():
            assert r.headers[name] == value
        policy = _directives(r.headers["content-security-policy"])
        assert policy["frame-ancestors"] == ["'none'"] and policy["default-src"] == ["'none'"]
        assert policy["script-src"][0] == "'self'"
        scripts = policy["script-src"][1:]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert all(s.startswith("'sha256-") for s in scripts)
        inline = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
        assert inline and len(set(scripts)) == len(set(inline))
        for body in inline:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in scripts


def test_policy_hashes_inline_scripts_and_allows_no_other_origin():
    page = b'<script src="x.js"></script><script>a()</script><SCRIPT type="module">b()</SCRIPT>'
    assert len(script_hashes(page)) == 2
    policy = _directives(html_policy(page))
    assert policy["script-src"] == ["'self'", *script_hashes(page)]
    assert not any("http" in s for d in policy.values() for s in d if "openstreetmap" not in s)
    assert _directives(html_policy(b"<p>x</p>"))["script-src"] == ["'self'"]


def test_only_an_html_answer_that_opts_in_may_be_framed_by_the_service_itself():
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, JSONResponse
    from fastapi.testclient import TestClient

    from api.service.security import FRAME_HEADER, FRAME_SELF, SecurityHeaders

    app = FastAPI()
    opt_in = {FRAME_HEADER: FRAME_SELF}
    app.add_api_route("/carte", lambda: HTMLResponse("<p>carte</p>", headers=opt_in))
    app.add_api_route("/page", lambda: HTMLResponse("<p>page</p>"))
    app.add_api_route("/json", lambda: JSONResponse({"a": 1}, headers=opt_in))
    app.add_api_route("/autre", lambda: HTMLResponse("<p>x</p>", headers={FRAME_HEADER: "*"}))
    with TestClient(SecurityHeaders(app)) as c:
        framed = c.get("/carte")
        assert framed.headers["x-frame-options"] == "SAMEORIGIN"
        policy = _directives(framed.headers["content-security-policy"])
        assert policy["frame-ancestors"] == ["'self'"] and FRAME_HEADER not in framed.headers
        for path in ("/page", "/json", "/autre"):
            r = c.get(path)
            assert r.headers["x-frame-options"] == "DENY", path
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
            assert FRAME_HEADER not in r.headers, path
        assert _directives(c.get("/page").headers["content-security-policy"])["frame-src"] == [
            "'self'"
        ]


def test_docs_page_policy_has_no_cdn(client):
    r = client.get("/docs")
    policy = r.headers["content-security-policy"]
    assert "jsdelivr" not in policy and "redoc" not in policy and "tiangolo" not in policy
    assert len(_directives(policy)["script-src"]) >= 2  # 'self' and its inline boot script


@pytest.mark.browser
def test_docs_run_in_chromium_offline_under_their_csp(client, chromium):  # noqa: F811
    """Swagger UI renders the service's own schema with every asset from the service and no
    CSP violation (any request elsewhere is refused and reported)."""
    page = chromium.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def route(r: Any) -> None:
        url = r.request.url
        if not url.startswith("http://milo.test/"):
            errors.append(f"requête externe : {url}")
            r.abort()
            return
        answer = client.get(url.removeprefix("http://milo.test"))
        headers = {k: v for k, v in answer.headers.items() if k != "content-length"}
        r.fulfill(status=answer.status_code, headers=headers, body=answer.content)

    page.route("**/*", route)
    try:
        page.goto("http://milo.test/docs", wait_until="load")
        page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
        assert "milo-nomade" in page.locator(".swagger-ui .info .title").inner_text()
        assert page.locator(".opblock").count() > 10
        assert errors == [], errors
    finally:
        page.close()


OPEN = {day: "08:00-19:00" for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")}


def _poison_partners(client, headers) -> int:
    """Every partner of CM renamed with the corpus (through the API, so normalised)."""
    partners = client.get(f"/territories/{CM}/partners", headers=headers).json()["data"]
    for i, p in enumerate(partners):
        body = {
            k: p[k] for k in ("type", "lon", "lat", "commune", "can_host_van", "power", "parking")
        }
        body |= {"name": poisoned(i), "fixed_site": p["fixed_site"], "opening_hours": OPEN}
        r = client.put(f"/territories/{CM}/partners/{p['id']}", json=body, headers=headers)
        assert r.status_code == 200, r.text
    return len(partners)


@pytest.mark.browser
def test_pages_with_the_corpus_are_inert_under_their_csp(settings, chromium):  # noqa: F811
    # the pages are fetched with the service's own headers, then opened with them in chromium
    with open_client(settings) as client:
        token = create_token(
            client.app.state.milo.db, settings.secret, role="manager", territory_id=CM
        )
        h = {"Authorization": f"Bearer {token}"}
        assert _poison_partners(client, h) >= len(CORPUS)
        plan = publish(client, h, make_plan(client, h))
        hosts = {v.get("host") for v in plan["plan"]["visits"]}
        assert hosts & set(CORPUS), "aucun hôte du plan ne porte un nom du corpus"
        urls = {
            "map": f"/plans/{plan['id']}/map",
            "coverage": f"/territories/{CM}/coverage/map",
            "next": f"/plans/{plan['id']}/next/page?van=equipe-creusot&at=2025-05-06T08:00:00",
        }
        answers = {name: client.get(url, headers=h) for name, url in urls.items()}
    for name, answer in answers.items():
        assert answer.status_code == 200, answer.text
        report = _open_served(chromium, answer)
        page = report["page"]
        try:
            assert report["dialogs"] == [], (name, report["dialogs"])
            assert report["errors"] == [], (name, report["errors"])
            assert page.locator(INJECTED_SELECTOR).count() == 0, name
            assert page.locator(".leaflet-container").is_visible(), name
        finally:
            page.close()


def _open_served(chromium, answer: Any) -> dict[str, Any]:  # noqa: F811
    """Open a service answer in chromium with its own headers (so its CSP applies)."""
    page = chromium.context.new_page()
    report: dict[str, Any] = {"page": page, "dialogs": [], "errors": []}
    page.on("dialog", lambda d: (report["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: report["errors"].append(str(exc)))
    page.on(
        "console",
        lambda msg: report["errors"].append(msg.text) if msg.type == "error" else None,
    )
    headers = {k: v for k, v in answer.headers.items() if k != "content-length"}

    def route(r: Any) -> None:
        if r.request.url == "http://milo.test/page":
            r.fulfill(status=200, headers=headers, body=answer.content)
        else:
            report["errors"].append(f"requête réseau : {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto("http://milo.test/page", wait_until="load")
    page.wait_for_selector(".leaflet-container")
    page.evaluate(
        """() => { for (const k of Object.keys(window)) { const m = window[k];
          if (!(m instanceof L.Map)) continue;
          m.eachLayer(l => { try { if (l.getPopup && l.getPopup()) l.openPopup();
                                   if (l.getTooltip && l.getTooltip()) l.openTooltip(); }
                             catch (e) {} }); } }"""
    )
    page.wait_for_timeout(200)
    return report
