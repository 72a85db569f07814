"""« Bilan de séance » of the conseiller's phone (``api.web.routes.field_report``): one write
per idempotency key, the API's rules (future session, bounds, other territory), CSRF, no
injection."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from api.service.clock import get_now
from api.service.db.models import ActivityReportRow, ActivityRow
from tests.api.web.conftest import csrf_of, publish
from tests.maps.injection import CORPUS

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

JSON = {"Accept": "application/json"}


@pytest.fixture
def conseiller(as_person, published_plan):
    return as_person("conseiller")


def visit_of(plan: dict) -> dict:
    return min(plan["plan"]["visits"], key=lambda v: (v["date"], v["start_s"], v["van"]))


def url(visit: dict) -> str:
    return f"/terrain/seances/{visit['id']}/bilan"


def send(client, visit: dict, *, key: str | None = None, headers=None, **counts):
    page = client.get(url(visit))
    data = {"csrf": csrf_of(page.text), "key": key or str(uuid.uuid4()), "contacts": "5"}
    data |= {"reperes": "2", "mobilises": "1", "approach": visit["approach"]} | counts
    return client.post(url(visit), data=data, headers=headers or {}, follow_redirects=False)


def stored_counts(db, visit_id: int) -> tuple[int, int]:
    """(activity rows, activity_reports rows) of a visit in the store ``db``."""
    with db.session() as s:
        activity = s.scalar(select(func.count()).where(ActivityRow.visit_id == visit_id))
        q = select(func.count()).select_from(ActivityReportRow)
        reports = s.scalar(q.where(ActivityReportRow.visit_id == visit_id))
    return int(activity or 0), int(reports or 0)


def rows(client, visit_id: int) -> tuple[int, int]:
    return stored_counts(client.app.state.milo.db, visit_id)


def test_the_form_is_prefilled_with_the_visits_approach_and_a_key(conseiller, published_plan):
    visit = visit_of(published_plan)
    r = conseiller.get(url(visit))
    assert r.status_code == 200
    assert "<h1>Bilan de séance</h1>" in r.text
    assert f'<option value="{visit["approach"]}" selected>' in r.text
    assert 'name="key" value="' in r.text
    for name in ("contacts", "reperes", "mobilises"):
        assert f'<label for="{name}">' in r.text
        assert f'id="{name}" name="{name}" min="0" max="200"' in r.text
    assert "textarea" not in r.text and 'type="text"' not in r.text


def test_the_same_key_twice_is_written_exactly_once(conseiller, published_plan):
    visit = visit_of(published_plan)
    key = str(uuid.uuid4())
    first = send(conseiller, visit, key=key, headers=JSON)
    assert first.status_code == 201, first.text
    assert first.json() == {"status": "envoye", "revision": 1, "duplicate": False}
    again = send(conseiller, visit, key=key, headers=JSON, contacts="9")
    assert again.status_code == 200
    assert again.json() == {"status": "envoye", "revision": 1, "duplicate": True}
    assert rows(conseiller, visit["id"]) == (1, 1)
    with conseiller.app.state.milo.db.session() as s:
        q = select(ActivityRow.contacts).where(ActivityRow.visit_id == visit["id"])
        assert s.scalar(q) == 5
    # a correction is a new report: the revision grows
    fixed = send(conseiller, visit, headers=JSON, contacts="7")
    assert fixed.status_code == 201 and fixed.json()["revision"] == 2
    assert rows(conseiller, visit["id"]) == (1, 2)


def republished(client, headers, plan: dict, cancelled: dict) -> dict:
    """The plan re-planned without ``cancelled``'s stop, published (the old one archived)."""
    r = client.post(
        f"/plans/{plan['id']}/replan",
        json={"changes": [{"kind": "cancel_stop", "stop_id": cancelled["stop_id"]}]},
        headers=headers,
    )
    assert r.status_code == 202, r.text
    return publish(client, headers, client.get(f"/plans/{r.json()['id']}", headers=headers).json())


def test_a_report_queued_before_a_publication_reaches_the_same_session_of_the_new_plan(
    conseiller, app_client, api_manager, published_plan
):
    visits = sorted(published_plan["plan"]["visits"], key=lambda v: (v["date"], v["start_s"]))
    kept, gone = visits[0], next(v for v in visits if v["stop_id"] != visits[0]["stop_id"])
    form = conseiller.get(url(kept))  # the phone saved the form, then lost the network
    new = republished(app_client, api_manager, published_plan, gone)
    same = next(
        v
        for v in new["plan"]["visits"]
        if all(v[k] == kept[k] for k in ("date", "van", "slot", "stop_id"))
    )
    assert same["id"] != kept["id"]
    key = str(uuid.uuid4())
    data = {"csrf": csrf_of(form.text), "key": key, "contacts": "6", "reperes": "3"}
    data |= {"mobilises": "1", "approach": kept["approach"]}
    r = conseiller.post(url(kept), data=data, headers=JSON)
    assert r.status_code == 201, r.text
    assert rows(conseiller, same["id"]) == (1, 0) and rows(conseiller, kept["id"]) == (0, 1)
    again = conseiller.post(url(kept), data=data, headers=JSON)  # a retry: the stored answer
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert rows(conseiller, same["id"]) == (1, 0)
    # a session the new version dropped is refused, with the French reason
    dropped = send(conseiller, gone, headers=JSON)
    assert dropped.status_code == 409, dropped.text
    assert "plan officiel" in dropped.json()["detail"]


def test_a_plain_form_post_goes_back_to_today_with_a_status(conseiller, published_plan):
    visit = visit_of(published_plan)
    r = send(conseiller, visit)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/terrain?envoye=1")
    page = conseiller.get(r.headers["location"]).text
    assert "Bilan envoyé (révision 1)" in page
    assert "Bilan déjà enregistré (révision 1" in conseiller.get(url(visit)).text


def test_a_future_session_is_refused_in_french(conseiller, published_plan):
    visit = visit_of(published_plan)
    app = conseiller.app
    app.dependency_overrides[get_now] = lambda: dt.datetime(2025, 5, 4, 12, tzinfo=dt.UTC)
    try:
        assert "Séance pas encore commencée" in conseiller.get(url(visit)).text
        r = send(conseiller, visit, headers=JSON)
        assert r.status_code == 422
        assert "Séance pas encore commencée" in r.json()["detail"] and r.json()["hint"]
        html = send(conseiller, visit)
        assert html.status_code == 422
        assert "Bilan refusé, rien n'a été enregistré" in html.text
        assert 'value="5"' in html.text  # what was typed is kept
    finally:
        del app.dependency_overrides[get_now]
    assert rows(conseiller, visit["id"]) == (0, 0)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"contacts": "201"}, "inférieure ou égale à 200"),
        ({"contacts": "-1"}, "supérieure ou égale à 0"),
        ({"contacts": "3", "reperes": "4"}, "comptes incohérents"),
        ({"contacts": "trois"}, "nombre entier attendu"),
        ({"approach": "inconnue"}, "Démarche"),
    ],
)
def test_bounds_are_refused_in_french(conseiller, published_plan, counts, message):
    visit = visit_of(published_plan)
    r = send(conseiller, visit, headers=JSON, **counts)
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"]
    assert rows(conseiller, visit["id"]) == (0, 0)


def test_a_bad_key_is_refused(conseiller, published_plan):
    r = send(conseiller, visit_of(published_plan), key="pas-une-cle", headers=JSON)
    assert r.status_code == 422 and "UUID" in r.json()["detail"]


def test_other_territory_and_other_roles_get_403(as_person, app_client, published_plan):
    from tests.api.web.conftest import make_plan, publish

    visit = visit_of(published_plan)
    manager_mb = as_person("manager_mb")
    assert manager_mb.get(url(visit)).status_code == 403
    # a conseiller of CM on a visit of MB's published plan
    from api.service.auth import create_token

    db = app_client.app.state.milo.db
    token = create_token(
        db,
        app_client.app.state.milo.settings.secret,
        role="manager",
        territory_id="marches-de-bourgogne",
    )
    h = {"Authorization": f"Bearer {token}"}
    mb = publish(app_client, h, make_plan(app_client, h, "marches-de-bourgogne"))
    other = visit_of(mb)
    conseiller = as_person("conseiller")
    assert conseiller.get(url(other)).status_code == 403
    r = send(conseiller, visit, headers=JSON)  # a page of its own to get the CSRF token
    assert r.status_code == 201
    page = conseiller.get(url(visit)).text
    data = {
        "csrf": csrf_of(page),
        "key": str(uuid.uuid4()),
        "contacts": "1",
        "reperes": "0",
        "mobilises": "0",
        "approach": other["approach"],
    }
    r = conseiller.post(url(other), data=data, headers=JSON)
    assert r.status_code == 403 and "territoire" in r.json()["detail"]
    assert rows(conseiller, other["id"]) == (0, 0)


def test_without_csrf_nothing_is_written(conseiller, published_plan):
    visit = visit_of(published_plan)
    data = {"key": str(uuid.uuid4()), "contacts": "1", "reperes": "0", "mobilises": "0"}
    r = conseiller.post(url(visit), data=data)
    assert r.status_code == 403 and "CSRF" in r.text
    r = conseiller.post(url(visit), data=data, headers=JSON)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert rows(conseiller, visit["id"]) == (0, 0)


@pytest.mark.parametrize("text", CORPUS)
def test_the_injection_corpus_stays_inert_in_every_field(conseiller, published_plan, text):
    visit = visit_of(published_plan)
    for field in ("key", "contacts", "reperes", "mobilises", "approach"):
        r = send(conseiller, visit, **{field: text})
        assert r.status_code == 422, (field, r.status_code)
        for raw in ("<img src=x", "<script>alert", "<svg onload", '<a href="javascript'):
            assert raw not in r.text, (field, raw)
    assert rows(conseiller, visit["id"]) == (0, 0)


def partner_keys(client) -> dict[str, str]:
    """name -> key of the territory's stored partners."""
    from sqlalchemy import select as sql_select

    from api.service.db.models import PartnerRow
    from tests.api.service.conftest import CM

    with client.app.state.milo.db.session() as s:
        q = sql_select(PartnerRow.name, PartnerRow.key).where(PartnerRow.territory_id == CM)
        return {str(name): str(key) for name, key in s.execute(q)}


def met_of(client, visit_id: int) -> str | None:
    with client.app.state.milo.db.session() as s:
        return s.scalar(select(ActivityRow.partner_met).where(ActivityRow.visit_id == visit_id))


def test_the_partner_met_is_chosen_in_the_territorys_list_host_first(conseiller, published_plan):
    visit = next(v for v in published_plan["plan"]["visits"] if v["host"])
    page = conseiller.get(url(visit)).text
    assert '<label for="partner_met">Partenaire rencontré' in page
    options = page.split('name="partner_met"', 1)[1].split("</select>", 1)[0]
    keys = partner_keys(conseiller)
    assert '<option value="">Aucun</option>' in options
    first = options.split("<option", 3)[2]  # the first partner after « Aucun »
    assert f'value="{keys[visit["host"]]}"' in first
    assert options.count("<option") == len(keys) + 1
    # chosen: stored with the counts, audited, shown to the manager in Activité
    r = send(conseiller, visit, headers=JSON, partner_met=keys[visit["host"]])
    assert r.status_code == 201, r.text
    assert met_of(conseiller, visit["id"]) == keys[visit["host"]]
    again = conseiller.get(url(visit)).text
    assert f'<option value="{keys[visit["host"]]}" selected>' in again
    # « Aucun » on a correction: no partner met any more
    assert send(conseiller, visit, headers=JSON).status_code == 201
    assert met_of(conseiller, visit["id"]) is None


@pytest.mark.parametrize("bad", ["mairie-00000", "<b>texte libre</b>", "x" * 101])
def test_a_partner_met_outside_the_territorys_list_is_refused(conseiller, published_plan, bad):
    visit = visit_of(published_plan)
    r = send(conseiller, visit, headers=JSON, partner_met=bad)
    assert r.status_code == 422, r.text
    assert "partner_met" in r.json()["detail"] or "Partenaire rencontré" in r.json()["detail"]
    assert r.json()["hint"]
    assert rows(conseiller, visit["id"]) == (0, 0)
    html = send(conseiller, visit, partner_met=bad[:100])
    assert html.status_code == 422 and "Bilan refusé, rien n'a été enregistré" in html.text
