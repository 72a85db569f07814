"""The manager's territory page: key figures, the need map (framed by this page only), the need
table sorted on the server, the fixed contact points; who may open it."""

from __future__ import annotations

import re

import pytest

from api.service.auth import create_token
from api.service.territory_tables import need_of
from tests.api.service.conftest import CM, MB, make_plan, publish

URL = f"/territoires/{CM}"
MAP = f"{URL}/carte-besoin"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def body_rows(html: str) -> list[str]:
    """The commune names of the need table, in the page's order."""
    table = html.split('class="need-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">(.*?) <small>', table)


def test_manager_sees_figures_map_need_table_and_fixed_points(as_person):
    r = as_person("manager").get(URL)
    assert r.status_code == 200, r.text
    html = r.text
    assert html.count("<h1>") == 1 and "Territoire · Creusot-Montceau" in html
    for label in (
        "Communes",
        "Jeunes 16-25 ans (estimation)",
        "Communes FRR",
        "Quartiers prioritaires (QPV)",
        "Partenaires",
        "Points de contact fixes",
    ):
        assert f"<dt>{label}</dt>" in html, label
    assert "<dt>Communes</dt><dd>34</dd>" in html
    assert "<dt>Partenaires</dt><dd>39</dd>" in html
    assert "Aucun plan publié" in html
    assert re.search(rf'<iframe class="map-frame" src="{MAP}" title="[^"]+"', html)
    # one row per commune, highest need first
    rows = body_rows(html)
    assert len(rows) == 34 and rows[0] == "Le Creusot"
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1
    assert "<caption>" in html and 'scope="col"' in html
    # each component: its value and its points
    assert "pts</small>" in html and "Non classée" in html
    # fixed contact points: the Mission Locale sites and the France Services
    fixed = html.split('id="points-fixes"', 1)[1]
    assert "Mission Locale, Le Creusot" in fixed and "Mission Locale (siège)" in fixed
    assert fixed.count("<td>France Services</td>") == 5


def test_published_plan_is_named_with_its_version_and_dates(app_client, as_person, settings):
    db = app_client.app.state.milo.db
    token = create_token(db, settings.secret, role="manager", territory_id=CM)
    headers = {"Authorization": f"Bearer {token}"}
    publish(app_client, headers, make_plan(app_client, headers))
    html = as_person("manager").get(URL).text
    assert "Plan publié : <strong>version 1</strong>" in html
    assert "du lundi 5 mai 2025 au dimanche 11 mai 2025 (1 semaine)" in html
    assert "arrêts du plan publié" in html


@pytest.mark.parametrize(
    ("sort", "order", "first", "aria"),
    [
        ("commune", "asc", "Blanzy", "ascending"),
        ("commune", "desc", "Torcy", "descending"),  # accents ignored: Écuisses among the E
        ("score", "asc", None, "ascending"),
        ("eloignement", "desc", None, "descending"),
        ("jeunes", "desc", "Le Creusot", "descending"),
    ],
)
def test_need_table_sorts_on_the_server_by_any_column(as_person, sort, order, first, aria):
    client = as_person("manager")
    html = client.get(URL, params={"tri": sort, "ordre": order}).text
    rows = body_rows(html)
    assert len(rows) == 34
    table = need_of(client.app.state.milo.territories, CM).frame
    if first is not None:
        assert rows[0] == first
        if sort == "commune" and order == "asc":
            assert rows.index("Écuisses") < rows.index("Essertenne")
    elif sort == "score":
        assert rows[0] == table.loc[table["score"].idxmin(), "name"]
    else:
        assert table.set_index("name").loc[rows[0], "remoteness_value"] == (
            table["remoteness_value"].max()
        )
    header = re.search(r'<th scope="col"[^>]*aria-sort="(\w+)"><a href="([^"]+)">', html)
    assert header and header.group(1) == aria
    # the sorted column's link asks for the other order
    other = "desc" if order == "asc" else "asc"
    assert header.group(2) == f"{URL}?tri={sort}&amp;ordre={other}#besoins"


def test_unknown_sort_falls_back_to_the_highest_need_and_is_not_echoed(as_person):
    html = as_person("manager").get(URL, params={"tri": "<script>x</script>", "ordre": "z"}).text
    assert body_rows(html)[0] == "Le Creusot" and "<script>x" not in html


def test_need_map_may_be_framed_by_the_service_only_and_other_answers_keep_deny(as_person):
    client = as_person("manager")
    framed = client.get(MAP)
    assert framed.status_code == 200 and framed.headers["content-type"].startswith("text/html")
    assert "Couverture" in framed.text and "leaflet" in framed.text.lower()
    assert framed.headers["x-frame-options"] == "SAMEORIGIN"
    policy = _directives(framed.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'self'"] and policy["default-src"] == ["'none'"]
    assert "x-milo-frame" not in framed.headers  # the internal marker never leaves
    page = client.get(URL)
    others = [page, client.get(f"{URL}/partenaires"), client.get("/compte")]
    for r in others:
        assert r.headers["x-frame-options"] == "DENY", r.url
        assert _directives(r.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]
    # the page may show the service's own pages in a frame
    assert _directives(page.headers["content-security-policy"])["frame-src"] == ["'self'"]
    # the API's coverage map (the same HTML) keeps DENY
    db = client.app.state.milo.db
    token = create_token(db, client.app.state.milo.settings.secret, role="manager", territory_id=CM)
    api = client.get(
        f"/territories/{CM}/coverage/map", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200 and api.headers["x-frame-options"] == "DENY"
    assert api.text == framed.text  # one map, built once (cached per partners revision)


@pytest.mark.parametrize("url", [URL, MAP])
def test_others_get_the_french_403_page(as_person, url):
    for name in ("conseiller", "manager_mb", "arml"):
        r = as_person(name).get(url)
        assert r.status_code == 403, (name, r.text)
        assert "Accès refusé" in r.text and "<h1>" in r.text, name


def test_admin_opens_any_territory(as_person):
    client = as_person("admin")
    for territory in (CM, MB):
        r = client.get(f"/territoires/{territory}")
        assert r.status_code == 200 and "Besoins par commune" in r.text


def test_anonymous_is_sent_to_login(app_client):
    r = app_client.get(URL, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/connexion")
