"""Re-planning through the API: one date cancelled, the diff in the answer, bad changes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from api.service.jobs import change_from_json
from api.service.schemas.plans import PlanPublic
from planner.itinerary.check import validate_plan
from planner.itinerary.plan import Plan
from planner.itinerary.replan import apply_changes
from planner.workflows.planning import territory_problem
from tests.api.service.conftest import CM, PLAN_START, make_plan

KEY = ("date", "van", "slot", "stop_id")


def _key(v: dict) -> tuple:
    return tuple(v[k] for k in KEY)


@pytest.fixture
def month_plan(client, tokens) -> dict:
    """A 4-week plan of Creusot-Montceau: its regular stops have up to 4 visits."""
    return make_plan(client, tokens["manager"], weeks=4)


def _replan(client, tokens, plan_id: str, **body: object) -> dict:
    r = client.post(f"/plans/{plan_id}/replan", headers=tokens["manager"], json=body)
    assert r.status_code == 202, r.text
    return client.get(f"/plans/{r.json()['id']}", headers=tokens["manager"]).json()


def test_cancelling_one_date_of_a_stop_keeps_its_three_other_visits(client, tokens, month_plan):
    visits = month_plan["plan"]["visits"]
    stop, n = Counter(v["stop_id"] for v in visits).most_common(1)[0]
    assert n == 4, "le plan de démonstration a un arrêt hebdomadaire"
    day = sorted(v["date"] for v in visits if v["stop_id"] == stop)[1]
    change = {"kind": "cancel_stop", "stop_id": stop, "dates": [day]}
    new = _replan(client, tokens, month_plan["id"], changes=[change])
    assert new["status"] == "done", new["error"]
    assert new["options"]["replan_mode"] == "minimal" and new["options"]["fill_freed"] is False
    PlanPublic.model_validate(new)
    after = new["plan"]["visits"]
    assert sorted(v["date"] for v in after if v["stop_id"] == stop) == sorted(
        v["date"] for v in visits if v["stop_id"] == stop and v["date"] != day
    )
    gone = {_key(v) for v in visits if v["stop_id"] == stop and v["date"] == day}
    assert {_key(v) for v in after} == {_key(v) for v in visits} - gone
    changes = [c for c in new["plan"]["changes"] if c["change"] != "retimed"]
    assert [(c["label"], c["stop_id"], c["date"]) for c in changes] == [
        ("visite annulée", stop, day)
    ]
    assert any("1 annulée(s)" in n for n in new["plan"]["notes"])
    # the independent validator accepts the re-planned document for the changed problem
    territory, _ = client.app.state.milo.territories.get(CM)
    problem = territory_problem(
        territory, start=dt.date.fromisoformat(PLAN_START), weeks=4, today=dt.date.today()
    )
    changed, _ = apply_changes(
        problem, [change_from_json(change)], Plan.from_json(month_plan["plan"])
    )
    report = validate_plan(changed, new["plan"])
    assert report.ok, report.describe_fr()


def test_full_replan_through_the_api(client, tokens, plan):
    day = plan["plan"]["visits"][0]["date"]
    new = _replan(
        client, tokens, plan["id"], changes=[{"kind": "close_date", "dates": [day]}], mode="full"
    )
    assert new["status"] == "done" and new["options"]["replan_mode"] == "full"
    assert all(v["date"] != day for v in new["plan"]["visits"])
    assert all(c["reason"] for c in new["plan"]["changes"])


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (
            {"kind": "cancel_stop", "stop_id": "{stop}", "dates": ["2025-06-02"]},
            "Date 2025-06-02 hors de l'horizon du plan (2025-05-05 - 2025-05-11).",
        ),
        (
            {"kind": "cancel_stop", "stop_id": "{stop}", "dates": ["{free}"]},
            "Arrêt '{stop}' : pas de visite le {free} dans ce plan (visites : {day}).",
        ),
        (
            {"kind": "cancel_stop", "stop_id": "{dropped}"},
            "Arrêt '{dropped}' absent du plan : aucune visite à annuler.",
        ),
        (
            {"kind": "van_down", "van": "{van}", "dates": ["2025-04-30"]},
            "Date 2025-04-30 hors de l'horizon du plan (2025-05-05 - 2025-05-11).",
        ),
        (
            {"kind": "van_down", "van": "{van}", "stop_id": "{stop}"},
            "Changement van_down : stop_id '{stop}' inattendu (seules l'annulation d'arrêt, "
            "cancel_stop, et le déplacement de visite, move_visit, visent un arrêt).",
        ),
        ({"kind": "close_date"}, "Fermeture de date : aucune date donnée."),
    ],
    ids=[
        "date-outside",
        "date-without-visit",
        "stop-not-in-plan",
        "van-down-outside",
        "stop-on-van",
        "close-without-dates",
    ],
)
def test_bad_changes_are_422_in_french_before_any_job(client, tokens, plan, change, detail):
    visits = plan["plan"]["visits"]
    first = visits[0]
    own = sorted({v["date"] for v in visits if v["stop_id"] == first["stop_id"]})
    free = next(v["date"] for v in visits if v["date"] not in own)
    values = {
        "stop": first["stop_id"],
        "day": ", ".join(own),
        "free": free,
        "dropped": plan["plan"]["dropped"][0]["stop_id"],
        "van": first["van"],
    }
    fill = lambda x: [y.format(**values) for y in x] if isinstance(x, list) else x.format(**values)  # noqa: E731
    body = {k: fill(v) for k, v in change.items()}
    before = client.get(f"/territories/{CM}/plans", headers=tokens["manager"]).json()["count"]
    r = client.post(
        f"/plans/{plan['id']}/replan", headers=tokens["manager"], json={"changes": [body]}
    )
    # refused before any job is queued (it was a 202, then a failed job)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == detail.format(**values)
    assert r.json()["hint"]
    after = client.get(f"/territories/{CM}/plans", headers=tokens["manager"]).json()["count"]
    assert after == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}], "mode": "partiel"},
            "body.mode",
        ),
        (
            {"changes": [{"kind": "close_date", "dates": ["2025-05-06"]}], "fill_freed": "oui"},
            "body.fill_freed",
        ),
    ],
)
def test_bad_replan_options_are_422_in_french(client, tokens, plan, body, field):
    r = client.post(f"/plans/{plan['id']}/replan", headers=tokens["manager"], json=body)
    assert r.status_code == 422 and r.json()["detail"].startswith("Requête invalide")
    assert field in [e["champ"] for e in r.json()["errors"]]
