"""A plan's page: the week view, the day map, KPIs, unplanned stops, cancelling a date (a
re-plan whose draft lists the change), re-planning the rest, publishing, exports, the week
sheet; roles and territories (TestClient, ``jobs_sync``)."""

from __future__ import annotations

import re
from html import unescape

import icalendar
import pytest
from sqlalchemy import select

from api.service.db.models import AuditRow, PlanRow
from tests.api.service.conftest import CM
from tests.api.web.conftest import post_form
from tests.api.web.test_planning import start_plan, stored
from tests.maps.injection import CORPUS

VISIT = re.compile(r'data-visit-id="(\d+)"')
PROGRESS = re.compile(r"^/tournees/([0-9a-f]{32})/progression$")


@pytest.fixture
def manager(as_person):
    return as_person("manager")


@pytest.fixture
def draft(manager) -> str:
    return start_plan(manager)


def week_visits(row: PlanRow, first: str, last: str) -> list[dict]:
    assert row.document is not None
    return [v for v in row.document["visits"] if first <= v["date"] <= last]


def follow(r) -> str:
    """The plan id of the progress page an action sent the browser to."""
    target = r.headers.get("HX-Redirect") or r.headers.get("location", "")
    match = PROGRESS.match(target)
    assert match, (r.status_code, r.text[:2000])
    return match.group(1)


def test_week_view_has_one_entry_per_visit_and_week_links(manager):
    plan_id = start_plan(manager, weeks="2")
    row = stored(manager, plan_id)
    page = manager.get(f"/tournees/{plan_id}")
    assert page.status_code == 200
    html = page.text
    ids = VISIT.findall(html)
    first_week = week_visits(row, "2025-05-05", "2025-05-11")
    assert sorted(map(int, ids)) == sorted(v["id"] for v in first_week)
    assert f"({len(first_week)} visites)" in html
    assert "Semaine 1 sur 2 · lundi 5 mai 2025 – vendredi 9 mai 2025" in html
    assert f'href="/tournees/{plan_id}?semaine=2" rel="next"' in html and 'rel="prev"' not in html
    for header in ("lundi 5 mai 2025", "jeudi 8 mai 2025", "vendredi 9 mai 2025"):
        assert header in html
    assert "samedi 10 mai" not in html  # no weekend work: Monday to Friday only
    v = first_week[0]
    assert unescape(v["stop_name"]) in unescape(html) and f"{v['start']}–{v['end']}" in html
    assert '<th scope="row">Véhicule equipe-creusot<br><small>Matin</small></th>' in html
    week2 = manager.get(f"/tournees/{plan_id}?semaine=2").text
    second_week = week_visits(row, "2025-05-12", "2025-05-18")
    assert sorted(map(int, VISIT.findall(week2))) == sorted(v["id"] for v in second_week)
    assert 'rel="prev"' in week2 and 'rel="next"' not in week2
    clamped = manager.get(f"/tournees/{plan_id}?semaine=9")
    assert clamped.status_code == 200 and "Semaine 2 sur 2" in clamped.text
    by_day = manager.get(f"/tournees/{plan_id}?jour=2025-05-13").text
    assert "Semaine 2 sur 2" in by_day and f"/tournees/{plan_id}/carte?jour=2025-05-13" in by_day


def test_kpis_unplanned_and_page_landmarks(manager, draft):
    html = unescape(manager.get(f"/tournees/{draft}").text)
    row = stored(manager, draft)
    kpis = row.document["kpis"]
    for label in (
        "Jeunes à portée d'une présence régulière",
        "Repérés attendus",
        "Heures de conduite",
        "Communes FRR desservies",
        "Communes avec un QPV desservies",
        "Séances par démarche",
        "Véhicule itinérant",
    ):
        assert label in html, label
    drive = f"{kpis['drive_h']:.1f}".replace(".", ",")
    assert f"{drive}\xa0h" in html
    assert f"{kpis['expected_reperes']:.1f}".replace(".", ",") in html
    assert '<h2 id="non-planifies">Non planifiés et pourquoi</h2>' in html
    unplanned = row.document["unplanned"]
    assert unplanned and unplanned[0]["reason"] in html and unplanned[0]["name"] in html
    assert html.count("<h1>") == 1 and '<span class="badge draft">brouillon</span>' in html
    for fmt in ("ics", "gpx", "csv", "geojson"):
        assert f'href="/tournees/{draft}/export.{fmt}"' in html
    assert f'href="/tournees/{draft}/feuille?semaine=1"' in html


def test_the_day_map_shows_that_days_stops_only_and_may_be_framed(manager, draft):
    row = stored(manager, draft)
    day = week_visits(row, "2025-05-06", "2025-05-06")
    assert 0 < len(day) < len(row.document["visits"])
    r = manager.get(f"/tournees/{draft}/carte?jour=2025-05-06")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("milo-stop-icon") == len(day)
    assert "folium" in r.text or "leaflet" in r.text.lower()
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
    assert "x-milo-frame" not in {k.lower() for k in r.headers}
    week = manager.get(f"/tournees/{draft}/carte?semaine=1")
    assert week.text.count("milo-stop-icon") == len(row.document["visits"])
    page = manager.get(f"/tournees/{draft}")  # the page itself is never framed
    assert page.headers["x-frame-options"] == "DENY"
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "frame-src 'self'" in policy
    assert f'src="/tournees/{draft}/carte?semaine=1"' in page.text and "<iframe" in page.text
    outside = manager.get(f"/tournees/{draft}/carte?jour=2025-06-30")
    assert outside.status_code == 422 and "hors du plan" in unescape(outside.text)
    assert manager.get(f"/tournees/{draft}/carte?jour=demain").status_code == 422


def test_cancel_one_date_gives_a_draft_that_lists_the_change(manager, draft):
    row = stored(manager, draft)
    visit = row.document["visits"][0]
    r = post_form(
        manager,
        f"/tournees/{draft}/visites/{visit['id']}/annuler",
        {"reason": "meteo"},
        headers={"HX-Request": "true"},
    )
    new_id = follow(r)
    new = stored(manager, new_id)
    assert (new.status, new.stage, new.parent_id, new.base_version) == ("done", "draft", draft, 1)
    assert [{k: v for k, v in c.items() if v is not None} for c in new.changes or ()] == [
        {"kind": "cancel_stop", "stop_id": visit["stop_id"], "dates": [visit["date"]],
         "reason": "meteo"}
    ]  # fmt: skip
    cancelled = [c for c in new.document["changes"] if c["label"] == "visite annulée"]
    assert [(c["stop_id"], c["date"]) for c in cancelled] == [(visit["stop_id"], visit["date"])]
    html = unescape(manager.get(f"/tournees/{new_id}").text)
    assert "Ce qui a changé" in html and "visite annulée" in html and "(motif : météo)" in html
    assert f're-planifié depuis la <a href="/tournees/{draft}">version 1</a>' in html
    assert '<div class="visit-trace mark-cancelled">' in html
    assert f"<del>{visit['stop_name']}</del>" in html
    assert len(VISIT.findall(html)) == len(week_visits(new, "2025-05-05", "2025-05-11"))
    with manager.app.state.milo.db.session() as s:
        entry = s.scalars(select(AuditRow).where(AuditRow.action == "plan.replan")).one()
        assert entry.target == f"plans/{new_id}" and entry.before == {"plan": draft, "version": 1}
        assert entry.after["changes"][0]["reason"] == "meteo"
    history = unescape(manager.get(f"/territoires/{CM}/plans").text)
    assert f"re-plan de la version 1 : Annuler un arrêt · {visit['stop_name']}" in history


def test_cancel_refuses_a_reason_outside_the_list_and_an_unknown_visit(manager, draft):
    visit = stored(manager, draft).document["visits"][0]
    url = f"/tournees/{draft}/visites/{visit['id']}/annuler"
    for text in ("je ne sais pas", *CORPUS[:3]):
        r = post_form(manager, url, {"reason": text})
        assert r.status_code == 422 and "Motif d'annulation" in unescape(r.text)
        assert "<img src=x" not in r.text and "<script>alert" not in r.text
    r = post_form(manager, f"/tournees/{draft}/visites/999999/annuler", {"reason": "meteo"})
    assert r.status_code == 404 and "Visite 999999 inconnue" in r.text
    assert manager.post(url, data={"reason": "meteo"}).status_code == 403  # no CSRF
    with manager.app.state.milo.db.session() as s:
        assert len(s.scalars(select(PlanRow)).all()) == 1


def test_replan_the_rest_closes_a_date(manager, draft):
    r = post_form(
        manager,
        f"/tournees/{draft}/replanifier",
        {"kind": "close_date", "van": "", "first": "2025-05-07", "last": "", "mode": "minimal"},
        follow_redirects=False,
    )
    new = stored(manager, follow(r))
    assert new.status == "done" and new.changes[0]["dates"] == ["2025-05-07"]
    assert not [v for v in new.document["visits"] if v["date"] == "2025-05-07"]
    html = unescape(manager.get(f"/tournees/{new.id}").text)
    assert "Fermer des dates · mercredi 7 mai 2025" in html
    bad = post_form(manager, f"/tournees/{draft}/replanifier", {"kind": "close_date"})
    assert bad.status_code == 422 and "aucune date donnée" in unescape(bad.text)
    bad = post_form(
        manager, f"/tournees/{draft}/replanifier", {"kind": "close_date", "first": "demain"}
    )
    assert bad.status_code == 422 and "date illisible" in bad.text
    bad = post_form(
        manager,
        f"/tournees/{draft}/replanifier",
        {"kind": "van_down", "van": "camion-9"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "camion-9" in bad.text
    assert "<!doctype html>" not in bad.text  # an HTMX fragment


def test_publish_then_publish_a_replan_archives_the_first(manager, draft):
    page = manager.get(f"/tournees/{draft}").text
    assert "Aucun plan n'est publié aujourd'hui" in unescape(page)
    r = post_form(manager, f"/tournees/{draft}/publier", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tournees/{draft}?publie=1"
    assert stored(manager, draft).stage == "published"
    published = manager.get(r.headers["location"]).text
    assert "Plan publié" in published and '<span class="badge published">publié</span>' in published
    assert "Publier la version" not in published
    visit = stored(manager, draft).document["visits"][1]
    second = follow(
        post_form(
            manager,
            f"/tournees/{draft}/visites/{visit['id']}/annuler",
            {"reason": "partenaire_indisponible"},
            follow_redirects=False,
        )
    )
    html = unescape(manager.get(f"/tournees/{second}").text)
    assert "Publier la version 2 (archive la version 1)" in html
    assert (
        f'Publier archive le plan publié actuel, la <a href="/tournees/{draft}">version 1</a>'
        in html
    )
    post_form(manager, f"/tournees/{second}/publier")
    assert stored(manager, second).stage == "published"
    assert stored(manager, draft).stage == "archived"
    archived = unescape(manager.get(f"/tournees/{draft}").text)
    assert "Plan archivé" in archived and "Modifier" not in archived
    assert post_form(manager, f"/tournees/{draft}/publier").status_code == 409


def test_ics_export_has_one_event_per_visit(manager, draft):
    r = manager.get(f"/tournees/{draft}/export.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert "attachment" in r.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(r.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(stored(manager, draft).document["visits"])
    for fmt, kind in (("gpx", "gpx"), ("csv", "text/csv"), ("geojson", "geo+json")):
        assert kind in manager.get(f"/tournees/{draft}/export.{fmt}").headers["content-type"]
    table = manager.get(f"/tournees/{draft}/tables/non-planifies.csv")
    assert table.status_code == 200 and "Raison" in table.content.decode("utf-8-sig")
    assert manager.get(f"/tournees/{draft}/export.pdf").status_code == 404


def test_the_week_sheet_lists_the_weeks_sessions(manager, draft):
    row = stored(manager, draft)
    r = manager.get(f"/tournees/{draft}/feuille?semaine=1")
    assert r.status_code == 200
    html = unescape(r.text)
    assert "<h1>Séances de la semaine 1 · Creusot-Montceau</h1>" in html
    assert html.count("<tbody>") == len({v["date"] for v in row.document["visits"]})
    for v in row.document["visits"]:
        assert f"{v['start']}–{v['end']}" in html and v["stop_name"] in html
        assert f"({v['commune']})" in html
    assert "Lundi 5 mai 2025" in html and "data-print" in html and 'class="no-print' in html


def test_conseillers_never_see_a_draft_and_read_a_published_plan(as_person, manager, draft):
    conseiller = as_person("conseiller")
    for path in ("", "/carte?jour=2025-05-06", "/feuille", "/export.ics", "/progression"):
        r = conseiller.get(f"/tournees/{draft}{path}")
        assert r.status_code == 403, path
        assert "brouillon du responsable" in unescape(r.text), path
    other = as_person("manager_mb")
    for path in ("", "/carte?semaine=1", "/feuille", "/export.csv"):
        assert other.get(f"/tournees/{draft}{path}").status_code == 403, path
    visit = stored(manager, draft).document["visits"][0]
    for who in (conseiller, other):
        assert post_form(who, f"/tournees/{draft}/publier").status_code == 403
        r = post_form(who, f"/tournees/{draft}/visites/{visit['id']}/annuler", {"reason": "meteo"})
        assert r.status_code == 403
        assert (
            post_form(who, f"/tournees/{draft}/replanifier", {"first": "2025-05-06"}).status_code
            == 403
        )
    post_form(manager, f"/tournees/{draft}/publier")
    page = conseiller.get(f"/tournees/{draft}")
    assert page.status_code == 200 and '<span class="badge published">publié</span>' in page.text
    assert "Annuler cette date" not in page.text and "Re-planifier" not in page.text
    assert conseiller.get(f"/tournees/{draft}/export.ics").status_code == 200
    assert as_person("arml").get(f"/tournees/{draft}").status_code == 403


def test_an_unknown_plan_is_a_french_404(manager):
    r = manager.get("/tournees/0123456789abcdef0123456789abcdef")
    assert r.status_code == 404 and "inconnu" in r.text and "<h1>" in r.text


def test_a_plan_page_before_the_end_of_its_job_goes_to_its_progress(manager, draft):
    with manager.app.state.milo.db.session() as s:
        row = s.get(PlanRow, draft)
        row.status, row.started_at = "queued", None
        s.commit()
    r = manager.get(f"/tournees/{draft}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tournees/{draft}/progression"
