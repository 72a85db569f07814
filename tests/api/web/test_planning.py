"""« Planifier », a plan job's progress page and the territory's plans (TestClient; jobs run
inside the request: ``jobs_sync``)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import select

from api.service.db.models import AuditRow, PlanRow
from api.web.plan_form import next_monday
from planner.fleet import WEEKDAYS_FR
from tests.api.service.conftest import CM, MB, PLAN_START
from tests.api.web.conftest import post_form
from tests.maps.injection import CORPUS, EVALUATED

FORM_URL = f"/territoires/{CM}/planifier"
WORKWEEK = list(WEEKDAYS_FR[:5])
#: the form as a browser sends it for a one-week plan (both vans' days ticked)
FORM = {
    "start": PLAN_START,
    "weeks": "1",
    "time_limit": "1",
    "access_minutes": "15",
    "van-0-day": WORKWEEK,
    "van-1-day": WORKWEEK,
}
PROGRESS = re.compile(r"^/tournees/([0-9a-f]{32})/progression$")


def start_plan(client, **changes) -> str:
    """Send the « Planifier » form; the new plan's id (from the redirect to its progress)."""
    r = post_form(client, FORM_URL, FORM | changes, follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    match = PROGRESS.match(r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def stored(client, plan_id: str) -> PlanRow:
    with client.app.state.milo.db.session() as s:
        row = s.get(PlanRow, plan_id)
        s.expunge(row)
        return row


def test_the_form_opens_on_next_monday_for_four_weeks_with_the_territory(as_person):
    page = as_person("manager").get(FORM_URL)
    assert page.status_code == 200
    html = page.text
    monday = next_monday(dt.date.today())
    assert monday.weekday() == 0 and monday > dt.date.today()
    assert f'name="start" type="date" required value="{monday.isoformat()}"' in html
    assert 'name="weeks" type="number" min="1" max="8" step="1" required value="4"' in html
    for label in (
        '<label for="start">',
        '<label for="weeks">',
        '<label for="time_limit">',
        '<label for="access_minutes">',
        '<label for="exclude">',
        '<label for="pin-0-commune">',
        '<label for="freq-0-commune">',
        '<label for="van-0-lundi">',
    ):
        assert label in html, label
    assert "Véhicule equipe-creusot : jours travaillés" in html
    assert html.count('name="van-0-day"') == 7
    assert html.count('name="van-0-day" value="samedi"') == 1
    assert 'value="samedi" checked' not in html
    assert "Le Creusot (71153)" in html and "Au plus 1 s pour votre rôle" in html


def test_start_a_plan_follow_the_progress_fragment_to_the_draft(as_person):
    manager = as_person("manager")
    plan_id = start_plan(manager)
    row = stored(manager, plan_id)
    assert (row.status, row.stage, row.weeks, row.start.isoformat()) == (
        "done", "draft", 1, PLAN_START,
    )  # fmt: skip
    assert row.options["time_limit"] == 1.0 and "overrides" not in row.options
    assert row.created_by["user_id"] is not None
    page = manager.get(f"/tournees/{plan_id}/progression")
    assert page.status_code == 200 and 'aria-live="polite"' in page.text
    fragment = manager.get(f"/tournees/{plan_id}/progression/etat", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.headers["HX-Redirect"] == f"/tournees/{plan_id}"
    plain = manager.get(f"/tournees/{plan_id}/progression/etat", follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == f"/tournees/{plan_id}"
    draft = manager.get(f"/tournees/{plan_id}")
    assert draft.status_code == 200 and "brouillon" in draft.text
    with manager.app.state.milo.db.session() as s:
        entry = s.scalars(select(AuditRow).where(AuditRow.action == "plan.create")).one()
        assert entry.target == f"plans/{plan_id}" and entry.actor_user_id is not None


def test_a_running_job_polls_and_can_be_cancelled(as_person):
    manager = as_person("manager")
    plan_id = start_plan(manager)
    with manager.app.state.milo.db.session() as s:  # as if the job had just started
        row = s.get(PlanRow, plan_id)
        row.status, row.document = "running", None
        row.started_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=0.5)
        s.commit()
    fragment = manager.get(f"/tournees/{plan_id}/progression/etat", headers={"HX-Request": "true"})
    assert "HX-Redirect" not in fragment.headers
    html = fragment.text
    assert 'hx-trigger="load delay:1s"' in html
    assert f'hx-get="/tournees/{plan_id}/progression/etat"' in html
    value = re.search(r'<progress value="(\d+)" max="100"', html)
    assert value and 50 <= int(value.group(1)) <= 99, html
    assert "pour une limite de recherche de 1 s" in html and "Annuler le calcul" in html
    assert manager.get(f"/tournees/{plan_id}", follow_redirects=False).status_code == 303
    r = post_form(
        manager,
        f"/tournees/{plan_id}/annuler-calcul",
        headers={"HX-Request": "true"},
    )
    assert r.headers["HX-Redirect"] == f"/tournees/{plan_id}/progression"
    assert stored(manager, plan_id).status == "cancelled"
    page = manager.get(f"/tournees/{plan_id}/progression").text
    assert "Calcul annulé par un responsable du territoire" in unescape(page)
    assert "hx-get" not in page
    again = post_form(manager, f"/tournees/{plan_id}/annuler-calcul")
    assert again.status_code == 409 and "il n'y a plus de calcul" in unescape(again.text)


def test_a_failed_job_shows_its_french_error(as_person):
    manager = as_person("manager")
    plan_id = start_plan(manager)
    with manager.app.state.milo.db.session() as s:
        row = s.get(PlanRow, plan_id)
        row.status = "failed"
        row.error = {"detail": "Calcul arrêté : limite dépassée.", "hint": "Relancez plus court."}
        s.commit()
    html = manager.get(f"/tournees/{plan_id}/progression/etat").text
    assert 'role="alert"' in html and "Échec : Calcul arrêté : limite dépassée." in html
    assert "Relancez plus court." in html and "hx-get" not in html


def test_the_form_rules_go_to_the_plan_request(as_person):
    manager = as_person("manager")
    plan_id = start_plan(
        manager,
        **{
            "van-1-day": ["lundi", "mardi"],
            "van-0-sessions": "6",
            "access_minutes": "20",
            "exclude": ["71040", "71103"],
            "pin-0-commune": "71486",
            "pin-0-weekday": "mardi",
            "pin-0-slot": "matin",
            "pin-0-van": "equipe-montceau",
            "pin-0-frequency": "weekly",
            "freq-0-commune": "71153",
            "freq-0-frequency": "fortnightly",
        },
    )
    row = stored(manager, plan_id)
    assert row.status == "done", row.error
    assert row.options["overrides"] == {
        "rules": {
            "access_minutes": 20,
            "exclude": ["71040", "71103"],
            "pins": [{"commune": "71486", "weekday": "mardi", "slot": "matin",
                      "van": "equipe-montceau", "frequency": "weekly"}],
            "frequency": {"71153": "fortnightly"},
        },
        "vans": {
            "equipe-creusot": {"sessions_per_week": 6},
            "equipe-montceau": {"working_days": ["lundi", "mardi"]},
        },
    }  # fmt: skip
    visits = row.document["visits"]
    montceau = {
        dt.date.fromisoformat(v["date"]).weekday() for v in visits if v["van"] == "equipe-montceau"
    }
    assert montceau <= {0, 1}
    assert not {"71040", "71103"} & {v["stop_id"] for v in visits}
    pinned = [v for v in visits if v["stop_id"] == "71486"]
    assert [(v["date"], v["slot"], v["van"]) for v in pinned] == [
        ("2025-05-06", "matin", "equipe-montceau")
    ]
    assert sum(1 for v in visits if v["van"] == "equipe-creusot") <= 6


@pytest.mark.parametrize(
    ("case", "changes", "where", "message"),
    [
        ("weeks-zero", {"weeks": "0"}, "Nombre de semaines",
         "valeur attendue supérieure ou égale à 1 (reçu : 0)"),
        ("weeks-nine", {"weeks": "9"}, "Nombre de semaines",
         "valeur attendue inférieure ou égale à 8"),
        ("weeks-text", {"weeks": "quatre"}, "Nombre de semaines", "nombre entier attendu"),
        ("start-text", {"start": "pas une date"}, "Date de début",
         "date illisible : attendu AAAA-MM-JJ"),
        ("start-empty", {"start": ""}, "Date de début", "date illisible"),
        ("access-zero", {"access_minutes": "0"}, "Temps d'accès", "hors limites (attendu 1 à 120"),
        ("no-day", {"van-0-day": []}, "Véhicule equipe-creusot, jours travaillés",
         "liste non vide de jours attendue"),
        ("sessions-zero", {"van-0-sessions": "0"}, "Véhicule equipe-creusot, séances par semaine",
         "sessions_per_week 0 invalide"),
        ("pin-no-day", {"pin-0-commune": "71486", "pin-0-slot": "matin"}, "Arrêts épinglés",
         "jour '' inconnu"),
        ("limit-zero", {"time_limit": "0"}, "Limite de calcul",
         "valeur attendue strictement supérieure à 0"),
    ],
)  # fmt: skip
def test_bad_input_shows_the_french_error_and_keeps_the_values(
    as_person, case, changes, where, message
):
    manager = as_person("manager")
    sent = FORM | {"access_minutes": "17", "exclude": ["71040"]} | changes
    r = post_form(manager, FORM_URL, sent)
    assert r.status_code == 422, r.text[:2000]
    html = r.text
    assert 'role="alert"' in html and "Le plan n'a pas été lancé" in html
    assert f"<strong>{where}</strong> : " in unescape(html) and message in unescape(html)
    # nothing is lost: every value comes back as typed
    for name in ("start", "weeks", "time_limit", "access_minutes"):
        assert f'name="{name}"' in html
        assert f'value="{sent[name]}"' in html, name
    assert '<option value="71040" selected>' in html
    with manager.app.state.milo.db.session() as s:
        assert s.scalars(select(PlanRow)).all() == []


def test_a_rule_the_territory_cannot_meet_is_refused_before_any_job(as_person):
    manager = as_person("manager")
    r = post_form(
        manager,
        FORM_URL,
        FORM | {"pin-0-commune": "71486", "pin-0-weekday": "samedi", "pin-0-slot": "matin"},
    )
    assert r.status_code == 422
    assert "le samedi n'est travaillé par aucun véhicule" in unescape(r.text)
    assert 'value="samedi" selected' in r.text


def test_conseiller_other_territory_and_no_csrf_are_refused(as_person):
    conseiller = as_person("conseiller")
    page = conseiller.get(FORM_URL)
    assert page.status_code == 403 and "<h1>Accès refusé</h1>" in page.text
    assert post_form(conseiller, FORM_URL, FORM).status_code == 403
    other = as_person("manager_mb")
    r = other.get(FORM_URL)
    assert r.status_code == 403 and f"rattaché au territoire {MB}, pas à {CM}" in unescape(r.text)
    assert post_form(other, FORM_URL, FORM).status_code == 403
    manager = as_person("manager")
    r = manager.post(FORM_URL, data=FORM)
    assert r.status_code == 403 and "jeton de sécurité du formulaire (CSRF)" in r.text
    plan_id = start_plan(manager)
    r = conseiller.get(f"/tournees/{plan_id}/progression")
    assert r.status_code == 403 and "brouillon du responsable" in r.text
    assert other.get(f"/tournees/{plan_id}/progression").status_code == 403
    assert manager.post(f"/tournees/{plan_id}/annuler-calcul").status_code == 403
    with manager.app.state.milo.db.session() as s:
        assert len(s.scalars(select(PlanRow)).all()) == 1


def test_the_injection_corpus_through_the_form_renders_inert(as_person):
    manager = as_person("manager")
    for text in CORPUS:
        for field in ("start", "weeks", "time_limit", "access_minutes", "van-0-drive"):
            r = post_form(manager, FORM_URL, FORM | {field: text})
            assert r.status_code == 422, (field, text)
            html = r.text
            for bad in (
                "<img src=x", "<script>alert", "<svg onload", 'href="javascript:', "<style>*",
            ):  # fmt: skip
                assert bad not in html, (field, text)
            assert EVALUATED not in html
        r = post_form(manager, FORM_URL, FORM | {"pin-0-commune": text, "exclude": [text]})
        assert r.status_code == 422 and "<img src=x" not in r.text and "<script>alert" not in r.text
    r = post_form(manager, FORM_URL, FORM | {"start": CORPUS[0]})
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in r.text


def test_the_plans_history_newest_first_with_stage_author_and_origin(as_person):
    manager = as_person("manager")
    first = start_plan(manager)
    assert post_form(manager, f"/tournees/{first}/publier").status_code == 200
    second = start_plan(manager, weeks="2")
    page = manager.get(f"/territoires/{CM}/plans")
    assert page.status_code == 200
    html = page.text
    assert (
        "<caption>Versions des plans du territoire" in html and '<th scope="col">Étape</th>' in html
    )
    assert html.index(f'href="/tournees/{second}">Version 2') < html.index(
        f'href="/tournees/{first}">Version 1'
    )
    assert '<span class="badge published">publié</span>' in html
    assert '<span class="badge draft">brouillon</span>' in html
    assert "Marie" in html and "nouveau plan" in html and "lundi 5 mai 2025" in html
    conseiller = as_person("conseiller").get(f"/territoires/{CM}/plans").text
    assert f"/tournees/{first}" in conseiller and f"/tournees/{second}" not in conseiller
    assert as_person("manager_mb").get(f"/territoires/{CM}/plans").status_code == 403
    assert as_person("arml").get(f"/territoires/{CM}/plans").status_code == 403
