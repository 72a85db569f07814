"""« Agenda sur votre téléphone » on « Mon compte » and ``GET /agenda/{secret}.ics``: the
owner creates the feed (its https and webcal:// addresses shown once), changes its address or
revokes it (POST + CSRF, audited); the feed answers without login, with its headers; a revoked
or rotated address is the same plain 404."""

from __future__ import annotations

import html
import re

import icalendar
from sqlalchemy import select

from api.service.db.models import AuditRow
from tests.api.web.conftest import post_form

URL = re.compile(r'id="agenda-adresse" type="text" readonly value="([^"]+)"')


def create(client, action: str = "creer") -> str:
    r = post_form(client, "/compte/agenda", {"action": action})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    match = URL.search(r.text)
    assert match, r.text
    url = html.unescape(match.group(1))
    assert url.startswith("https://testserver/agenda/") and url.endswith(".ics")
    assert f'href="webcal://{url.removeprefix("https://")}"' in r.text
    for app in ("Google Agenda", "Outlook", "Apple Calendrier"):
        assert app in r.text
    return url.removeprefix("https://testserver")


def test_a_conseiller_subscribes_rotates_and_revokes(as_person, app_client, published_plan):
    conseiller = as_person("conseiller")
    page = conseiller.get("/compte").text
    assert "Agenda sur votre téléphone" in page and "Créer mon agenda" in page
    path = create(conseiller)
    r = app_client.get(path)  # no login: a calendar app
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["cache-control"] == "private, max-age=300"
    assert r.headers["x-robots-tag"] == "noindex"
    assert r.headers["referrer-policy"] == "no-referrer"
    cal = icalendar.Calendar.from_ical(r.content)
    assert len(cal.walk("VEVENT")) == len(published_plan["plan"]["visits"])
    # later visits of the page: no address (shown once), the feed's state, two buttons
    page = conseiller.get("/compte").text
    assert "Agenda actif depuis" in page and "lu pour la dernière fois" in page
    assert path not in page and "Changer l&#39;adresse" in page and "Révoquer" in page
    new_path = create(conseiller, "changer")
    assert app_client.get(path).status_code == 404
    assert app_client.get(new_path).status_code == 200
    # another person's revocation does not touch this feed
    manager = as_person("manager")
    assert post_form(manager, "/compte/agenda/revoquer").status_code == 200
    assert app_client.get(new_path).status_code == 200
    r = post_form(conseiller, "/compte/agenda/revoquer", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/compte?agenda=revoque#agenda"
    assert "Agenda révoqué" in conseiller.get(r.headers["location"]).text
    r = app_client.get(new_path)
    assert r.status_code == 404 and r.text.startswith("Agenda introuvable")
    with app_client.app.state.milo.db.session() as s:
        done = list(s.scalars(select(AuditRow.action).where(AuditRow.action.like("calendar.%"))))
    assert done == ["calendar.create", "calendar.rotate", "calendar.revoke"]
    assert "agenda privé révoqué" in manager.get("/territoires/creusot-montceau/journal").text


def test_without_csrf_or_territory_no_feed(as_person):
    conseiller = as_person("conseiller")
    r = conseiller.post("/compte/agenda", data={"action": "creer"})
    assert r.status_code == 403
    arml = as_person("arml")
    assert "Agenda sur votre téléphone" not in arml.get("/compte").text
    r = post_form(arml, "/compte/agenda")
    assert r.status_code == 422 and "réservé aux comptes rattachés à un territoire" in r.text
