"""The manager's rules in a plan request: overrides stored with the plan, kept by re-planning,
and every bad value a 422 with its French message."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from planner.workflows.planning import check_plan_document
from tests.api.service.conftest import CM, PLAN_START, make_plan

SAINT_VALLIER, BLANZY = "71486", "71040"
RULES = {
    "pins": [
        {"commune": SAINT_VALLIER, "weekday": "mardi", "slot": "matin", "van": "equipe-montceau",
         "frequency": "weekly"}
    ],
    "exclude": [BLANZY],
}  # fmt: skip
VANS = {"equipe-creusot": {"sessions_per_week": 4, "max_drive_minutes": 120}}


@pytest.fixture
def ruled_plan(client, tokens) -> dict:
    return make_plan(client, tokens["manager"], weeks=2, rules=RULES, vans=VANS)


def _check(client, document: dict):
    territory, _ = client.app.state.milo.territories.get(CM)
    return check_plan_document(document, territory)


def test_overrides_hold_in_the_plan_and_are_stored_with_it(client, ruled_plan):
    overrides = {"rules": RULES, "vans": VANS}
    assert ruled_plan["options"]["overrides"] == overrides
    doc = ruled_plan["plan"]
    pinned = [v for v in doc["visits"] if v["stop_id"] == SAINT_VALLIER]
    assert [(v["date"], v["slot"], v["van"]) for v in pinned] == [
        ("2025-05-06", "matin", "equipe-montceau"),
        ("2025-05-13", "matin", "equipe-montceau"),
    ]
    assert BLANZY not in {v["stop_id"] for v in doc["visits"]}
    assert {d["stop_id"]: d["reason"] for d in doc["dropped"]}[
        BLANZY
    ] == "exclue par le responsable"
    weeks = Counter(
        (dt.date.fromisoformat(v["date"]) - dt.date.fromisoformat(PLAN_START)).days // 7
        for v in doc["visits"]
        if v["van"] == "equipe-creusot"
    )
    assert weeks and max(weeks.values()) <= 4
    assert max(d["drive_s"] for d in doc["days"] if d["van"] == "equipe-creusot") <= 120 * 60
    report = _check(client, doc)
    assert report.ok, report.describe_fr()


def test_a_vans_working_days_for_one_plan(client, tokens):
    days = {"equipe-montceau": {"working_days": ["mardi", "lundi"]}}
    plan = make_plan(client, tokens["manager"], vans=days)
    assert plan["options"]["overrides"] == {"vans": days}
    doc = plan["plan"]
    worked = {
        dt.date.fromisoformat(d["date"]).weekday()
        for d in doc["days"]
        if d["van"] == "equipe-montceau"
    }
    assert worked and worked <= {0, 1}
    assert _check(client, doc).ok
    r = client.post(
        f"/territories/{CM}/plans",
        headers=tokens["manager"],
        json={
            "start": PLAN_START,
            "vans": days,
            "rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "jeudi", "slot": "matin",
                                "van": "equipe-montceau"}]},
        },
    )  # fmt: skip
    assert r.status_code == 422 and "le jeudi n'est travaillé par" in r.json()["detail"]


def test_replan_rebuilds_the_same_rules(client, tokens, ruled_plan):
    other = next(
        v["stop_id"] for v in ruled_plan["plan"]["visits"] if v["stop_id"] != SAINT_VALLIER
    )
    r = client.post(
        f"/plans/{ruled_plan['id']}/replan",
        headers=tokens["manager"],
        json={"changes": [{"kind": "cancel_stop", "stop_id": other}], "mode": "full"},
    )
    assert r.status_code == 202, r.text
    new = client.get(f"/plans/{r.json()['id']}", headers=tokens["manager"]).json()
    assert new["status"] == "done", new
    assert new["options"]["overrides"] == ruled_plan["options"]["overrides"]
    doc = new["plan"]
    assert {v["slot"] for v in doc["visits"] if v["stop_id"] == SAINT_VALLIER} == {"matin"}
    assert BLANZY in {d["stop_id"] for d in doc["dropped"]}
    report = _check(client, doc)
    assert report.ok, report.describe_fr()


def test_an_event_in_the_rules_is_held_on_its_date_and_hours(client, tokens):
    event = {"id": "forum", "name": "Forum de l'emploi", "date": "2025-05-07", "start": "14:00",
             "end": "16:30", "commune": "71306", "reperes": 9}  # fmt: skip
    made = make_plan(client, tokens["manager"], weeks=1, rules={"events": [event]})
    (held,) = [v for v in made["plan"]["visits"] if v["stop_id"] == "evenement-forum"]
    assert (held["date"], held["start"], held["end"]) == ("2025-05-07", "14:00", "16:30")
    assert (held["kind"], held["approach"]) == ("evenement", "evenements")
    assert held["to_check"] == "stationnement à vérifier"  # a van, at a place nobody described
    assert made["plan"]["kpis"]["expected_by_approach"]["evenements"]["reperes"] == 9.0
    report = _check(client, made["plan"])
    assert report.ok, report.describe_fr()


def test_a_plan_without_rules_stores_no_override(plan):
    assert "overrides" not in plan["options"]


@pytest.mark.parametrize(
    ("case", "body", "field", "message"),
    [
        ("access-zero", {"rules": {"access_minutes": 0}}, "body.rules.access_minutes",
         "Temps d'accès 0 min hors limites (attendu 1 à 120 min)"),
        ("access-text", {"rules": {"access_minutes": "quinze"}}, "body.rules.access_minutes",
         "nombre entier attendu"),
        ("share-above-1", {"rules": {"exploration_share": 2}}, "body.rules.exploration_share",
         "Part d'exploration 2"),
        ("exclude-bad-code", {"rules": {"exclude": ["12"]}}, "body.rules.exclude",
         "code INSEE '12' mal formé"),
        ("pin-english-day",
         {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "tuesday", "slot": "matin"}]}},
         "body.rules.pins", "jour 'tuesday' inconnu (attendu lundi"),
        ("pin-missing-slot", {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "mardi"}]}},
         "body.rules.pins.0.slot", "champ obligatoire absent"),
        ("pin-once",
         {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "mardi", "slot": "matin",
                              "frequency": "once"}]}},
         "body.rules.pins", "fréquence 'once' inconnue"),
        ("frequency-unknown", {"rules": {"frequency": {SAINT_VALLIER: "daily"}}},
         "body.rules.frequency", "fréquence 'daily' inconnue"),
        ("forbid-empty", {"rules": {"forbid": {SAINT_VALLIER: []}}}, "body.rules.forbid",
         "liste non vide de fréquences attendue"),
        ("forced-and-forbidden",
         {"rules": {"frequency": {SAINT_VALLIER: "weekly"}, "forbid": {SAINT_VALLIER: ["weekly"]}}},
         "body.rules", "à la fois imposée et interdite"),
        ("rules-unknown-field", {"rules": {"colour": "bleu"}}, "body.rules.colour",
         "champ non autorisé"),
        ("sessions-zero", {"vans": {"equipe-creusot": {"sessions_per_week": 0}}},
         "body.vans.equipe-creusot.sessions_per_week", "sessions_per_week 0 invalide"),
        ("drive-text", {"vans": {"equipe-creusot": {"max_drive_minutes": "2h"}}},
         "body.vans.equipe-creusot.max_drive_minutes", "nombre entier attendu"),
        ("days-empty", {"vans": {"equipe-creusot": {"working_days": []}}},
         "body.vans.equipe-creusot.working_days", "liste non vide de jours attendue"),
        ("days-english", {"vans": {"equipe-creusot": {"working_days": ["monday"]}}},
         "body.vans.equipe-creusot.working_days", "jour 'monday' inconnu (attendu lundi"),
        ("days-null", {"vans": {"equipe-creusot": {"working_days": None}}},
         "body.vans.equipe-creusot.working_days", "retirez la clé"),
        ("partner-pin-week",
         {"rules": {"partner_pins": [{"partner": "fs-2497", "weekday": "jeudi", "slot": "matin",
                                      "week_of_month": 7}]}},
         "body.rules.partner_pins", "week_of_month 7 invalide (attendu 1 à 5"),
        ("event-date",
         {"rules": {"events": [{"id": "f", "name": "Forum", "date": "21/01/2027",
                                "start": "14:00", "end": "17:00", "commune": "71306"}]}},
         "body.rules.events", "date '21/01/2027' illisible (attendu AAAA-MM-JJ)"),
        ("event-missing-end",
         {"rules": {"events": [{"id": "f", "name": "Forum", "date": "2027-01-21",
                                "start": "14:00", "commune": "71306"}]}},
         "body.rules.events.0.end", "champ obligatoire absent"),
    ],
)  # fmt: skip
def test_bad_rule_values_are_422_in_french(client, tokens, case, body, field, message):
    r = client.post(
        f"/territories/{CM}/plans", headers=tokens["manager"], json={"start": PLAN_START, **body}
    )
    assert r.status_code == 422, r.text
    errors = {e["champ"]: e["erreur"] for e in r.json()["errors"]}
    assert field in errors, errors
    assert message in errors[field]


@pytest.mark.parametrize(
    ("case", "body", "detail", "hint"),
    [
        ("exclude-outside", {"rules": {"exclude": ["21425"]}},
         "rules.exclude : commune 21425 inconnue dans le territoire.", "Communes du territoire"),
        ("pin-unknown-slot",
         {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "mardi", "slot": "soir"}]}},
         "rules.pins[0].slot : créneau 'soir' inconnu.", "matin, apres-midi"),
        ("pin-unknown-van",
         {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "mardi", "slot": "matin",
                              "van": "camion-9"}]}},
         "rules.pins[0].van : véhicule 'camion-9' inconnu.", "equipe-creusot, equipe-montceau"),
        ("pin-sunday",
         {"rules": {"pins": [{"commune": SAINT_VALLIER, "weekday": "dimanche", "slot": "matin"}]}},
         "rules.pins[0].weekday : le dimanche n'est travaillé par aucun véhicule.", "working_days"),
        ("van-unknown", {"vans": {"camion-9": {"sessions_per_week": 3}}},
         "vans.camion-9 : véhicule inconnu dans le territoire.", "equipe-creusot"),
        ("sessions-over-slots", {"vans": {"equipe-creusot": {"sessions_per_week": 11}}},
         "Véhicule equipe-creusot : sessions_per_week 11", "au plus 10"),
        ("drive-over-shift", {"vans": {"equipe-creusot": {"max_drive_minutes": 1000}}},
         "max_drive_minutes) 1000 invalide (attendu un entier de 1 à 630 min", "180"),
        ("partner-pin-no-team",
         {"rules": {"partner_pins": [{"partner": "fs-2497", "weekday": "jeudi",
                                      "slot": "matin"}]}},
         "rules.partner_pins[0] : aucune équipe dans le territoire", "[[teams]]"),
        ("partner-pin-unknown",
         {"rules": {"partner_pins": [{"partner": "fs-0", "weekday": "jeudi", "slot": "matin"}]}},
         "rules.partner_pins[0].partner : partenaire 'fs-0' inconnu", "fs-2497"),
        ("event-outside",
         {"rules": {"events": [{"id": "f", "name": "Forum", "date": "2025-05-07",
                                "start": "14:00", "end": "17:00", "commune": "21425"}]}},
         "rules.events[0].commune : commune 21425 inconnue dans le territoire.",
         "Communes du territoire"),
    ],
)  # fmt: skip
def test_rules_the_territory_cannot_meet_are_422_before_any_job(
    client, tokens, case, body, detail, hint
):
    r = client.post(
        f"/territories/{CM}/plans", headers=tokens["manager"], json={"start": PLAN_START, **body}
    )
    assert r.status_code == 422, r.text
    assert detail in r.json()["detail"] and hint in r.json()["hint"]
    listed = client.get(f"/territories/{CM}/plans", headers=tokens["manager"]).json()
    assert listed["count"] == 0
