"""Activity you can rely on (issue #12, item 4): one record per visit under concurrency, only
the official plan's started sessions, bounded strict counts, read / correct / delete, and the
audit trail of every change."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.service import audit
from api.service.auth import create_token
from api.service.clock import get_now
from api.service.db import repo
from api.service.db.models import ActivityRow, AuditRow
from api.service.db.session import Database
from api.service.main import create_app
from api.service.schemas.activity import ActivitiesPublic, ActivityPublic
from api.service.schemas.audit import AuditPublic
from api.service.settings import Settings, get_settings
from tests.api.service.conftest import CM, MB, PLAN_START, publish

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

PARIS = ZoneInfo("Europe/Paris")
COUNTS = {"contacts": 12, "reperes": 4, "mobilises": 2}


def url_of(plan: dict, visit_id: int) -> str:
    return f"/plans/{plan['id']}/visits/{visit_id}/activity"


def start_of(visit: dict) -> dt.datetime:
    """The visit's session start, Europe/Paris."""
    day = dt.date.fromisoformat(visit["date"])
    clock = dt.datetime.combine(day, dt.time(0, 0), tzinfo=PARIS)
    return clock + dt.timedelta(seconds=visit["start_s"])


def set_now(client: TestClient, moment: dt.datetime) -> None:
    client.app.dependency_overrides[get_now] = lambda: moment


def first(plan: dict) -> dict:
    return min(plan["plan"]["visits"], key=start_of)


def _french(body: dict) -> None:
    assert body["detail"] and body["hint"]
    for english in ("Input should", "Field required", "Internal Server Error", "Traceback"):
        assert english not in body["detail"] + body["hint"] + str(body.get("errors", ""))


# -- concurrency ---------------------------------------------------------------------------


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    """The app served by uvicorn on a free port (real threads, real connections)."""
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # start-up: migrations and demo seeding on a fresh store
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "le serveur de test n'a pas démarré"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def test_ten_concurrent_posts_on_one_visit_give_one_record_and_json_answers(live, settings):
    app, base = live
    db: Database = app.state.milo.db
    manager = create_token(db, settings.secret, role="manager", territory_id=CM)
    conseiller = create_token(db, settings.secret, role="conseiller", territory_id=CM)
    with httpx.Client(base_url=base, timeout=120) as http:
        r = http.post(
            f"/territories/{CM}/plans",
            json={"start": PLAN_START, "weeks": 1, "time_limit": 1, "seed": 1},
            headers={"Authorization": f"Bearer {manager}"},
        )
        assert r.status_code == 202 and r.json()["status"] == "done", r.text
        published = http.post(
            f"/plans/{r.json()['id']}/publish", headers={"Authorization": f"Bearer {manager}"}
        )
        assert published.status_code == 200, published.text
        plan = http.get(f"/plans/{r.json()['id']}", headers={"Authorization": f"Bearer {manager}"})
    visit = first(plan.json())
    url = base + url_of(plan.json(), visit["id"])
    barrier = threading.Barrier(10)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        with httpx.Client(timeout=120) as http:
            barrier.wait()
            body = {"contacts": 20 + n, "reperes": n, "mobilises": 1}
            resp = http.post(url, json=body, headers={"Authorization": f"Bearer {conseiller}"})
        with lock:
            answers.append(resp)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 10
    for resp in answers:
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        assert resp.status_code in (200, 201), resp.text
    assert sorted(resp.status_code for resp in answers) == [200] * 9 + [201]
    assert len({resp.json()["id"] for resp in answers}) == 1
    with db.session() as s:
        rows = s.scalars(select(ActivityRow).where(ActivityRow.visit_id == visit["id"])).all()
        assert len(rows) == 1 and rows[0].revision == 10
        entries, total = audit.entries(s, CM)
    # writers were serialised: each correction's "before" is the previous entry's "after"
    chain = [e for e in reversed(entries) if e.action.startswith("activity.")]
    assert total == 12
    assert [e.action for e in reversed(entries)][:2] == ["plan.create", "plan.publish"]
    assert [e.action for e in chain] == ["activity.create"] + ["activity.correct"] * 9
    assert chain[0].before is None
    for previous, entry in zip(chain, chain[1:], strict=False):
        assert entry.before == previous.after
    assert chain[-1].after is not None and chain[-1].after["contacts"] == rows[0].contacts


def test_an_unexpected_exception_is_a_french_json_500_and_nothing_is_written(
    settings, tokens, plan, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée pendant l'écriture du journal")

    monkeypatch.setattr(audit, "record", broken)
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with TestClient(app, raise_server_exceptions=False) as c:
        visit = first(plan)
        r = c.post(url_of(plan, visit["id"]), json=COUNTS, headers=tokens["conseiller"])
        assert r.status_code == 500
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        _french(body)
        assert "Erreur interne du service" in body["detail"] and "panne" not in r.text
        with app.state.milo.db.session() as s:  # the record was rolled back with its audit
            assert repo.get_activity(s, visit["id"]) is None


# -- official plan, started session --------------------------------------------------------


def _replan_other_stop(client: TestClient, tokens: dict, plan: dict, keep: dict) -> dict:
    """A re-plan cancelling a stop other than ``keep``'s: the new plan is the official one."""
    other = next(v["stop_id"] for v in plan["plan"]["visits"] if v["stop_id"] != keep["stop_id"])
    r = client.post(
        f"/plans/{plan['id']}/replan",
        json={"changes": [{"kind": "cancel_stop", "stop_id": other}]},
        headers=tokens["manager"],
    )
    assert r.status_code == 202, r.text
    new = client.get(f"/plans/{r.json()['id']}", headers=tokens["manager"]).json()
    assert new["status"] == "done", new["error"]
    return new


def _twin(plan: dict, visit: dict) -> dict:
    """``plan``'s visit of the same half-day, van and stop as ``visit``."""
    key = ("date", "slot", "van", "stop_id")
    return next(v for v in plan["plan"]["visits"] if all(v[k] == visit[k] for k in key))


def test_a_superseded_plan_takes_no_counts_and_its_record_is_not_counted_twice(
    client, tokens, plan
):
    h = tokens["conseiller"]
    visit = first(plan)
    assert client.post(url_of(plan, visit["id"]), json=COUNTS, headers=h).status_code == 201
    new = _replan_other_stop(client, tokens, plan, visit)
    twin = _twin(new, visit)
    # a draft takes no counts: it is not the plan of the field yet
    r = client.post(url_of(new, twin["id"]), json=COUNTS, headers=h)
    assert r.status_code == 409, r.text
    _french(r.json())
    publish(client, tokens["manager"], new)
    r = client.post(url_of(plan, visit["id"]), json=COUNTS, headers=h)
    assert r.status_code == 409, r.text
    _french(r.json())
    assert (
        f"n'est pas le plan officiel du territoire {CM} (plan officiel : {new['id']})"
        in (r.json()["detail"])
    )
    assert f"GET /plans/{new['id']}" in r.json()["hint"]
    # publishing carried the record to the same session of the new version: corrected, not
    # recorded twice
    r = client.post(url_of(new, twin["id"]), json=COUNTS | {"contacts": 30}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 2
    ind = client.get(f"/territories/{CM}/coverage", headers=h).json()["indicators"]
    assert (ind["sessions_delivered"], ind["contacts"]) == (1, 30)
    listed = ActivitiesPublic.model_validate(
        client.get(f"/territories/{CM}/activity", headers=h).json()
    )
    assert listed.official_plan_id == new["id"] and listed.count == 1
    assert {(a.plan_id, a.official) for a in listed.data} == {(new["id"], True)}
    assert (listed.totals.sessions, listed.totals.contacts) == (1, 30)


def test_a_session_not_started_yet_takes_no_counts(client, tokens, plan):
    visit = first(plan)
    begins = start_of(visit)
    url = url_of(plan, visit["id"])
    for early in (begins - dt.timedelta(days=28), begins - dt.timedelta(minutes=1)):
        set_now(client, early.astimezone(dt.UTC))
        r = client.post(url, json=COUNTS, headers=tokens["conseiller"])
        assert r.status_code == 422, r.text
        _french(r.json())
        assert r.json()["detail"].startswith("Séance pas encore commencée : la visite")
        assert f"commence le {begins:%d/%m/%Y à %H:%M} (heure de Paris)" in r.json()["detail"]
        assert f"il est {early:%d/%m/%Y %H:%M}" in r.json()["detail"]
    set_now(client, begins.astimezone(dt.UTC))  # the session's first minute counts
    assert client.post(url, json=COUNTS, headers=tokens["conseiller"]).status_code == 201
    set_now(client, (begins - dt.timedelta(hours=1)).astimezone(dt.UTC))
    r = client.put(url, json=COUNTS, headers=tokens["conseiller"])
    assert r.status_code == 422 and "Séance pas encore commencée" in r.json()["detail"]


# -- bounds and strict types ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "field", "message"),
    [
        ({"contacts": 10_000, "reperes": 10_000},
         "body.contacts", "inférieure ou égale à 200 (reçu : 10000)"),
        ({"contacts": 201}, "body.contacts", "inférieure ou égale à 200 (reçu : 201)"),
        ({"reperes": -1}, "body.reperes", "supérieure ou égale à 0 (reçu : -1)"),
        ({"contacts": True}, "body.contacts",
         "nombre entier attendu (reçu : le booléen true)"),
        ({"mobilises": False}, "body.mobilises",
         "nombre entier attendu (reçu : le booléen false)"),
        ({"contacts": 3.0}, "body.contacts",
         "nombre entier attendu (reçu : le nombre décimal 3.0)"),
        ({"contacts": "3"}, "body.contacts",
         "nombre entier attendu (reçu : un texte (écrivez le nombre sans guillemets))"),
        ({"contacts": None}, "body.contacts", "nombre entier attendu (reçu : null)"),
        ({"contacts": 3, "reperes": 5, "mobilises": 0}, "body",
         "attendu repérés <= contacts, reçu 5 repérés pour 3 contacts"),
        ({"contacts": 3, "reperes": 1, "mobilises": 4}, "body",
         "attendu mobilisés <= contacts, reçu 4 mobilisés pour 3 contacts"),
    ],
)  # fmt: skip
def test_bad_counts_are_refused_in_french(client, tokens, plan, counts, field, message):
    r = client.post(
        url_of(plan, first(plan)["id"]), json=COUNTS | counts, headers=tokens["conseiller"]
    )
    assert r.status_code == 422, r.text
    _french(r.json())
    errors = {e["champ"]: e["erreur"] for e in r.json()["errors"]}
    assert message in errors[field], errors
    with client.app.state.milo.db.session() as s:
        assert s.scalar(select(func.count(ActivityRow.id))) == 0


def test_a_young_person_already_known_can_be_mobilised_without_being_repere(client, tokens, plan):
    counts = {"contacts": 200, "reperes": 0, "mobilises": 3}  # at the bound, not over it
    r = client.post(url_of(plan, first(plan)["id"]), json=counts, headers=tokens["conseiller"])
    assert r.status_code == 201, r.text
    assert {k: r.json()[k] for k in counts} == counts


def test_the_session_bound_is_documented_in_the_schema(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ActivityCreate"]
    contacts = schema["properties"]["contacts"]
    assert contacts["maximum"] == 200 and contacts["minimum"] == 0 and contacts["type"] == "integer"
    assert "5 133 repérés en 256 séances" in contacts["description"]
    assert "au plus le nombre de contacts" in schema["properties"]["reperes"]["description"]


# -- read, correct, delete, audit ----------------------------------------------------------


def _token_id(client: TestClient, headers: dict[str, str]) -> int:
    return client.app.state.milo.auth(headers["Authorization"]).token_id


def test_read_correct_delete_with_an_audit_trail(client, tokens, plan):
    visit = first(plan)
    url = url_of(plan, visit["id"])
    h, m = tokens["conseiller"], tokens["manager"]
    moments = [start_of(visit) + dt.timedelta(hours=k) for k in (1, 2, 3)]
    r = client.get(url, headers=h)
    assert r.status_code == 404 and "Aucune activité saisie pour la visite" in r.json()["detail"]
    assert f"POST /{url.lstrip('/')}" in r.json()["hint"]
    r = client.put(url, json=COUNTS, headers=m)
    assert r.status_code == 404 and "Aucune activité saisie" in r.json()["detail"]

    set_now(client, moments[0])
    assert client.post(url, json=COUNTS | {"approach": "maraude"}, headers=h).status_code == 201
    got = ActivityPublic.model_validate(client.get(url, headers=m).json())
    assert (got.contacts, got.approach, got.revision, got.official) == (12, "maraude", 1, True)
    assert (got.recorded_by, got.recorded_role) == (_token_id(client, h), "conseiller")
    assert (got.date.isoformat(), got.slot, got.stop_id) == (
        visit["date"],
        visit["slot"],
        visit["stop_id"],
    )

    set_now(client, moments[1])
    r = client.put(url, json={"contacts": 15, "reperes": 6, "mobilises": 3}, headers=m)
    assert r.status_code == 200 and r.json()["revision"] == 2
    assert r.json()["approach"] == "vehicule_itinerant"  # a correction replaces every value
    assert r.json()["recorded_role"] == "manager"

    set_now(client, moments[2])
    assert client.delete(url, headers=h).status_code == 204
    assert client.get(url, headers=h).status_code == 404
    r = client.delete(url, headers=h)
    assert r.status_code == 404 and "Aucune activité saisie" in r.json()["detail"]

    trail = AuditPublic.model_validate(client.get(f"/territories/{CM}/audit", headers=m).json())
    # the plan's creation and publication, then the record's
    assert (trail.count, trail.total) == (5, 5)
    assert [e.action for e in trail.data][-2:] == ["plan.publish", "plan.create"]
    trail.data = [e for e in trail.data if e.action.startswith("activity.")]
    delete, correct, create = trail.data
    target = url.lstrip("/")
    assert [e.target for e in trail.data] == [target] * 3
    assert [e.action for e in trail.data] == [
        "activity.delete",
        "activity.correct",
        "activity.create",
    ]
    assert [e.at for e in trail.data] == list(reversed(moments))
    assert [e.actor.role for e in trail.data] == ["conseiller", "manager", "conseiller"]
    assert create.actor.token_id == _token_id(client, h)
    assert correct.actor.token_id == _token_id(client, m)
    first_values = {"approach": "maraude", "partner_met": None, "revision": 1} | COUNTS
    assert (create.before, create.after) == (None, first_values)
    assert correct.before == first_values
    assert correct.after == {
        "approach": "vehicule_itinerant",
        "partner_met": None,
        "revision": 2,
    } | {
        "contacts": 15,
        "reperes": 6,
        "mobilises": 3,
    }
    assert (delete.before, delete.after) == (correct.after, None)
    everything = client.get(f"/territories/{CM}/audit", headers=m).json()["data"]
    page = client.get(f"/territories/{CM}/audit?limit=1&offset=1", headers=m).json()
    assert page["data"] == everything[1:2] and page["total"] == 5


@pytest.mark.parametrize(
    ("who", "method", "path", "detail"),
    [
        ("arml", "get", "/territories/{t}/activity", "Le rôle arml ne lit pas"),
        ("arml", "get", "{visit}", "Le rôle arml ne lit pas"),
        ("arml", "post", "{visit}", "Le rôle arml ne lit pas"),
        ("arml", "put", "{visit}", "Le rôle arml ne lit pas"),
        ("arml", "delete", "{visit}", "Le rôle arml ne lit pas"),
        ("arml", "get", "/territories/{t}/audit", "Le rôle arml ne lit pas"),
        ("conseiller", "get", "/territories/{t}/audit", "Le rôle conseiller ne peut pas lire"),
        ("conseiller_mb", "get", "/territories/{t}/activity", f"pas à {CM}"),
        ("manager_mb", "get", "/territories/{t}/audit", f"appartient au territoire {MB}"),
        ("conseiller_mb", "post", "{visit}", f"pas à {CM}"),
        ("manager_mb", "delete", "{visit}", f"pas à {CM}"),
    ],
)
def test_who_may_read_and_write_activity(client, tokens, plan, who, method, path, detail):
    visit = first(plan)
    h = tokens["conseiller"]
    assert client.post(url_of(plan, visit["id"]), json=COUNTS, headers=h).status_code == 201
    address = path.format(t=CM, visit=url_of(plan, visit["id"]))
    kwargs = {"json": COUNTS} if method in ("post", "put") else {}
    r = getattr(client, method)(address, headers=tokens[who], **kwargs)
    assert r.status_code == 403, r.text
    _french(r.json())
    assert detail in r.json()["detail"]
    with client.app.state.milo.db.session() as s:  # nothing changed, nothing logged
        assert repo.get_activity(s, visit["id"]) is not None
        assert (
            s.scalar(select(func.count(AuditRow.id)).where(AuditRow.action.like("activity.%"))) == 1
        )


def test_managers_and_conseillers_list_their_territory_s_activity(client, tokens, plan):
    visits = sorted(plan["plan"]["visits"], key=start_of)[:3]
    for n, visit in enumerate(visits):
        body = {"contacts": 5 + n, "reperes": n, "mobilises": 1}
        assert client.post(url_of(plan, visit["id"]), json=body, headers=tokens["conseiller"])
    for who in ("manager", "conseiller"):
        listed = ActivitiesPublic.model_validate(
            client.get(f"/territories/{CM}/activity", headers=tokens[who]).json()
        )
        assert [a.visit_id for a in listed.data] == [v["id"] for v in visits]
        assert [a.contacts for a in listed.data] == [5, 6, 7]
        assert listed.totals.model_dump() == {
            "sessions": 3,
            "contacts": 18,
            "reperes": 3,
            "mobilises": 3,
        }
    r = client.get("/territories/inconnu/activity", headers=tokens["manager"])
    assert r.status_code == 403  # another territory's id, known or not, is refused first
