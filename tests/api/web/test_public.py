"""The public pages (``api.web.routes.public``): no login, the published plan only (a draft
changes nothing), nothing internal, a private place kept off, the stop page, the calendar."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from api.service.clock import get_now
from tests.api.service.conftest import CM
from tests.api.web.conftest import publish
from tests.maps.injection import CORPUS

PAGE = f"/public/{CM}"
#: Monday 5 May 2025, the first day of the fixture's published plan, in the morning
MONDAY = dt.datetime(2025, 5, 5, 7, tzinfo=dt.UTC)


@pytest.fixture
def at_monday(app_client):
    app_client.app.dependency_overrides[get_now] = lambda: MONDAY
    yield app_client
    del app_client.app.dependency_overrides[get_now]


def map_data(page: str) -> dict:
    import html

    raw = page.split('<script type="application/json" id="carte-publique-data">', 1)[1]
    return json.loads(html.unescape(raw.split("</script>", 1)[0]))


def test_the_page_lists_the_published_sessions_without_login(at_monday, published_plan):
    r = at_monday.get(PAGE)
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Où trouver la Mission Locale cette semaine ?</h1>" in page
    visits = published_plan["plan"]["visits"]
    for v in visits:  # a one-week plan: every session is in the next 14 days
        assert v["stop_name"] in page
    assert page.count('<li>\n      <span class="field-map-stop') <= len(visits)
    assert 'property="og:title"' in page and 'property="og:description"' in page
    assert r.headers["cache-control"] == "public, max-age=300"
    # nothing internal: no van id, no need, no driving, no activity, no draft
    for word in ("equipe-creusot", "besoin", "conduite", "repérés", "brouillon", "need"):
        assert word not in page.lower(), word
    points = map_data(page)["points"]
    assert {p["url"] for p in points} <= {f"{PAGE}/arrets/{v['stop_id']}" for v in visits}
    assert [p["n"] for p in points] == list(range(1, len(points) + 1))
    assert map_data(page)["communes"]["features"]


def test_a_draft_changes_nothing_on_the_public_page(at_monday, api_manager, published_plan):
    before = at_monday.get(PAGE).text
    gone = published_plan["plan"]["visits"][0]
    r = at_monday.post(
        f"/plans/{published_plan['id']}/replan",
        json={"changes": [{"kind": "cancel_stop", "stop_id": gone["stop_id"]}]},
        headers=api_manager,
    )
    assert r.status_code == 202, r.text
    draft = at_monday.get(f"/plans/{r.json()['id']}", headers=api_manager).json()
    assert draft["status"] == "done" and draft["stage"] == "draft"
    assert at_monday.get(PAGE).text == before
    # published, the cancelled stop leaves the page
    publish(at_monday, api_manager, draft)
    after = at_monday.get(PAGE).text
    assert after != before
    assert f'href="{PAGE}/arrets/{gone["stop_id"]}"' not in after


def test_the_stop_page_has_its_dates_and_route_links(at_monday, published_plan):
    visit = min(published_plan["plan"]["visits"], key=lambda v: (v["date"], v["start_s"]))
    r = at_monday.get(f"{PAGE}/arrets/{visit['stop_id']}")
    assert r.status_code == 200, r.text
    assert f"<h1>{visit['stop_name']}</h1>" in r.text
    assert f"{visit['start']}–{visit['end']}" in r.text
    where = f"{visit['lat']:.6f},{visit['lon']:.6f}"
    assert f'href="https://waze.com/ul?ll={where}&amp;navigate=yes"' in r.text
    assert f"https://maps.apple.com/?daddr={where}" in r.text


def test_unknown_territory_or_stop_is_a_french_404(at_monday, published_plan):
    r = at_monday.get("/public/nulle-part")
    assert r.status_code == 404 and "Territoire « nulle-part » inconnu" in r.text
    r = at_monday.get(f"{PAGE}/arrets/00000")
    assert r.status_code == 404 and "pas au programme publié" in r.text


def test_without_a_published_plan_the_page_says_so(app_client):
    r = app_client.get(PAGE)
    assert r.status_code == 200 and "Aucune venue n'est annoncée" in r.text


def test_the_public_calendar_has_one_event_per_coming_session(at_monday, published_plan):
    r = at_monday.get(f"{PAGE}/agenda.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    assert len(events) == len(published_plan["plan"]["visits"])
    text = r.content.decode()
    assert "equipe-" not in text and "need" not in text.lower()
    assert all(str(e["uid"]).startswith("public-") for e in events)


def test_a_private_place_has_no_route_link_nor_marker():
    from api.web.public_data import links, point
    from tests.planner.test_publication import private_session

    session = private_session()
    assert links(session) == {} and point(session, 1, "/x") is None


def test_a_stop_page_lists_dates_beyond_the_two_weeks(app_client, published_plan):
    """A poster's QR code leads to the stop page for as long as the plan has a date there."""
    visits = published_plan["plan"]["visits"]
    last = max(visits, key=lambda v: (v["date"], v["start_s"]))
    early = dt.datetime.fromisoformat(visits[0]["date"]) - dt.timedelta(days=30)
    app_client.app.dependency_overrides[get_now] = lambda: early.replace(tzinfo=dt.UTC)
    try:
        page = app_client.get(f"{PAGE}/arrets/{last['stop_id']}")
        assert page.status_code == 200 and last["stop_name"] in page.text
        assert "Pas d'autre venue prévue" not in page.text
        after = dt.datetime.fromisoformat(last["date"]) + dt.timedelta(days=2)
        app_client.app.dependency_overrides[get_now] = lambda: after.replace(tzinfo=dt.UTC)
        page = app_client.get(f"{PAGE}/arrets/{last['stop_id']}")
        assert page.status_code == 200 and "Pas d'autre venue prévue ici" in page.text
    finally:
        del app_client.app.dependency_overrides[get_now]


@pytest.mark.parametrize("text", CORPUS[:4])
def test_the_territory_in_the_url_stays_inert(at_monday, text):
    r = at_monday.get(f"/public/{text}")
    assert r.status_code == 404
    assert "<script>alert" not in r.text


def listed(page: str) -> int:
    """How many sessions the page lists."""
    return page.split('id="venues"', 1)[1].split('id="carte"', 1)[0].count("</strong> ·")


def test_a_session_ended_today_is_no_longer_announced(app_client, published_plan):
    visits = published_plan["plan"]["visits"]
    day = min(v["date"] for v in visits)
    morning = [v for v in visits if v["date"] == day and v["end_s"] <= 13 * 3600]
    assert morning

    def page_at(moment: dt.datetime) -> str:
        app_client.app.dependency_overrides[get_now] = lambda: moment
        try:
            return app_client.get(PAGE).text
        finally:
            del app_client.app.dependency_overrides[get_now]

    start = dt.date.fromisoformat(day)
    early = page_at(dt.datetime.combine(start, dt.time(5, 0), tzinfo=dt.UTC))  # 07:00 Paris
    noon = page_at(dt.datetime.combine(start, dt.time(11, 0), tzinfo=dt.UTC))  # 13:00 Paris
    assert listed(early) == len(visits)  # a one-week plan: all within 14 days
    assert listed(early) - listed(noon) == len(morning)


def test_nous_contacter_lists_the_mission_locales_sites(at_monday, published_plan):
    page = at_monday.get(PAGE).text
    contact = page.split('id="contact"', 1)[1].split("</section>", 1)[0]
    assert (
        "Mission Locale, Le Creusot" in contact and "Mission Locale, Montceau-les-Mines" in contact
    )
    assert "(Le Creusot)" in contact
    assert "geo:46.805649,4.427871" in contact


def test_nous_contacter_gives_the_spec_contact(at_monday, published_plan):
    import dataclasses

    from planner.territory import Contact

    cache = at_monday.app.state.milo.territories
    base = cache.get(CM)[0]
    contact = Contact(
        phone="03 85 77 00 00",
        email="contact@ml-exemple.fr",
        website="https://www.ml-exemple.fr",
        hours="du lundi au vendredi",
    )
    cache._base[CM] = dataclasses.replace(base, contact=contact)
    cache._merged.clear()
    page = at_monday.get(PAGE).text
    assert '<a href="tel:+33385770000">03 85 77 00 00</a>' in page
    assert '<a href="mailto:contact@ml-exemple.fr">contact@ml-exemple.fr</a>' in page
    assert "Accueil : du lundi au vendredi" in page and "aux heures d&#39;ouverture" not in page
    stop = published_plan["plan"]["visits"][0]["stop_id"]
    assert "tel:+33385770000" in at_monday.get(f"{PAGE}/arrets/{stop}").text


def test_the_link_preview_image(at_monday, published_plan):
    import io

    from PIL import Image

    page = at_monday.get(PAGE).text
    assert f'<meta property="og:image" content="https://testserver{PAGE}/apercu.png">' in page
    r = at_monday.get(f"{PAGE}/apercu.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(r.content)) as png:
        assert png.size == (1200, 630)
    assert at_monday.get(f"{PAGE}/apercu.png").content == r.content  # drawn once, kept
