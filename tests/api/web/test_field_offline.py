"""The offline parts of the conseiller's phone app (``api.web.routes.field_offline``): the
manifest, the service worker's headers and rules, the week's data JSON."""

from __future__ import annotations

import pytest

from api.web.routes.static import OWN

MONDAY = "2025-05-05"


def test_the_manifest_starts_at_today_standalone(app_client):
    r = app_client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    body = r.json()
    assert body["name"] == "milo-nomade terrain"
    assert body["start_url"] == "/terrain" and body["display"] == "standalone"
    icon = body["icons"][0]["src"]
    assert app_client.get(icon).headers["content-type"].startswith("image/svg+xml")


def test_the_worker_is_served_from_the_root_with_its_own_policy(app_client):
    r = app_client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["service-worker-allowed"] == "/"
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-type"].startswith("text/javascript")
    assert "connect-src 'self'" in r.headers["content-security-policy"]


def test_pages_allow_their_worker_and_manifest(as_person):
    policy = as_person("conseiller").get("/terrain").headers["content-security-policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_the_worker_never_caches_posts_login_agenda_or_other_pages():
    code = (OWN / "sw.js").read_text()
    assert 'request.method !== "GET"' in code
    assert "/deconnexion" in code and "caches.delete" in code
    # the cached pages: the phone pages and their data, nothing else
    for pattern in (
        r"/^\/terrain$/",
        r"/^\/terrain\/semaine$/",
        r"/^\/terrain\/seances\/\d+\/bilan$/",
        r"/^\/terrain\/donnees\.json$/",
    ):
        assert pattern in code
    # the day map opens offline: its script and Leaflet are in the precached shell
    shell = code.split("var SHELL_FILES = [", 1)[1].split("];", 1)[0]
    for name in (
        "/static/map-base.js",
        "/static/field-map.js",
        "/static/vendor/leaflet.js",
        "/static/vendor/leaflet.css",
    ):
        assert f'"{name}"' in shell
    rules = code.split('"use strict";', 1)[1]  # the code, not its comment
    assert '"/connexion' not in rules and '"/agenda' not in rules


def test_the_offline_page_is_public(app_client):
    r = app_client.get("/terrain/hors-ligne")
    assert r.status_code == 200 and "<h1>Hors ligne</h1>" in r.text


@pytest.fixture
def conseiller(as_person, published_plan):
    return as_person("conseiller")


def test_the_week_data_has_sessions_outlines_and_a_timestamp(conseiller, published_plan):
    r = conseiller.get(f"/terrain/donnees.json?jour={MONDAY}")
    assert r.status_code == 200
    body = r.json()
    assert body["plan"] == {"id": published_plan["id"], "version": 1}
    assert body["updated_at"].endswith("+00:00")
    week = [v for v in published_plan["plan"]["visits"] if v["date"] <= "2025-05-11"]
    assert len(body["sessions"]) == len(week)
    first = body["sessions"][0]
    assert first["links"]["waze"].startswith("https://waze.com/ul?ll=")
    assert body["communes"]["type"] == "FeatureCollection" and body["communes"]["features"]
    assert len(r.content) < 400_000


def test_the_week_data_is_the_conseillers_only(as_person, published_plan):
    assert as_person("manager").get("/terrain/donnees.json").status_code == 403
