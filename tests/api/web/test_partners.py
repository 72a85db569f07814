"""The manager's partner pages: list and filter, map data, add / edit / delete through the
form with the API's checks and French messages, the audit of each change, CSRF, injection."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from api.service import audit
from api.service.auth import create_token
from api.service.db import repo
from tests.api.service.conftest import CM
from tests.api.web.conftest import post_form
from tests.maps.injection import CORPUS, EVALUATED

LIST = f"/territoires/{CM}/partenaires"
NEW = f"{LIST}/nouveau"
FORM = {
    "name": "Centre social du Tennis",
    "type": "centre_social",
    "commune": "71153",
    "lon": "4,4281",  # a decimal comma, as typed in French
    "lat": "46.8021",
    "hours_lundi": "09:00-12:00 / 14:00-17:00",
    "hours_mercredi": "14:00-18:00",
    "power": "oui",
    "parking": "a_verifier",
    "can_host_van": "oui",
}
#: the same partner as the API's body
API_BODY = {
    "name": FORM["name"],
    "type": "centre_social",
    "lon": 4.4281,
    "lat": 46.8021,
    "opening_hours": {"lundi": FORM["hours_lundi"], "mercredi": FORM["hours_mercredi"]},
    "power": True,
}


class Elements(HTMLParser):
    """Every element and attribute of a page (to find what an injection would create)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No element, handler, link or script came from user text; nothing was evaluated."""
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("img", "svg", "style", "title") or tag == "title" and not attrs, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not str(attrs.get("href") or "").lower().startswith("javascript"), attrs
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", attrs
    assert html.count("<title>") == 1
    assert EVALUATED not in html


def map_points(html: str) -> list[dict]:
    """The points of the partner map (the list's ``data-points`` attribute)."""
    found = re.search(r'<div id="partenaires-liste" data-points="([^"]*)">', html)
    assert found, "no map points"
    return json.loads(unescape(found.group(1)))


def api_headers(client, role: str = "manager") -> dict[str, str]:
    state = client.app.state.milo
    token = create_token(state.db, state.settings.secret, role=role, territory_id=CM)
    return {"Authorization": f"Bearer {token}"}


def stored(client, key: str | None = None):
    with client.app.state.milo.db.session() as s:
        rows = list(repo.list_partners(s, CM))
        s.expunge_all()
    return rows if key is None else next((r for r in rows if r.key == key), None)


def audit_entries(client):
    """The territory's audit entries, last written first."""
    with client.app.state.milo.db.session() as s:
        rows, _ = audit.entries(s, CM)
        return [(r.action, r.target, r.before, r.after, r.actor_user_id) for r in rows]


def create(client, **change: str) -> str:
    r = post_form(client, NEW, FORM | change, follow_redirects=False)
    assert r.status_code == 303, r.text
    key = re.search(r"partenaire=([\w-]+)", r.headers["location"])
    assert key, r.headers["location"]
    return key.group(1)


def test_list_shows_each_partner_in_french_with_its_map_data(as_person):
    client = as_person("manager")
    r = client.get(LIST)
    assert r.status_code == 200, r.text
    html = r.text
    assert html.count("<h1>") == 1 and "Partenaires · Creusot-Montceau" in html
    assert "<caption>39 partenaires sur 39, par commune</caption>" in html
    row = html.split('id="p-mairie-71040"', 1)[1].split("</tr>", 1)[0]
    assert "Mairie de Blanzy" in row and "<td>Mairie</td>" in row and "<td>Blanzy</td>" in row
    assert "<li>électricité : à vérifier</li>" in row  # power: nobody said
    assert "lun.–mar., jeu.–ven. 08:00-12:00, 13:30-17:00 ; mer. 08:00-12:00, 14:00-17:00" in row
    assert 'data-confirm="Supprimer le partenaire « Mairie de Blanzy »' in row
    points = map_points(html)
    assert len(points) == 39 and {"name", "lon", "lat", "url", "type"} <= set(points[0])
    base = json.loads(re.search(r'id="partners-map-base">(.*?)</script>', html).group(1))
    assert len(base["communes"]["features"]) == 34 and len(base["bounds"]) == 2
    assert '<script src="/static/partners-map.js" defer></script>' in html
    assert client.get("/static/partners-map.js").status_code == 200


def test_filter_by_type_with_a_plain_get_and_as_an_htmx_fragment(as_person):
    client = as_person("manager")
    html = client.get(LIST, params={"type": "france_services"}).text
    assert (
        "<caption>5 partenaires de type « France Services » sur 39, par commune</caption>" in html
    )
    assert '<option value="france_services" selected>France Services (5)</option>' in html
    assert "Mairie de Blanzy" not in html.split('id="partenaires-liste"', 1)[1]
    points = map_points(html)
    assert len(points) == 5
    fragment = client.get(LIST, params={"type": "mairie"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="partenaires-liste" data-points=')
    assert len(map_points(fragment.text)) == 34
    assert "34 partenaires de type « Mairie »" in fragment.text
    # an unknown type lists everyone
    assert "39 partenaires sur 39" in client.get(LIST, params={"type": "boulangerie"}).text


def test_create_through_the_form_lands_in_the_list_the_store_and_the_audit(as_person):
    client = as_person("manager")
    rev = client.app.state.milo.territories.get(CM)[1]
    key = create(client)
    page = client.get(f"{LIST}?fait=ajoute&partenaire={key}")
    assert "Partenaire « Centre social du Tennis » ajouté." in page.text
    row = page.text.split(f'id="p-{key}" class="highlight"', 1)[1].split("</tr>", 1)[0]
    assert "<td>Centre social</td>" in row and "<td>Le Creusot</td>" in row
    assert (
        "<li>accueille le camion : oui</li>" in row
        and "lun. 09:00-12:00, 14:00-17:00 ; mer. 14:00-18:00" in row
    )
    partner = stored(client, key)
    assert partner.lon == pytest.approx(4.4281) and partner.commune == "71153"
    assert partner.power is True and partner.parking is None and partner.can_host_van
    assert not partner.fixed_site
    # the planner sees it (the partners revision moved)
    territory, new_rev = client.app.state.milo.territories.get(CM)
    assert new_rev == rev + 1 and key in territory.partners.index
    # the same values as the API would store from the same input
    api = client.post(f"/territories/{CM}/partners", json=API_BODY, headers=api_headers(client))
    assert api.status_code == 201
    twin = stored(client, api.json()["id"])
    for name in ("name", "type", "commune", "lon", "lat", "hours", "power", "parking"):
        assert getattr(twin, name) == getattr(partner, name), name
    target = f"territories/{CM}/partners/{key}"
    [(action, _, before, after, user)] = [e for e in audit_entries(client) if e[1] == target]
    assert (action, before) == ("partner.create", None)
    assert after["name"] == FORM["name"] and user is not None


def test_edit_the_hours_keeps_the_rest_and_is_audited(as_person):
    client = as_person("manager")
    key = create(client)
    url = f"{LIST}/{key}"
    form = client.get(url).text
    assert 'value="09:00-12:00 / 14:00-17:00"' in form and 'value="Centre social du Tennis"' in form
    assert '<option value="71153" selected>' in form
    r = post_form(
        client,
        url,
        FORM | {"hours_lundi": "", "hours_mercredi": "", "hours_samedi": "10h-12h"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "fait=modifie" in r.headers["location"], r.text
    partner = stored(client, key)
    assert partner.hours["days"][5] == [[600, 720]] and partner.hours["days"][0] == []
    assert "sam. 10:00-12:00" in client.get(LIST).text
    action, target, before, after, _ = audit_entries(client)[0]
    assert action == "partner.update" and target.endswith(key)
    assert (
        before["opening_hours_minutes"]["days"][0] == [[540, 720], [840, 1020]]
        and after["opening_hours_minutes"] == partner.hours
    )
    # no hours at all: unknown hours, as in the API
    post_form(client, url, {k: v for k, v in FORM.items() if not k.startswith("hours_")})
    assert stored(client, key).hours is None


def test_bad_hours_show_the_apis_message_with_every_typed_value_kept(as_person):
    client = as_person("manager")
    before = len(stored(client))
    typed = FORM | {"hours_lundi": "9h à midi", "name": "Épicerie « Le Panier »"}
    r = post_form(client, NEW, typed)
    assert r.status_code == 422
    api = client.post(
        f"/territories/{CM}/partners",
        json=API_BODY | {"name": typed["name"], "opening_hours": {"lundi": "9h à midi"}},
        headers=api_headers(client),
    )
    assert api.status_code == 422 and "Horaires illisibles" in api.json()["detail"]
    assert str(escape(api.json()["detail"])) in r.text and 'role="alert"' in r.text
    # the day's field is marked, with its own message next to it
    assert 'aria-invalid="true"' in r.text and 'id="err-hours_lundi"' in r.text
    for name, value in typed.items():
        if name in ("type", "commune", "power", "parking"):
            assert f'<option value="{value}" selected>' in r.text, name
        elif name == "can_host_van":
            assert 'name="can_host_van" type="checkbox" value="oui" checked' in r.text
        else:
            assert f'value="{escape(value)}"' in r.text, name
    assert len(stored(client)) == before


def test_a_point_outside_the_territory_is_refused_with_the_apis_message(as_person):
    client = as_person("manager")
    r = post_form(client, NEW, FORM | {"lon": "2.35", "lat": "48.85", "commune": ""})
    assert r.status_code == 422
    api = client.post(
        f"/territories/{CM}/partners",
        json=API_BODY | {"lon": 2.35, "lat": 48.85},
        headers=api_headers(client),
    )
    assert api.status_code == 422
    assert str(escape(api.json()["detail"])) in r.text and str(escape(api.json()["hint"])) in r.text
    assert "hors du territoire" in r.text and 'value="2.35"' in r.text and 'value="48.85"' in r.text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lon": "quatre"}, "lon", "nombre décimal attendu, ex. 4,4281 (reçu « quatre »)"),
        ({"lon": "", "lat": "", "commune": ""}, "lon", "champ obligatoire"),
        ({"lat": "95"}, "lat", "valeur attendue inférieure ou égale à 90"),
        ({"name": ""}, "name", "texte trop court"),
        ({"type": "boulangerie"}, "type", "valeur inconnue"),
        ({"type": ""}, "type", "champ obligatoire : choisissez un type dans la liste"),
        ({"power": "peut-être"}, "power", "attendu oui, non ou à vérifier"),
    ],
)
def test_unreadable_fields_are_named_in_french(as_person, change, field, message):
    client = as_person("manager")
    r = post_form(client, NEW, FORM | change)
    assert r.status_code == 422
    assert f'id="err-{field}"' in r.text and message in r.text, r.text
    assert "Formulaire à corriger" in r.text


def test_without_a_point_the_partner_takes_its_communes_town_hall(as_person):
    client = as_person("manager")
    key = create(client, lon="", lat="", commune="71306")
    partner = stored(client, key)
    assert partner.commune == "71306" and partner.lat == pytest.approx(46.674274)


def test_delete_asks_then_removes_and_is_audited(as_person):
    client = as_person("manager")
    key = create(client)
    form = client.get(f"{LIST}/{key}").text
    assert 'data-confirm="Supprimer le partenaire « Centre social du Tennis »' in form
    r = post_form(client, f"{LIST}/{key}/supprimer", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{LIST}?fait=supprime"
    assert stored(client, key) is None
    assert "Partenaire supprimé." in client.get(r.headers["location"]).text
    action, _, before, after, _ = audit_entries(client)[0]
    assert action == "partner.delete" and before["name"] == FORM["name"] and after is None
    missing = client.get(f"{LIST}/{key}")
    assert missing.status_code == 404 and "inconnu" in missing.text


def test_posts_without_the_csrf_token_are_refused(as_person):
    client = as_person("manager")
    key = create(client)
    for url in (NEW, f"{LIST}/{key}", f"{LIST}/{key}/supprimer"):
        r = client.post(url, data=FORM | {"name": "Changé"})
        assert r.status_code == 403 and "jeton de sécurité" in r.text, url
    assert stored(client, key).name == FORM["name"]
    assert len([p for p in stored(client) if p.name == "Changé"]) == 0


@pytest.mark.parametrize("name", ["conseiller", "manager_mb", "arml"])
def test_others_get_the_french_403_page(as_person, name):
    client = as_person(name)
    for url in (LIST, NEW, f"{LIST}/mairie-71040"):
        r = client.get(url)
        assert r.status_code == 403 and "Accès refusé" in r.text, (name, url)
    for url in (NEW, f"{LIST}/mairie-71040", f"{LIST}/mairie-71040/supprimer"):
        r = post_form(client, url, FORM)
        assert r.status_code == 403, (name, url)
    assert len(stored(client)) == 39


def test_admin_manages_any_territorys_partners(as_person):
    client = as_person("admin")
    assert client.get(LIST).status_code == 200
    key = create(client)
    assert stored(client, key).name == FORM["name"]


def test_injection_corpus_is_shown_as_text_everywhere(as_person):
    client = as_person("manager")
    keys = [create(client, name=text) for text in CORPUS]
    listing = client.get(LIST).text
    assert_inert(listing)
    for key, text in zip(keys, CORPUS, strict=True):
        partner = stored(client, key)
        assert partner is not None, text
        assert_inert(client.get(f"{LIST}/{key}").text)
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing
    raw = re.search(r'data-points="([^"]*)"', listing).group(1)
    assert "<" not in raw and '"' not in raw and "\\u003c" in raw  # JSON escaped twice
    assert {p["name"] for p in map_points(listing)} >= set(CORPUS) - {CORPUS[5]}
    # refused forms echo what came (a name, an hours text, a number) as text too
    for text in CORPUS:
        r = post_form(client, NEW, FORM | {"name": text, "hours_mardi": text, "lon": text})
        assert r.status_code == 422
        assert_inert(r.text)


# -- import -------------------------------------------------------------------------------------

IMPORT = f"{LIST}/import"
HEADER = "id;name;type;lon;lat;commune;power;lundi"
TENNIS = "cs-tennis;Centre social du Tennis;centre_social;4.4281;46.8021;;oui;09:00-12:00"
BAD_TYPE = "p-bad;Boulangerie;boulangerie;4.43;46.80;;;"
MONTCEAU = "media-montceau;Médiathèque;mediatheque;4.3639;46.6676;;;"


def csv_file(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


def upload(client, data: bytes, name: str = "partenaires.csv", csrf: bool = True):
    page = client.get(IMPORT)
    fields = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)}
    return client.post(
        IMPORT, data=fields if csrf else {}, files={"fichier": (name, data, "text/csv")}
    )


def test_import_page_explains_the_file(as_person):
    r = as_person("manager").get(IMPORT)
    assert r.status_code == 200 and r.text.count("<h1>") == 1
    assert 'enctype="multipart/form-data"' in r.text and '<label for="fichier">' in r.text
    assert "au plus 4 Mio" in r.text and "<code>id</code>" in r.text


def test_import_a_csv_stores_the_good_rows_and_lists_the_bad_one(as_person):
    client = as_person("manager")
    r = upload(client, csv_file(TENNIS, BAD_TYPE, MONTCEAU))
    assert r.status_code == 200, r.text
    assert "2 partenaires ajoutés, 0 mis à jour, 1 ligne refusée." in r.text
    refused = r.text.split("<caption>Lignes refusées (1)</caption>", 1)[1].split("</table>")[0]
    message = "Partenaires (partenaires.csv) : ligne 3, colonne type : valeurs inconnues"
    assert '<th scope="row" class="num">3</th><td>p-bad</td>' in refused
    assert message in unescape(refused)
    assert stored(client, "cs-tennis").commune == "71153"
    assert stored(client, "media-montceau") is not None and stored(client, "p-bad") is None
    listing = client.get(LIST).text
    assert "Centre social du Tennis" in listing and "Médiathèque" in listing
    [entry] = [e for e in audit_entries(client) if e[0] == "partners.import"]
    assert entry[3]["added"] == 2 and entry[3]["refused_lines"] == [3] and entry[4] is not None
    # the same file again replaces, and says so
    again = upload(client, csv_file(TENNIS))
    assert "0 partenaire ajouté, 1 mis à jour, 0 ligne refusée." in again.text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "partenaires.csv", "vide"),
        (csv_file(TENNIS), "partenaires.xlsx", ".xlsx"),
        (b"id;name;telephone\np1;Mairie;0612345678\n", "partenaires.csv", "telephone"),
    ],
)
def test_a_file_refused_as_a_whole_says_why_and_changes_nothing(as_person, data, name, message):
    client = as_person("manager")
    before = len(stored(client))
    r = upload(client, data, name)
    assert r.status_code == 422 and 'role="alert"' in r.text, r.text
    assert "Aucun partenaire n'a été modifié." in r.text and message in r.text
    assert len(stored(client)) == before


def test_import_refuses_a_missing_file_the_csrf_less_post_and_other_people(as_person):
    client = as_person("manager")
    r = post_form(client, IMPORT, {})
    assert r.status_code == 422 and "Aucun fichier reçu." in r.text
    assert upload(client, csv_file(TENNIS), csrf=False).status_code == 403
    assert stored(client, "cs-tennis") is None
    for name in ("conseiller", "manager_mb"):
        other = as_person(name)
        assert other.get(IMPORT).status_code == 403
        r = other.post(
            IMPORT,
            data={"csrf": re.search(r'data-csrf="([^"]+)"', other.get("/compte").text).group(1)},
            files={"fichier": ("p.csv", csv_file(TENNIS), "text/csv")},
        )
        assert r.status_code == 403 and "Accès refusé" in r.text
    assert stored(client, "cs-tennis") is None


def test_imported_injection_text_is_shown_inert(as_person):
    client = as_person("manager")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER.split(";"))
    for i, text in enumerate(CORPUS):
        writer.writerow([f"inj-{i}", text, "commerce", "4.43", "46.80", "", "", ""])
    writer.writerow(["inj-bad", CORPUS[0], CORPUS[1], "4.43", "46.80", "", "", CORPUS[2]])
    r = upload(client, out.getvalue().encode(), name="<img src=x onerror=alert(1)>.csv")
    assert r.status_code == 200, r.text
    assert f"{len(CORPUS)} partenaires ajoutés" in r.text and "1 ligne refusée" in r.text
    assert_inert(r.text)
    assert_inert(client.get(LIST).text)
