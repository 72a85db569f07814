"""The « Activité » page: past sessions of the published plan, counts entered and corrected in
their row with the API's rules and messages, audited; who may read and write it."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import escape
from sqlalchemy import select

from api.service.db.models import ActivityRow, AuditRow, UserRow
from tests.api.service.conftest import CM, MB
from tests.api.service.test_security import OPEN
from tests.api.web.activity_plan import (
    HTMX,
    injected,
    row_url,
    save_row,
    set_now,
    start_of,
    visits,
)
from tests.api.web.conftest import PEOPLE, post_form
from tests.maps.injection import CORPUS, poisoned

PAGE = f"/territoires/{CM}/activite"
ROW_IDS = re.compile(r'<tr id="visite-(\d+)"')
COUNTS = {"contacts": 12, "reperes": 4, "mobilises": 2}


def records(client, visit_id: int) -> list[ActivityRow]:
    with client.app.state.milo.db.session() as s:
        rows = list(s.scalars(select(ActivityRow).where(ActivityRow.visit_id == visit_id)))
        s.expunge_all()
    return rows


def entries(client) -> list[AuditRow]:
    """The activity entries of the audit log, oldest first."""
    with client.app.state.milo.db.session() as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
        s.expunge_all()
    return [r for r in rows if r.action.startswith("activity.")]


def user_id(client, name: str) -> int:
    with client.app.state.milo.db.session() as s:
        return s.scalar(select(UserRow.id).where(UserRow.email == PEOPLE[name][0]))


def api_error(client, headers: dict, plan: dict, visit: dict, body: dict) -> str:
    """The French message the JSON API gives for ``body`` (its first refused field)."""
    url = f"/plans/{plan['id']}/visits/{visit['id']}/activity"
    r = client.post(url, json=body, headers=headers)
    assert r.status_code == 422, r.text
    return r.json()["errors"][0]["erreur"]


def test_the_page_lists_the_past_sessions_newest_first_and_a_row_turns_into_a_form(
    as_person, published_plan
):
    manager = as_person("manager")
    r = manager.get(PAGE)
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Activité" in page and "à saisir" in page
    shown = [int(i) for i in ROW_IDS.findall(page)]
    newest = sorted(visits(published_plan), key=lambda v: (start_of(v), v["van"]), reverse=True)
    assert shown == [v["id"] for v in newest]
    for v in newest:
        assert str(escape(v["stop_name"])) in page
    assert f"0 / {len(newest)}" in page  # sessions with counts / sessions held
    assert f'href="/territoires/{CM}/journal"' in page  # the manager's navigation
    assert "<caption>" in page and '<th scope="row">' in page
    # « Saisir » turns the row into a form pre-filled with the visit's approach
    visit = visits(published_plan)[0]
    form = manager.get(row_url(visit) + "/saisie", headers=HTMX)
    assert form.status_code == 200
    assert form.text.lstrip().startswith(f'<tr id="visite-{visit["id"]}"')
    assert f'value="{visit["approach"]}" selected' in form.text
    for name in ("contacts", "reperes", "mobilises"):
        assert f'<label for="{name}-{visit["id"]}">' in form.text
        assert f'id="{name}-{visit["id"]}" name="{name}" min="0"' in form.text
    assert 'name="csrf" value="' in form.text and "Enregistrer" in form.text
    # « Annuler » gives the row back; without script, the links lead to the page
    back = manager.get(row_url(visit), headers=HTMX)
    assert back.status_code == 200 and "à saisir" in back.text and "<form" not in back.text
    plain = manager.get(row_url(visit) + "/saisie", follow_redirects=False)
    assert plain.status_code == 303 and f"saisir={visit['id']}" in plain.headers["location"]
    full = manager.get(f"{PAGE}?saisir={visit['id']}")
    assert full.status_code == 200 and f'id="contacts-{visit["id"]}"' in full.text


def test_without_a_published_plan_the_page_says_so_and_links_to_the_plans(as_person):
    r = as_person("manager").get(PAGE)
    assert r.status_code == 200
    assert "Aucun plan n'est publié" in r.text
    assert f'href="/territoires/{CM}/plans"' in r.text


def test_entering_counts_stores_them_once_audits_them_and_a_correction_bumps_the_revision(
    as_person, published_plan, api_manager
):
    manager = as_person("manager")
    visit = visits(published_plan)[0]
    r = save_row(manager, visit, **COUNTS)
    assert r.status_code == 200, r.text
    assert r.headers["HX-Trigger"] == "activite-enregistree"  # the totals refresh
    assert "révision 1" in r.text and "Marie" in r.text and ">12<" in r.text
    [row] = records(manager, visit["id"])
    assert (row.contacts, row.reperes, row.mobilises, row.revision) == (12, 4, 2, 1)
    assert row.approach == visit["approach"]
    [entry] = entries(manager)
    assert entry.action == "activity.create" and entry.actor_user_id == user_id(manager, "manager")
    assert entry.after == COUNTS | {
        "approach": visit["approach"],
        "partner_met": None,
        "revision": 1,
    }
    # a correction: the same record, the next revision, another approach
    r = save_row(manager, visit, contacts=14, reperes=4, mobilises=3, approach="maraude")
    assert r.status_code == 200 and "révision 2" in r.text
    [row] = records(manager, visit["id"])
    assert (row.contacts, row.mobilises, row.revision, row.approach) == (14, 3, 2, "maraude")
    assert [e.action for e in entries(manager)] == ["activity.create", "activity.correct"]
    page = manager.get(PAGE).text
    assert "révision 2" in page and f"1 / {len(visits(published_plan))}" in page
    assert "Maraude" in page
    totals = manager.get(PAGE + "/totaux", headers=HTMX).text
    assert "<dd>14</dd>" in totals and "<dd>3</dd>" in totals
    api = manager.get(f"/territories/{CM}/activity", headers=api_manager).json()
    assert api["totals"] == {"sessions": 1, "contacts": 14, "reperes": 4, "mobilises": 3}


def test_incoherent_or_out_of_bounds_counts_show_the_apis_message_with_the_values_kept(
    as_person, published_plan, api_manager
):
    manager = as_person("manager")
    visit = visits(published_plan)[1]
    cases = [
        ({"contacts": 3, "reperes": 1, "mobilises": 5}, "mobilises"),  # mobilisés > contacts
        ({"contacts": 3, "reperes": 7, "mobilises": 0}, "reperes"),  # repérés > contacts
        ({"contacts": -1, "reperes": 0, "mobilises": 0}, "contacts"),
        ({"contacts": 250, "reperes": 0, "mobilises": 0}, "contacts"),
    ]
    for body, field in cases:
        expected = api_error(manager, api_manager, published_plan, visit, body)
        r = save_row(manager, visit, **body)
        assert r.status_code == 422, r.text
        assert str(escape(expected)) in r.text, (body, expected)
        assert 'role="alert"' in r.text and "rien n'a été enregistré" in r.text
        for value in body.values():
            assert f'inputmode="numeric" required value="{value}"' in r.text
        assert f'id="{field}-{visit["id"]}"' in r.text and 'aria-invalid="true"' in r.text
    # no number at all: said in French, what came is kept
    r = save_row(manager, visit, contacts="douze", reperes="", mobilises=0)
    assert r.status_code == 422
    assert "Contacts : nombre entier attendu, reçu « douze »" in r.text
    assert "Repérés : nombre entier attendu, reçu un champ vide" in r.text
    assert 'value="douze"' in r.text
    r = save_row(manager, visit, contacts=3, reperes=1, mobilises=0, approach="inconnue")
    assert r.status_code == 422 and "Démarche : valeur inconnue" in r.text
    assert records(manager, visit["id"]) == [] and entries(manager) == []
    # without script: the whole page, the row still a form with what was typed
    r = save_row(manager, visit, htmx=False, contacts=3, reperes=1, mobilises=5)
    assert r.status_code == 422 and "<h1>Activité" in r.text and 'value="5"' in r.text
    r = save_row(manager, visit, htmx=False, **COUNTS)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#visite-{visit['id']}")
    assert len(records(manager, visit["id"])) == 1


def test_a_future_session_is_not_listed_and_cannot_be_entered(as_person, published_plan):
    manager = as_person("manager")
    first, *later = visits(published_plan)
    set_now(manager, start_of(first) + dt.timedelta(minutes=5))
    shown = [int(i) for i in ROW_IDS.findall(manager.get(PAGE).text)]
    future = next(v for v in later if start_of(v) > start_of(first))
    assert first["id"] in shown and future["id"] not in shown
    r = save_row(manager, future, contacts=3, reperes=1, mobilises=0)
    assert r.status_code == 422
    assert "Séance pas encore commencée" in r.text and 'value="3"' in r.text
    form = manager.get(row_url(future) + "/saisie", headers=HTMX)
    assert "Séance pas encore commencée" in form.text and "<form" not in form.text
    plain = save_row(manager, future, htmx=False, contacts=3, reperes=1, mobilises=0)
    assert plain.status_code == 422 and "Séance pas encore commencée" in plain.text
    assert "pas dans la liste" in manager.get(f"{PAGE}?saisir={future['id']}").text
    assert records(manager, future["id"]) == [] and entries(manager) == []
    assert save_row(manager, first, contacts=3, reperes=1, mobilises=0).status_code == 200


def test_the_period_filter_keeps_a_month_or_a_week(as_person, published_plan):
    manager = as_person("manager")
    every = visits(published_plan)
    page = manager.get(PAGE).text
    assert '<option value="2025-05"' in page and '<option value="2025-S19"' in page
    month = manager.get(PAGE + "?periode=2025-05").text
    assert len(ROW_IDS.findall(month)) == len(every) and "Séances : mai 2025" in month
    week = manager.get(PAGE + "?periode=2025-S19").text
    assert len(ROW_IDS.findall(week)) == len(every)
    assert "semaine du lundi 5 mai 2025" in week
    empty = manager.get(PAGE + "?periode=2025-06")
    assert empty.status_code == 200 and ROW_IDS.findall(empty.text) == []
    assert "Aucune séance tenue sur cette période" in empty.text
    bad = manager.get(PAGE + "?periode=mai")
    assert bad.status_code == 422 and "Période « mai » illisible" in bad.text


def test_erasing_a_record_brings_the_row_back_to_enter_and_is_audited(as_person, published_plan):
    manager = as_person("manager")
    visit = visits(published_plan)[0]
    assert save_row(manager, visit, **COUNTS).status_code == 200
    form = manager.get(row_url(visit) + "/saisie", headers=HTMX).text
    assert "Effacer la saisie" in form and "data-confirm=" in form
    r = post_form(manager, row_url(visit) + "/effacer", headers=HTMX)
    assert r.status_code == 200 and "à saisir" in r.text and "Saisie effacée" in r.text
    assert records(manager, visit["id"]) == []
    assert [e.action for e in entries(manager)] == ["activity.create", "activity.delete"]


def test_a_conseiller_enters_counts_on_its_territory(as_person, published_plan):
    conseiller = as_person("conseiller")
    page = conseiller.get(PAGE)
    assert page.status_code == 200 and "à saisir" in page.text
    assert f'href="{PAGE}"' in page.text  # in the conseiller's navigation
    assert f'href="/territoires/{CM}/plans"' not in page.text
    visit = visits(published_plan)[2]
    r = save_row(conseiller, visit, **COUNTS)
    assert r.status_code == 200 and "Julien" in r.text
    [row] = records(conseiller, visit["id"])
    assert row.recorded_role == "conseiller"
    assert entries(conseiller)[0].actor_user_id == user_id(conseiller, "conseiller")


def test_other_territories_and_the_arml_are_refused_in_french(as_person, published_plan):
    visit = visits(published_plan)[0]
    for name in ("manager_mb", "arml"):
        client = as_person(name)
        r = client.get(PAGE)
        assert r.status_code == 403 and "Accès refusé" in r.text, name
        assert save_row(client, visit, **COUNTS).status_code == 403
        assert client.get(row_url(visit) + "/saisie", headers=HTMX).status_code == 403
    mb = as_person("manager_mb")
    assert mb.get(f"/territoires/{MB}/activite").status_code == 200
    # a visit of CM through MB's address is unknown there
    assert save_row_at(mb, f"/territoires/{MB}/activite/{visit['id']}").status_code == 404
    assert records(mb, visit["id"]) == []


def save_row_at(client, url: str):
    return post_form(client, url, {**{k: str(v) for k, v in COUNTS.items()}}, headers=HTMX)


def test_a_post_without_the_csrf_token_is_refused(as_person, published_plan):
    manager = as_person("manager")
    visit = visits(published_plan)[0]
    r = manager.post(row_url(visit), data={k: str(v) for k, v in COUNTS.items()})
    assert r.status_code == 403 and "CSRF" in r.text
    r = manager.post(row_url(visit) + "/effacer")
    assert r.status_code == 403
    assert records(manager, visit["id"]) == []


def test_injection_strings_in_hosts_and_in_the_form_are_shown_inert(
    as_person, app_client, api_manager
):
    partners = app_client.get(f"/territories/{CM}/partners", headers=api_manager).json()["data"]
    for i, p in enumerate(partners):
        body = {
            k: p[k] for k in ("type", "lon", "lat", "commune", "can_host_van", "power", "parking")
        }
        body |= {"name": poisoned(i), "fixed_site": p["fixed_site"], "opening_hours": OPEN}
        url = f"/territories/{CM}/partners/{p['id']}"
        assert app_client.put(url, json=body, headers=api_manager).status_code == 200
    r = app_client.post(
        f"/territories/{CM}/plans",
        json={"start": "2025-05-05", "weeks": 1, "time_limit": 1, "seed": 1},
        headers=api_manager,
    )
    plan_id = r.json()["id"]
    assert app_client.post(f"/plans/{plan_id}/publish", headers=api_manager).status_code == 200
    plan = app_client.get(f"/plans/{plan_id}", headers=api_manager).json()
    hosts = {v["host"] for v in plan["plan"]["visits"]} & set(CORPUS)
    assert hosts, "no host of the plan carries a name of the corpus"
    manager = as_person("manager")
    page = manager.get(PAGE).text
    for host in hosts:
        assert str(escape(host)) in page
    assert injected(page) == []
    assert "42-evalue" not in page
    # every corpus string typed into the count fields comes back escaped
    visit = visits(plan)[0]
    for text in CORPUS:
        r = save_row(manager, visit, contacts=text, reperes=text, mobilises=0)
        assert r.status_code == 422
        assert injected(r.text) == [] and "42-evalue" not in r.text
        assert f'value="{escape(text)}"' in r.text
    assert records(manager, visit["id"]) == []


def test_the_partner_met_is_shown_kept_on_a_correction_and_checked_by_the_api(
    as_person, published_plan, api_manager
):
    from tests.api.web.test_field_report import partner_keys

    manager = as_person("manager")
    visit = visits(published_plan)[0]
    keys = partner_keys(manager)
    name, key = sorted(keys.items())[0]
    r = save_row(manager, visit, **COUNTS, partner_met=key)
    assert r.status_code == 200, r.text
    assert f"partenaire rencontré : {escape(name)}" in r.text
    form = manager.get(row_url(visit) + "/saisie", headers=HTMX).text
    assert f'<option value="{key}" selected>' in form  # a correction keeps it unless changed
    [row] = records(manager, visit["id"])
    assert row.partner_met == key
    # the JSON API: the key comes back; a key of no partner of the territory is refused
    url = f"/plans/{published_plan['id']}/visits/{visit['id']}/activity"
    body = COUNTS | {"partner_met": key}
    answer = manager.post(url, json=body, headers=api_manager)
    assert answer.status_code == 200 and answer.json()["partner_met"] == key
    bad = manager.post(url, json=COUNTS | {"partner_met": "mairie-99999"}, headers=api_manager)
    assert bad.status_code == 422
    assert "Partenaire rencontré inconnu" in bad.json()["detail"]
    assert "mairie-99999" in bad.json()["detail"] and "/partners" in bad.json()["hint"]
    [row] = records(manager, visit["id"])
    assert row.partner_met == key and row.revision == 2  # the refused write changed nothing
