"""Every error body a user reads is French, including the framework's own (issue #12 item 8)."""

from __future__ import annotations

import pytest

from tests.api.service.conftest import CM

ENGLISH = ("Not Found", "Method Not Allowed", "There was an error parsing the body", "Input should")


def _french(body: dict) -> None:
    text = str(body)
    assert not any(e in text for e in ENGLISH), text
    assert body["detail"] and body["hint"]


def test_an_unknown_address_is_a_french_404(client) -> None:
    r = client.get("/nulle-part")
    assert r.status_code == 404
    _french(r.json())
    assert r.json()["detail"] == "Adresse inconnue."


def test_a_wrong_method_is_a_french_405(client, tokens) -> None:
    r = client.delete("/territories", headers=tokens["manager"])
    assert r.status_code == 405
    _french(r.json())
    assert "Méthode non autorisée" in r.json()["detail"]


def test_an_unreadable_body_is_french(client, tokens) -> None:
    r = client.post(
        f"/territories/{CM}/plans",
        headers={**tokens["manager"], "Content-Type": "application/json"},
        content=b"{pas du json",
    )
    assert r.status_code in (400, 422)
    _french(r.json())


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"start": "2026-09-07", "weeks": 0}, "body.weeks", "supérieure ou égale à 1"),
        ({"start": "2026-09-07", "weeks": 99}, "body.weeks", "inférieure ou égale à"),
        ({"start": "2026-09-07", "solver": "magique"}, "body.solver", "valeur attendue parmi"),
        ({"start": "le 7 septembre"}, "body.start", "date illisible"),
        ({"start": "2026-09-07", "time_limit": -1}, "body.time_limit", "strictement supérieure"),
    ],
)
def test_pydantic_bounds_are_french(client, tokens, body, field, message) -> None:
    r = client.post(f"/territories/{CM}/plans", headers=tokens["manager"], json=body)
    assert r.status_code == 422, r.text
    _french(r.json())
    by_field = {e["champ"]: e["erreur"] for e in r.json()["errors"]}
    assert message in by_field[field], by_field


def test_the_api_docs_load_offline(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert "cdn.jsdelivr" not in html and "https://" not in html.split("<body>")[0]
    assert "/docs-assets/swagger-ui-bundle.js" in html
    assert '<html lang="fr">' in html
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        asset = client.get(f"/docs-assets/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
        assert len(asset.content) > 1000
    missing = client.get("/docs-assets/..%2Fsecret")
    assert missing.status_code == 404
    _french(missing.json())
