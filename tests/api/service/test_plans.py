"""Plans through the API: background job, storage, independent validation, exports, re-plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest

from api.service.db import repo
from api.service.schemas.plans import PlanPublic, PlansPublic
from planner.itinerary.check import validate_plan
from planner.workflows.planning import territory_problem
from tests.api.service.conftest import CM, PLAN_START, make_plan, make_settings, open_client
from tests.official_schemas import validate_geojson


def test_plan_created_through_the_api_passes_the_independent_validator(client, plan):
    public = PlanPublic.model_validate(plan)
    assert public.status == "done" and public.plan is not None
    document = plan["plan"]
    assert document["territory"] == CM and len(document["visits"]) > 0
    territory, _ = client.app.state.milo.territories.get(CM)
    problem = territory_problem(
        territory, start=dt.date.fromisoformat(PLAN_START), weeks=1, today=dt.date.today()
    )
    report = validate_plan(problem, document)
    assert report.ok, report.describe_fr()
    ids = [v["id"] for v in document["visits"]]
    assert len(set(ids)) == len(ids)


def test_same_seed_same_plan(client, tokens, plan):
    again = make_plan(client, tokens["manager"])
    assert again["id"] != plan["id"]
    assert [(v["date"], v["van"], v["slot"], v["stop_id"]) for v in again["plan"]["visits"]] == [
        (v["date"], v["van"], v["slot"], v["stop_id"]) for v in plan["plan"]["visits"]
    ]


def test_list_plans(client, tokens, plan):
    r = client.get(f"/territories/{CM}/plans", headers=tokens["conseiller"])
    body = PlansPublic.model_validate(r.json())
    assert body.count == 1 and body.data[0].id == plan["id"]
    assert body.data[0].options["time_limit"] == 1.0


def test_time_limit_is_capped_by_the_service(client, tokens):
    r = client.post(
        f"/territories/{CM}/plans",
        headers=tokens["manager"],
        json={"start": PLAN_START, "time_limit": 3600, "solver": "greedy"},
    )
    assert r.status_code == 202 and r.json()["options"]["time_limit"] == 1.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": PLAN_START, "weeks": 0}, "body.weeks"),
        ({"start": PLAN_START, "weeks": 9}, "body.weeks"),
        ({"start": "1900-01-01"}, "body.start"),
        ({"start": "pas une date"}, "body.start"),
        ({"start": PLAN_START, "solver": "magique"}, "body.solver"),
        ({"start": PLAN_START, "time_limit": 0}, "body.time_limit"),
        ({"start": PLAN_START, "commentaire": "Jean Dupont"}, "body.commentaire"),
    ],
)
def test_bad_plan_requests_are_422_in_french(client, tokens, body, field):
    r = client.post(f"/territories/{CM}/plans", headers=tokens["manager"], json=body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Requête invalide")
    assert field in [e["champ"] for e in r.json()["errors"]]


def test_background_job_goes_from_queued_to_done(db_url):
    settings = make_settings(db_url, jobs_sync=False)
    with open_client(settings) as c:
        from api.service.auth import create_token

        token = create_token(c.app.state.milo.db, settings.secret, role="manager", territory_id=CM)
        headers = {"Authorization": f"Bearer {token}"}
        r = c.post(
            f"/territories/{CM}/plans", headers=headers, json={"start": PLAN_START, "time_limit": 1}
        )
        assert r.status_code == 202 and r.json()["status"] in ("queued", "running", "done")
        plan_id = r.json()["id"]
        deadline = time.monotonic() + 60
        status = r.json()["status"]
        while status != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
            status = c.get(f"/plans/{plan_id}", headers=headers).json()["status"]
        assert status == "done"
        assert c.get(f"/plans/{plan_id}", headers=headers).json()["plan"]["visits"]


def test_exports(client, tokens, plan):
    h = tokens["conseiller"]
    n = len(plan["plan"]["visits"])
    r = client.get(f"/plans/{plan['id']}.csv", headers=h)
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: French Excel reads accents
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == n and rows[0]["Arrêt"] == plan["plan"]["visits"][0]["stop_id"]
    r = client.get(f"/plans/{plan['id']}.ics", headers=h)
    assert r.headers["content-type"].startswith("text/calendar")
    assert r.text.count("BEGIN:VEVENT") == n
    r = client.get(f"/plans/{plan['id']}.gpx", headers=h)
    assert r.headers["content-type"] == "application/gpx+xml" and "<gpx" in r.text
    r = client.get(f"/plans/{plan['id']}.geojson", headers=h)
    assert r.headers["content-type"] == "application/geo+json"
    validate_geojson(json.loads(r.text))
    kinds = [f["properties"]["kind"] for f in json.loads(r.text)["features"]]
    assert kinds.count("visite") == n and kinds.count("journee") == len(plan["plan"]["days"])


def test_replan_closing_a_date_keeps_the_other_visits(client, tokens, plan):
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=tokens["manager"],
        json={"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}]},
    )
    assert r.status_code == 202, r.text
    new = client.get(f"/plans/{r.json()['id']}", headers=tokens["manager"]).json()
    assert new["parent_id"] == plan["id"] and new["status"] == "done"
    visits = new["plan"]["visits"]
    assert visits and all(v["date"] != "2025-05-06" for v in visits)
    key = lambda v: (v["date"], v["van"], v["slot"], v["stop_id"])  # noqa: E731
    untouched = {key(v) for v in plan["plan"]["visits"] if v["date"] != "2025-05-06"}
    assert untouched <= {key(v) for v in visits}


def test_replan_with_an_unknown_stop_is_422_listing_the_planned_stops(client, tokens, plan):
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=tokens["manager"],
        json={"changes": [{"kind": "cancel_stop", "stop_id": "00000"}]},
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "Arrêt '00000' absent du plan : aucune visite à annuler."
    first = plan["plan"]["visits"][0]
    assert f"{first['stop_id']} ({first['stop_name']})" in r.json()["hint"]


def test_replan_of_a_failed_plan_is_409(client, tokens, plan):
    db = client.app.state.milo.db
    with db.session() as s:
        repo.set_status(s, plan["id"], "failed", error={"detail": "x", "hint": "y"})
        s.commit()
    client.app.state.milo.plans.forget(plan["id"])
    r = client.post(
        f"/plans/{plan['id']}/replan",
        headers=tokens["manager"],
        json={"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}]},
    )
    assert r.status_code == 409 and "n'est pas terminé" in r.json()["detail"]


def test_unknown_plan_is_404(client, tokens):
    r = client.get("/plans/0123456789abcdef", headers=tokens["manager"])
    assert r.status_code == 404 and r.json()["detail"] == "Plan '0123456789abcdef' inconnu."
