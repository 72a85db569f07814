"""Plan lifecycle (issue #12, item 3): draft -> published -> archived, versions, optimistic
concurrency, what conseillers and official figures see, re-plan inputs checked before the job.

Each finding of the issue has its test here (on SQLite, and on PostgreSQL when configured):

- « the old plan still answers next stop with the cancelled stop »:
  ``test_a_replan_is_a_draft_and_only_the_published_plan_answers_next_stop``;
- « two simultaneous re-plans give two plans each with one change »:
  ``test_of_two_replans_from_one_version_the_first_published_wins``;
- « a what-if re-plan with both vans down became the official figures »:
  ``test_a_what_if_draft_never_reaches_coverage_nor_comparison``;
- « re-plan inputs are only checked inside the job »: ``test_replan_inputs_are_422_before_any_job``
  (and ``test_replan_api.py::test_bad_changes_are_422_in_french_before_any_job``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api.service import plan_index
from api.service.db import lifecycle, repo
from api.service.db.session import Database
from api.service.errors import ConflictError
from tests.api.service.conftest import CM, MB, make_plan, open_client, publish
from tests.api.service.test_migrations import _at

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

VAN = "equipe-creusot"


def replan(client, headers, plan_id: str, changes: list[dict], **extra) -> dict:
    r = client.post(f"/plans/{plan_id}/replan", headers=headers, json={"changes": changes, **extra})
    assert r.status_code == 202, r.text
    return client.get(f"/plans/{r.json()['id']}", headers=headers).json()


def history(client, headers, territory: str = CM) -> dict[str, dict]:
    r = client.get(f"/territories/{territory}/plans", headers=headers)
    assert r.status_code == 200, r.text
    return {p["id"]: p for p in r.json()["data"]}


def published_ids(client, territory: str = CM) -> list[str]:
    with client.app.state.milo.db.session() as s:
        return [p.id for p in repo.list_plans(s, territory) if p.stage == "published"]


def close_one_day(plan: dict) -> list[dict]:
    return [{"kind": "close_date", "dates": [plan["plan"]["visits"][0]["date"]]}]


def test_publish_archives_the_previous_plan_and_the_history_says_who_and_when(client, tokens):
    h = tokens["manager"]
    first = make_plan(client, h)
    assert (first["stage"], first["version"], first["base_version"]) == ("draft", 1, None)
    assert first["created_by"]["role"] == "manager" and first["published_at"] is None
    r = client.post(f"/plans/{first['id']}/publish", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["stage"] == "published" and r.json()["archived"] is None
    second = make_plan(client, h, seed=2)
    assert second["version"] == 2
    r = client.post(f"/plans/{second['id']}/publish", headers=h)
    assert r.json()["archived"]["id"] == first["id"]
    plans = history(client, h)
    assert [p["version"] for p in plans.values()] == [2, 1]  # newest first
    old, new = plans[first["id"]], plans[second["id"]]
    assert (old["stage"], new["stage"]) == ("archived", "published")
    assert old["archived_at"] and new["published_at"]
    assert new["published_by"] == new["created_by"] and new["published_by"]["role"] == "manager"
    assert published_ids(client) == [second["id"]]
    # publishing the published plan again changes nothing
    again = client.post(f"/plans/{second['id']}/publish", headers=h)
    assert again.status_code == 200 and again.json()["archived"] is None
    # an archived plan stays read-only: neither published again nor re-planned
    r = client.post(f"/plans/{first['id']}/publish", headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Impossible de publier le plan {first['id']} (version 1, archivé) : un plan archivé "
        "reste en lecture seule."
    )
    r = client.post(
        f"/plans/{first['id']}/replan", headers=h, json={"changes": close_one_day(first)}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Impossible de re-planifier le plan {first['id']} (version 1, archivé) : un plan "
        "archivé reste en lecture seule."
    )
    assert r.json()["hint"] == (f"Re-planifiez depuis la version publiée 2 (plan {second['id']}).")


def test_a_replan_is_a_draft_and_only_the_published_plan_answers_next_stop(client, tokens, plan):
    h, c = tokens["manager"], tokens["conseiller"]
    visit = next(v for v in plan["plan"]["visits"] if v["van"] == VAN)
    at = f"{visit['date']}T{visit['start']}:00"
    cancel = {"kind": "cancel_stop", "stop_id": visit["stop_id"], "dates": [visit["date"]]}
    new = replan(client, h, plan["id"], [cancel])
    assert (new["stage"], new["base_version"], new["version"]) == ("draft", 1, 2)
    # the draft is the manager's: not the field's next stop, and not a conseiller's read
    r = client.get(f"/plans/{new['id']}/next", params={"van": VAN, "at": at}, headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Le plan {new['id']} (version 2, brouillon) n'est pas le plan publié : ses arrêts ne "
        "sont pas ceux du terrain."
    )
    assert plan["id"] in r.json()["hint"]
    r = client.get(f"/plans/{new['id']}", headers=c)
    assert r.status_code == 403
    assert r.json()["detail"] == (
        f"Le plan {new['id']} est un brouillon du responsable : un conseiller ne peut pas "
        "lire un plan."
    )
    assert "GET /territories/{id}/plan" in r.json()["hint"]
    assert client.post(f"/plans/{new['id']}/publish", headers=h).status_code == 200
    # the old plan no longer answers the next stop: 409 pointing to the published plan
    for url in (f"/plans/{plan['id']}/next", f"/plans/{plan['id']}/next/page"):
        r = client.get(url, params={"van": VAN, "at": at}, headers=c)
        assert r.status_code == 409, url
        assert r.json()["hint"] == (
            f"Le plan publié du territoire est {new['id']} (version 2) : "
            f"GET /territories/{CM}/next ou GET /plans/{new['id']}/next."
        )
    r = client.get(f"/territories/{CM}/next", params={"van": VAN, "at": at}, headers=c)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["plan_id"] == new["id"]
    assert (answer["date"], answer["place"]["stop_id"]) != (visit["date"], visit["stop_id"])
    # archived plans stay readable (read-only) by conseillers
    assert client.get(f"/plans/{plan['id']}", headers=c).json()["stage"] == "archived"
    assert client.get(f"/plans/{plan['id']}.ics", headers=c).status_code == 200


def test_of_two_replans_from_one_version_the_first_published_wins(client, tokens, plan):
    h = tokens["manager"]
    visits = plan["plan"]["visits"]
    a = replan(client, h, plan["id"], [{"kind": "close_date", "dates": [visits[0]["date"]]}])
    b = replan(client, h, plan["id"], [{"kind": "cancel_stop", "stop_id": visits[-1]["stop_id"]}])
    assert (a["base_version"], b["base_version"]) == (1, 1)
    assert client.post(f"/plans/{a['id']}/publish", headers=h).status_code == 200
    r = client.post(f"/plans/{b['id']}/publish", headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Impossible de publier le plan {b['id']} (version 3, brouillon) : il a été re-planifié "
        "depuis la version 1, mais la version publiée est maintenant 2."
    )
    assert r.json()["hint"].startswith(f"Re-planifiez depuis la version 2 (plan {a['id']}")
    assert published_ids(client) == [a["id"]]
    # the stale draft cannot be built on either
    r = client.post(f"/plans/{b['id']}/replan", headers=h, json={"changes": close_one_day(b)})
    assert r.status_code == 409 and "re-planifier le plan" in r.json()["detail"]
    # a draft of a draft stays current while its origin is published
    c = replan(client, h, a["id"], [{"kind": "cancel_stop", "stop_id": visits[-1]["stop_id"]}])
    d = replan(client, h, c["id"], close_one_day(c))
    assert d["base_version"] == c["version"]
    assert client.post(f"/plans/{d['id']}/publish", headers=h).status_code == 200


def test_replan_version_and_if_match_are_checked(client, tokens, plan):
    h = tokens["manager"]
    body = {"changes": close_one_day(plan)}
    r = client.get(f"/plans/{plan['id']}", headers=h)
    assert r.headers["etag"] == '"1"'
    r = client.post(f"/plans/{plan['id']}/replan", headers=h, json={**body, "version": 4})
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Re-planification depuis la version 4 demandée, mais le plan {plan['id']} est la "
        "version 1."
    )
    assert "version publiée 1" in r.json()["hint"]
    r = client.post(f"/plans/{plan['id']}/replan", headers={**h, "If-Match": '"7"'}, json=body)
    assert r.status_code == 409 and "version 7 demandée" in r.json()["detail"]
    r = client.post(f"/plans/{plan['id']}/replan", headers={**h, "If-Match": "hier"}, json=body)
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "En-tête If-Match 'hier' illisible : attendu le numéro de version du plan."
    )
    ok = client.post(f"/plans/{plan['id']}/replan", headers={**h, "If-Match": 'W/"1"'}, json=body)
    assert ok.status_code == 202 and ok.json()["base_version"] == 1
    r = client.post(f"/plans/{plan['id']}/replan", headers=h, json={**body, "version": 0})
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.version"


def test_a_what_if_draft_never_reaches_coverage_nor_comparison(client, tokens, plan):
    h = tokens["manager"]
    vans = client.get(f"/territories/{CM}", headers=h).json()["vans"]
    assert len(vans) >= 2, "la démonstration a deux véhicules"

    def figures() -> tuple[dict, dict]:
        cov = client.get(f"/territories/{CM}/coverage", headers=h).json()
        rows = client.get("/comparison", headers=tokens["arml"]).json()["data"]
        return cov, next(row for row in rows if row.get("territory_id", row.get("id")) == CM)

    before = figures()
    assert before[0]["plan_id"] == plan["id"]
    down = [{"kind": "van_down", "van": van} for van in vans]
    what_if = replan(client, h, plan["id"], down)
    assert what_if["status"] == "done" and what_if["plan"]["visits"] == []
    assert figures() == before  # a draft, even finished, changes no official figure
    assert client.post(f"/plans/{what_if['id']}/publish", headers=h).status_code == 200
    after = figures()
    assert after[0]["plan_id"] == what_if["id"] and after != before


def test_replan_inputs_are_422_before_any_job(client, tokens, plan):
    h = tokens["manager"]
    count = len(history(client, h))
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=h,
        json={"changes": [{"kind": "van_down", "van": "camion-fantome"}]},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "Véhicule 'camion-fantome' inconnu."
    vans = client.get(f"/territories/{CM}", headers=h).json()["vans"]
    assert r.json()["hint"] == f"Véhicules : {', '.join(vans)}."
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=h,
        json={"changes": [{"kind": "close_date", "dates": ["2025-05-12"], "van": VAN}]},
    )
    assert r.status_code == 422
    assert (
        r.json()["detail"] == "Date 2025-05-12 hors de l'horizon du plan (2025-05-05 - 2025-05-11)."
    )
    assert len(history(client, h)) == count  # no plan, no job


def test_conseillers_never_see_drafts(client, tokens, plan):
    h, c = tokens["manager"], tokens["conseiller"]
    draft = make_plan(client, h, seed=3)
    for url in (
        f"/plans/{draft['id']}",
        f"/plans/{draft['id']}.csv",
        f"/plans/{draft['id']}.ics",
        f"/plans/{draft['id']}/explanations",
        f"/plans/{draft['id']}/map",
    ):
        r = client.get(url, headers=c)
        assert r.status_code == 403, url
        assert r.json()["detail"].startswith(f"Le plan {draft['id']} est un brouillon")
    assert draft["id"] in history(client, h) and draft["id"] not in history(client, c)
    assert client.get(f"/plans/{draft['id']}.csv", headers=h).status_code == 200
    r = client.post(f"/plans/{draft['id']}/publish", headers=c)
    assert r.status_code == 403
    assert r.json()["detail"] == "Le rôle conseiller ne peut pas publier un plan."
    r = client.post(f"/plans/{draft['id']}/archive", headers=tokens["manager_mb"])
    assert r.status_code == 403


def test_the_territory_s_published_plan(client, tokens):
    h = tokens["manager"]
    r = client.get(f"/territories/{CM}/plan", headers=h)
    assert r.status_code == 404
    assert r.json()["detail"] == f"Aucun plan publié pour le territoire {CM}."
    assert "POST /plans/{id}/publish" in r.json()["hint"]
    r = client.get(
        f"/territories/{CM}/next", params={"van": VAN, "at": "2025-05-05T08:00:00"}, headers=h
    )
    assert r.status_code == 404 and r.json()["detail"].startswith("Aucun plan publié")
    draft = make_plan(client, h)
    r = client.get(
        f"/plans/{draft['id']}/next", params={"van": VAN, "at": "2025-05-05T08:00:00"}, headers=h
    )
    assert r.status_code == 409
    assert r.json()["hint"] == (
        "Aucun plan n'est publié pour ce territoire : le responsable doit en publier un."
    )
    publish(client, h, draft)
    r = client.get(f"/territories/{CM}/plan", headers=tokens["conseiller"])
    assert r.status_code == 200 and r.json()["id"] == draft["id"]
    assert r.json()["stage"] == "published" and r.json()["plan"]["visits"]
    assert client.get(f"/territories/{MB}/plan", headers=h).status_code == 403


def test_archive(client, tokens, plan):
    h = tokens["manager"]
    r = client.post(f"/plans/{plan['id']}/archive", headers=h)
    assert r.status_code == 200 and r.json()["stage"] == "archived"
    assert client.get(f"/territories/{CM}/plan", headers=h).status_code == 404
    assert client.get(f"/territories/{CM}/coverage", headers=h).json()["plan_id"] is None
    with client.app.state.milo.db.session() as s:
        queued = repo.create_plan(
            s, territory_id=CM, start=dt.date.fromisoformat(plan["start"]), weeks=1, options={}
        )
        s.commit()
        queued_id = queued.id
    r = client.post(f"/plans/{queued_id}/archive", headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Impossible d'archiver le plan {queued_id} (version 2, brouillon) : son calcul est en "
        "cours (état : queued)."
    )
    r = client.post(f"/plans/{queued_id}/publish", headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"Impossible de publier le plan {queued_id} (version 2, brouillon) : son calcul n'est "
        "pas terminé (état : queued)."
    )


def test_the_plan_index_never_serves_a_stale_stage(client, tokens, settings, monkeypatch):
    h = tokens["manager"]
    draft = make_plan(client, h)  # read once: now in this process's index
    assert client.get(f"/plans/{draft['id']}", headers=h).json()["stage"] == "draft"
    with open_client(settings) as other:  # a second process on the same store
        assert other.get(f"/plans/{draft['id']}", headers=h).json()["stage"] == "draft"
        publish(client, h, draft)
        assert client.get(f"/plans/{draft['id']}", headers=h).json()["stage"] == "published"
        monkeypatch.setattr(plan_index, "STAGE_MAX_AGE_S", 0.0)  # its delay has passed
        assert other.get(f"/plans/{draft['id']}", headers=h).json()["stage"] == "published"
        at = draft["plan"]["visits"][0]
        r = other.get(
            f"/plans/{draft['id']}/next",
            params={"van": at["van"], "at": f"{at['date']}T{at['start']}:00"},
            headers=h,
        )
        assert r.status_code == 200, r.text


def test_the_store_refuses_a_second_published_plan(client, tokens, plan):
    other = make_plan(client, tokens["manager"], seed=5)
    db = client.app.state.milo.db
    with pytest.raises(IntegrityError), db.engine.begin() as c:
        c.execute(text("UPDATE plans SET stage = 'published' WHERE id = :id"), {"id": other["id"]})


def race_publish(db, plan_ids: list[str]) -> dict[str, str]:
    """Publish ``plan_ids`` at the same instant, one thread and one session each."""
    barrier = threading.Barrier(len(plan_ids))
    outcome: dict[str, str] = {}

    def go(plan_id: str) -> None:
        barrier.wait()
        try:
            with db.session() as s:
                lifecycle.publish(s, plan_id, {"token_id": 0, "role": "manager"})
                s.commit()
            outcome[plan_id] = "publié"
        except ConflictError as exc:
            outcome[plan_id] = exc.message

    threads = [threading.Thread(target=go, args=(p,)) for p in plan_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


@pytest.mark.parametrize("rounds", [3])
def test_concurrent_publishes_leave_one_published_plan(client, tokens, plan, rounds):
    h = tokens["manager"]
    current = plan
    for _ in range(rounds):
        drafts = [replan(client, h, current["id"], close_one_day(current)) for _ in range(2)]
        outcome = race_publish(client.app.state.milo.db, [d["id"] for d in drafts])
        assert Counter(v == "publié" for v in outcome.values()) == {True: 1, False: 1}, outcome
        loser = next(v for v in outcome.values() if v != "publié")
        assert loser.startswith("Impossible de publier le plan")
        (winner,) = published_ids(client)
        assert outcome[winner] == "publié"
        client.app.state.milo.plans.forget(*outcome)
        current = client.get(f"/plans/{winner}", headers=h).json()


def test_concurrent_publishes_of_new_plans_leave_one_published_plan(client, tokens):
    h = tokens["manager"]
    drafts = [make_plan(client, h, seed=seed) for seed in (1, 2, 3)]
    race_publish(client.app.state.milo.db, [d["id"] for d in drafts])
    assert len(published_ids(client)) == 1


def test_migration_0003_numbers_plans_and_publishes_each_territory_s_latest(db_url):
    db = Database(db_url)
    db.drop_everything()
    _at(db, "0002")
    day = dt.datetime(2026, 1, 1)
    plans = [  # id, territory, status, created, finished, parent
        ("a1", "t", "done", day, day, None),
        ("a2", "t", "done", day + dt.timedelta(days=1), day + dt.timedelta(days=3), "a1"),
        ("a3", "t", "failed", day + dt.timedelta(days=2), day + dt.timedelta(days=2), None),
        ("b1", "u", "failed", day, day, None),
    ]
    with db.engine.begin() as c:
        for tid in ("t", "u"):
            c.execute(
                text(
                    "INSERT INTO territories (id, name, source_kind, source, meta, partners_rev, "
                    "created_at) VALUES (:id, :id, 'demo', :id, '{}', 0, :now)"
                ),
                {"id": tid, "now": day},
            )
        for pid, tid, status, created, finished, parent in plans:
            c.execute(
                text(
                    "INSERT INTO plans (id, territory_id, status, start, weeks, options, "
                    "parent_id, created_at, finished_at) VALUES (:id, :t, :s, :d, 1, '{}', :p, "
                    ":c, :f)"
                ),
                {"id": pid, "t": tid, "s": status, "d": dt.date(2026, 1, 5), "p": parent}
                | {"c": created, "f": finished},
            )
    _at(db, "0003")
    with db.engine.connect() as c:
        rows = c.execute(
            text("SELECT id, stage, version, base_version, published_at FROM plans ORDER BY id")
        ).all()
    got = {r[0]: (r[1], r[2], r[3], r[4] is not None) for r in rows}
    assert got == {
        "a1": ("draft", 1, None, False),
        "a2": ("published", 2, 1, True),  # the latest finished plan keeps the figures
        "a3": ("draft", 3, None, False),
        "b1": ("draft", 1, None, False),  # no finished plan: nothing published
    }
    with pytest.raises(IntegrityError), db.engine.begin() as c:
        c.execute(text("UPDATE plans SET stage = 'published' WHERE id = 'a1'"))
    _at(db, "0002", down=True)
    with db.engine.connect() as c:
        columns = c.execute(text("SELECT * FROM plans")).keys()
    assert "stage" not in columns
    db.drop_everything()
    db.dispose()
