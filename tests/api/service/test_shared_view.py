"""A figure shared between territories reads the same in every route and for every role."""

from __future__ import annotations

from tests.api.service.conftest import CM, MB


def test_territories_show_the_comparisons_suppressed_counts(client, tokens, plan):
    # issue #12: qpv_total was « < 11 » in /comparison but qpv: 5 in /territories
    views = {}
    for who in ("arml", "manager", "conseiller_mb"):
        headers = tokens[who]
        comparison = client.get("/comparison", headers=headers)
        assert comparison.status_code == 200
        rows = {r["territory_id"]: r for r in comparison.json()["data"]}
        listing = {t["id"]: t for t in client.get("/territories", headers=headers).json()["data"]}
        for tid in (CM, MB):
            one = client.get(f"/territories/{tid}", headers=headers).json()
            for view in (listing[tid], one):
                assert view["qpv"] == rows[tid]["qpv_total"]
                assert view["communes"] == rows[tid]["communes"]
        views[who] = (listing, rows)
    assert views["arml"] == views["manager"] == views["conseiller_mb"]
    assert views["arml"][0][CM]["qpv"] == "< 11"  # 5 QPV: small, hidden everywhere


def test_comparison_says_its_rule(client, tokens):
    body = client.get("/comparison", headers=tokens["arml"]).json()
    assert "« masqué (secret secondaire) »" in body["suppression"]
    assert any("secret secondaire" in note for note in body["notes"])
