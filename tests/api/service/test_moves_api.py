"""A manager moves a visit and locks visits through the API: the check on the spot, the
``move_visit`` re-plan, ``PUT /plans/{id}/locks`` and the re-plans that keep the locks."""

from __future__ import annotations

import pytest

from api.service.db import repo
from api.service.jobs import change_from_json
from api.service.jobs.compute import cached_problem
from api.service.schemas.plans import MoveVerdictPublic, PlanPublic
from planner.itinerary.check import validate_plan
from planner.itinerary.plan import Plan
from planner.itinerary.replan import apply_changes
from tests.api.service.conftest import CM

LOCKED = "Visite verrouillée : déverrouillez-la d'abord"


def _key(v: dict) -> tuple:
    return (v["date"], v["van"], v["slot"], v["stop_id"])


def _check(client, tokens, plan_id: str, who: str = "manager", **body: object):
    return client.post(f"/plans/{plan_id}/moves/check", headers=tokens[who], json=body)


def _replan(client, tokens, plan_id: str, **body: object):
    return client.post(f"/plans/{plan_id}/replan", headers=tokens["manager"], json=body)


def _read(client, tokens, plan_id: str) -> dict:
    return client.get(f"/plans/{plan_id}", headers=tokens["manager"]).json()


def _move_of(v: dict, place: dict) -> dict:
    """The check body moving visit ``v`` to the place (date, van, slot) of ``place``."""
    return {
        "stop_id": v["stop_id"],
        "date": v["date"],
        "van": v["van"],
        "to_date": place["date"],
        "to_slot": place["slot"],
        "to_van": place["van"],
    }


@pytest.fixture
def freed(client, tokens, plan) -> tuple[dict, dict]:
    """A draft re-planned from the published week with its second visit cancelled (its
    place is free), and that cancelled visit."""
    gone = plan["plan"]["visits"][1]
    change = {"kind": "cancel_stop", "stop_id": gone["stop_id"], "dates": [gone["date"]]}
    r = _replan(client, tokens, plan["id"], changes=[change])
    assert r.status_code == 202, r.text
    draft = _read(client, tokens, r.json()["id"])
    assert draft["status"] == "done", draft["error"]
    return draft, gone


def _fitting_move(client, tokens, draft: dict, place: dict) -> tuple[dict, dict]:
    """The first visit of ``draft`` that the check accepts at ``place``, and the check body."""
    for v in draft["plan"]["visits"]:
        body = _move_of(v, place)
        r = _check(client, tokens, draft["id"], **body)
        assert r.status_code == 200, r.text
        if r.json() == {"ok": True}:
            return v, body
    raise AssertionError("aucune visite du plan de démonstration ne tient à la place libérée")


def test_a_move_checked_on_the_spot_then_replanned(client, tokens, freed) -> None:
    draft, place = freed
    visit, body = _fitting_move(client, tokens, draft, place)
    change = {"kind": "move_visit", "dates": [body.pop("date")], **body}
    r = _replan(client, tokens, draft["id"], changes=[change])
    assert r.status_code == 202, r.text
    new = _read(client, tokens, r.json()["id"])
    assert new["status"] == "done", new["error"]
    PlanPublic.model_validate(new)
    before = {_key(v) for v in draft["plan"]["visits"]}
    new_key = (place["date"], place["van"], place["slot"], visit["stop_id"])
    assert {_key(v) for v in new["plan"]["visits"]} == before - {_key(visit)} | {new_key}
    moved = next(v for v in new["plan"]["visits"] if _key(v) == new_key)
    origin = (moved["moved_from"], moved["moved_from_van"], moved["moved_from_slot"])
    assert origin == (visit["date"], visit["van"], visit["slot"])
    record = next(c for c in new["plan"]["changes"] if c["change"] == "moved")
    assert record["label"].startswith("visite déplacée du ")
    assert record["reason"] == "déplacée à la demande du responsable"
    # the independent validator accepts the re-planned document for the changed problem
    state = client.app.state.milo
    with state.db.session() as s:
        problem = cached_problem(state.territories, repo.get_plan(s, draft["id"]), s)
    changed, _ = apply_changes(problem, [change_from_json(change)], Plan.from_json(draft["plan"]))
    report = validate_plan(changed, new["plan"])
    assert report.ok, report.describe_fr()


def test_a_move_refused_says_why_and_where_instead(client, tokens, plan) -> None:
    first, second = plan["plan"]["visits"][:2]
    r = _check(client, tokens, plan["id"], **_move_of(first, second))
    assert r.status_code == 200, r.text
    verdict = MoveVerdictPublic.model_validate(r.json())
    assert not verdict.ok
    assert (
        verdict.reason
        == f"le créneau est déjà pris par {second['stop_name']} ({second['stop_id']})"
    )
    assert verdict.hint and first["stop_name"] in verdict.hint
    holiday = _check(
        client, tokens, plan["id"], **(_move_of(first, second) | {"to_date": "2025-05-08"})
    )
    assert holiday.json()["reason"].endswith(
        "n'a pas de tournée le jeudi 8 mai : jour férié (Fête de la Victoire)"
    )
    # the same move asked as a re-plan is a 422 with that reason, before any job
    change = {
        "kind": "move_visit",
        "stop_id": first["stop_id"],
        "dates": [first["date"]],
        "to_date": second["date"],
        "to_slot": second["slot"],
        "to_van": second["van"],
    }
    count = client.get(f"/territories/{CM}/plans", headers=tokens["manager"]).json()["count"]
    r = _replan(client, tokens, plan["id"], changes=[change])
    assert r.status_code == 422, r.text
    assert r.json()["detail"].endswith(f"impossible : {verdict.reason}.")
    assert (
        client.get(f"/territories/{CM}/plans", headers=tokens["manager"]).json()["count"] == count
    )


@pytest.mark.parametrize(
    ("edit", "detail"),
    [
        ({"stop_id": "99999"}, "Arrêt '99999' absent du plan : aucune visite à déplacer."),
        (
            {"to_date": "2025-06-02"},
            "Date 2025-06-02 hors de l'horizon du plan (2025-05-05 - 2025-05-11).",
        ),
        ({"to_slot": "soir"}, "Créneau 'soir' inconnu."),
        ({"to_van": "v9"}, "Véhicule 'v9' inconnu."),
    ],
    ids=["unknown-stop", "outside-horizon", "unknown-slot", "unknown-van"],
)
def test_a_malformed_move_is_422_with_what_is_valid(client, tokens, plan, edit, detail) -> None:
    first, second = plan["plan"]["visits"][:2]
    r = _check(client, tokens, plan["id"], **(_move_of(first, second) | edit))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == detail and r.json()["hint"]


def test_only_the_manager_of_the_territory_checks_a_move(client, tokens, plan) -> None:
    first, second = plan["plan"]["visits"][:2]
    for who in ("conseiller", "manager_mb", "arml"):
        assert _check(client, tokens, plan["id"], who, **_move_of(first, second)).status_code == 403


def test_locks_are_stored_audited_kept_and_carried_on(client, tokens, plan) -> None:
    visits = plan["plan"]["visits"]
    lock = visits[0]
    key = {"date": lock["date"], "van": lock["van"], "stop_id": lock["stop_id"]}
    r = client.put(f"/plans/{plan['id']}/locks", headers=tokens["manager"], json={"locked": [key]})
    assert r.status_code == 200, r.text
    assert r.json()["count"] == 1 and r.json()["locked"][0]["slot"] == lock["slot"]
    again = _read(client, tokens, plan["id"])
    assert [v["stop_id"] for v in again["plan"]["visits"] if v["locked"]] == [lock["stop_id"]]
    trail = client.get(f"/territories/{CM}/audit", headers=tokens["manager"]).json()["data"]
    entry = next(e for e in trail if e["action"] == "plan.locks")
    assert (
        entry["before"] == {"locked": []}
        and entry["after"]["locked"][0]["stop_id"] == lock["stop_id"]
    )
    # cancelling or moving the locked visit is refused before any job
    cancel = {"kind": "cancel_stop", "stop_id": lock["stop_id"], "dates": [lock["date"]]}
    r = _replan(client, tokens, plan["id"], changes=[cancel])
    assert r.status_code == 422 and r.json()["detail"].startswith(LOCKED), r.text
    check = _check(client, tokens, plan["id"], **_move_of(lock, visits[1])).json()
    assert check["ok"] is False and check["reason"].startswith(LOCKED)
    # a full re-plan keeps it exactly and the new draft carries the lock on
    day = next(v["date"] for v in visits if v["date"] != lock["date"])
    r = _replan(
        client, tokens, plan["id"], changes=[{"kind": "close_date", "dates": [day]}], mode="full"
    )
    assert r.status_code == 202, r.text
    new = _read(client, tokens, r.json()["id"])
    assert new["status"] == "done", new["error"]
    kept = [v for v in new["plan"]["visits"] if v["locked"]]
    assert [_key(v) for v in kept] == [_key(lock)]
    assert kept[0]["start"] == lock["start"] and kept[0]["end"] == lock["end"]


def test_a_replan_locks_the_visits_it_is_given(client, tokens, plan) -> None:
    visits = plan["plan"]["visits"]
    lock = visits[2]
    key = {"date": lock["date"], "van": lock["van"], "stop_id": lock["stop_id"]}
    cancel = {"kind": "cancel_stop", "stop_id": lock["stop_id"], "dates": [lock["date"]]}
    r = _replan(client, tokens, plan["id"], changes=[cancel], locked=[key])
    assert r.status_code == 422 and r.json()["detail"].startswith(LOCKED), r.text
    other = visits[0]
    close = {"kind": "cancel_stop", "stop_id": other["stop_id"], "dates": [other["date"]]}
    r = _replan(client, tokens, plan["id"], changes=[close], locked=[key])
    assert r.status_code == 202, r.text
    assert r.json()["options"]["locked"] == [key]
    new = _read(client, tokens, r.json()["id"])
    assert [_key(v) for v in new["plan"]["visits"] if v["locked"]] == [_key(lock)]


@pytest.mark.parametrize(
    ("who", "body", "status", "detail"),
    [
        (
            "manager",
            {"locked": [{"date": "2025-05-06", "van": "v9", "stop_id": "71153"}]},
            422,
            "Verrou : pas de visite de '71153' le 2025-05-06 avec v9 dans ce plan.",
        ),
        ("manager", {"locked": [{"date": "2025-05-06"}]}, 422, "Requête invalide"),
        ("conseiller", {"locked": []}, 403, ""),
        ("manager_mb", {"locked": []}, 403, ""),
    ],
    ids=["not-a-visit", "incomplete-key", "conseiller", "other-territory"],
)
def test_bad_locks_are_refused(client, tokens, plan, who, body, status, detail) -> None:
    r = client.put(f"/plans/{plan['id']}/locks", headers=tokens[who], json=body)
    assert r.status_code == status, r.text
    assert r.json()["detail"].startswith(detail)


def test_an_archived_plan_takes_no_lock(client, tokens, plan) -> None:
    r = client.post(f"/plans/{plan['id']}/archive", headers=tokens["manager"])
    assert r.status_code == 200, r.text
    r = client.put(f"/plans/{plan['id']}/locks", headers=tokens["manager"], json={"locked": []})
    assert r.status_code == 409 and "archivé" in r.json()["detail"]
