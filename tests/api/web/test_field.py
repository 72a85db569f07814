"""The conseiller's phone pages « Aujourd'hui » and « La semaine » (``api.web.routes.field``):
the published plan's sessions of a day and a week, the team chooser, route links, changes since
the last look."""

from __future__ import annotations

import datetime as dt
from html import escape
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from sqlalchemy import select

from api.service.db.models import PartnerRow
from api.web.field_data import Stop, route_links
from api.web.routes.field import SEEN_COOKIE, TEAM_COOKIE
from tests.api.web.conftest import CM, publish
from tests.maps.injection import CORPUS, EVALUATED

MONDAY = "2025-05-05"


def test_route_links_have_the_form_each_app_opens():
    links = route_links(46.805649, 4.427871, "Le Creusot (Mairie) & co")
    where = "46.805649,4.427871"
    assert links["geo"] == f"geo:{where}?q={where}(Le%20Creusot%20%28Mairie%29%20%26%20co)"
    assert links["apple"] == f"https://maps.apple.com/?daddr={where}"
    assert links["google"] == f"https://www.google.com/maps/dir/?api=1&destination={where}"
    assert links["waze"] == f"https://waze.com/ul?ll={where}&navigate=yes"
    assert links["coords"] == where
    # a negative longitude keeps its sign, six decimals
    assert route_links(-1.5, -0.25, "x")["coords"] == "-1.500000,-0.250000"


@pytest.fixture
def conseiller(as_person, published_plan):
    return as_person("conseiller")


def first_visit(plan: dict, day: str = MONDAY) -> dict:
    visits = [v for v in plan["plan"]["visits"] if v["date"] == day]
    return min(visits, key=lambda v: (v["van"], v["start_s"]))


def test_today_shows_the_days_sessions_with_host_hours_and_route_links(conseiller, published_plan):
    r = conseiller.get(f"/terrain?jour={MONDAY}")
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Aujourd'hui" in page
    visit = first_visit(published_plan)
    assert visit["stop_name"] in page
    assert f"{visit['start']}–{visit['end']}" in page
    where = f"{visit['lat']:.6f},{visit['lon']:.6f}"
    assert f'href="https://waze.com/ul?ll={where}&amp;navigate=yes"' in page
    assert f'href="geo:{where}?q={where}({quote(visit["stop_name"], safe="")})"' in page
    assert f'value="{where}"' in page  # the coordinates to copy
    assert "Stationnement du véhicule" in page and "Électricité sur place" in page
    assert "Trajet de la journée" in page
    assert f'href="/terrain/seances/{visit["id"]}/bilan"' in page
    assert "Mis à jour le" in page
    assert 'rel="manifest"' in page


def test_today_has_the_day_map_data_numbered_as_the_route(conseiller, published_plan):
    import html
    import json

    page = conseiller.get(f"/terrain?jour={MONDAY}").text
    raw = page.split('<script type="application/json" id="carte-jour-data">', 1)[1]
    teams = json.loads(html.unescape(raw.split("</script>", 1)[0]))
    day = [v for v in published_plan["plan"]["visits"] if v["date"] == MONDAY]
    assert sum(len(t["stops"]) for t in teams) == len(day)
    for team in teams:
        assert [s["n"] for s in team["stops"]] == list(range(1, len(team["stops"]) + 1))
        for stop in team["stops"]:
            visit = next(v for v in day if v["id"] == stop["id"])
            assert (stop["lat"], stop["lon"]) == (visit["lat"], visit["lon"])
    assert '<script src="/static/field-map.js" defer></script>' in page
    assert 'id="carte-jour"' in page and 'aria-label="Carte du trajet de la journée"' in page


def test_a_day_without_session_shows_the_next_session_day(conseiller):
    page = conseiller.get("/terrain?jour=2025-05-03").text  # a Saturday
    assert "Pas de séance le samedi 3 mai 2025" in page
    assert "lundi 5 mai 2025" in page
    after = conseiller.get("/terrain?jour=2026-01-01").text
    assert "Aucune séance prévue" in after


def test_a_bad_date_is_a_french_422(conseiller):
    r = conseiller.get("/terrain?jour=05/05/2025")
    assert r.status_code == 422
    assert "attendu AAAA-MM-JJ" in r.text and "05/05/2025" in r.text


def test_the_team_is_chosen_once_and_remembered(conseiller, published_plan):
    vans = sorted({v["van"] for v in published_plan["plan"]["visits"]})
    assert len(vans) == 2
    mine, other = vans
    r = conseiller.get(f"/terrain/semaine?jour={MONDAY}&equipe={mine}")
    assert r.cookies.get(TEAM_COOKIE) == mine or conseiller.cookies.get(TEAM_COOKIE) == mine
    page = conseiller.get(f"/terrain/semaine?jour={MONDAY}").text  # from the cookie
    assert f'<option value="{mine}" selected>' in page
    mine_stops = {v["stop_name"] for v in published_plan["plan"]["visits"] if v["van"] == mine}
    other_only = {
        v["stop_name"] for v in published_plan["plan"]["visits"] if v["van"] == other
    } - mine_stops
    assert all(name in page for name in mine_stops)
    assert not any(f"<strong>{name}</strong>" in page for name in other_only)
    # an unknown team (tampered cookie or link) counts as all, and « Toutes » forgets it
    page = conseiller.get(f"/terrain?jour={MONDAY}&equipe=inconnue").text
    assert '<option value="" selected>Toutes</option>' in page
    conseiller.get(f"/terrain?jour={MONDAY}&equipe=")
    assert TEAM_COOKIE not in conseiller.cookies


def test_the_week_shows_cancelled_visits_since_the_last_look(
    conseiller, app_client, api_manager, published_plan
):
    page = conseiller.get(f"/terrain/semaine?jour={MONDAY}").text
    assert "Première consultation" in page
    assert conseiller.cookies.get(SEEN_COOKIE) == f"{published_plan['id']}:1"
    page = conseiller.get(f"/terrain/semaine?jour={MONDAY}").text
    assert "Aucune séance annulée ni déplacée" in page
    gone = first_visit(published_plan)
    r = app_client.post(
        f"/plans/{published_plan['id']}/replan",
        json={"changes": [{"kind": "cancel_stop", "stop_id": gone["stop_id"]}]},
        headers=api_manager,
    )
    assert r.status_code == 202, r.text
    new = app_client.get(f"/plans/{r.json()['id']}", headers=api_manager).json()
    publish(app_client, api_manager, new)
    page = conseiller.get(f"/terrain/semaine?jour={MONDAY}").text
    assert "Changements depuis votre dernière visite" in page
    assert 'class="badge cancelled">Annulée' in page
    assert gone["stop_name"] in page
    assert conseiller.cookies.get(SEEN_COOKIE) == f"{new['id']}:2"


def test_other_roles_get_the_french_403(as_person, published_plan):
    for who in ("manager", "arml", "admin"):
        client = as_person(who)
        for url in ("/terrain", "/terrain/semaine"):
            r = client.get(url)
            assert r.status_code == 403, (who, url)
            assert "réservée au rôle" in r.text


def test_without_a_published_plan_the_pages_say_so(as_person):
    conseiller = as_person("conseiller")
    for url in ("/terrain", "/terrain/semaine"):
        r = conseiller.get(url)
        assert r.status_code == 200
        assert "Aucun plan n'est publié" in r.text


@pytest.mark.parametrize("text", CORPUS)
def test_query_parameters_stay_inert(conseiller, text):
    for url in ("/terrain", "/terrain/semaine"):
        r = conseiller.get(url, params={"jour": MONDAY, "equipe": text})
        assert r.status_code == 200
        assert "<img src=x" not in r.text and "<script>alert" not in r.text
        assert EVALUATED not in r.text
    r = conseiller.get("/terrain", params={"jour": text})
    assert r.status_code == 422
    assert "<img src=x" not in r.text and "<script>alert" not in r.text


def test_the_conseiller_home_is_today(as_person):
    r = as_person("conseiller").get("/", follow_redirects=False)
    assert r.headers["location"] == "/terrain"
    assert dt.date.fromisoformat(MONDAY).weekday() == 0


def hosted_visit(plan: dict, day: str = MONDAY) -> dict:
    """The day's first session hosted by a partner."""
    visits = [v for v in plan["plan"]["visits"] if v["date"] == day and v.get("host")]
    return min(visits, key=lambda v: (v["van"], v["start_s"]))


def set_phone(conseiller, name: str, phone: str | None) -> None:
    with conseiller.app.state.milo.db.session() as s:
        row = s.scalar(
            select(PartnerRow).where(PartnerRow.territory_id == CM, PartnerRow.name == name)
        )
        row.phone = phone
        s.commit()


def test_the_host_s_public_phone_is_a_link_that_calls_it(conseiller, published_plan):
    visit = hosted_visit(published_plan)
    set_phone(conseiller, visit["host"], "03 80 61 01 94")
    page = conseiller.get(f"/terrain?jour={MONDAY}").text
    link = (
        f'<a class="field-call" href="tel:+33380610194" aria-label="Appeler '
        f'{escape(visit["host"])} au 03 80 61 01 94">03 80 61 01 94</a>'
    )  # the accessible name holds the visible number (WCAG 2.5.3, « label in name »)
    assert link in page
    data = conseiller.get(f"/terrain/donnees.json?jour={MONDAY}").json()
    session = next(x for x in data["sessions"] if x["id"] == visit["id"])
    assert (session["phone"], session["phone_href"]) == ("03 80 61 01 94", "tel:+33380610194")


def test_a_host_without_phone_says_not_given(conseiller, published_plan):
    visit = hosted_visit(published_plan)
    set_phone(conseiller, visit["host"], None)
    page = conseiller.get(f"/terrain?jour={MONDAY}").text
    card = page.split(f'id="seance-{visit["id"]}"', 1)[1].split("</article>", 1)[0]
    assert "<dt>Téléphone</dt><dd>non renseigné</dd>" in card
    assert "tel:" not in card


def test_a_stop_s_phone_comes_from_its_host_partner():
    visit = {"id": 1, "date": MONDAY, "host": "Mairie de Blanzy"}
    with_phone = Stop(visit, SimpleNamespace(phone="03 85 68 00 99"))
    assert (with_phone.phone, with_phone.phone_href) == ("03 85 68 00 99", "tel:+33385680099")
    for partner in (None, SimpleNamespace(phone=None), SimpleNamespace(phone="12")):
        stop = Stop(visit, partner)
        assert (stop.phone, stop.phone_href) == ("", None)
