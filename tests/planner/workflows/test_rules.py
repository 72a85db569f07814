"""The manager's rules on the candidates (apply_rules), per-plan overrides, and a demo plan that
keeps its pins, caps and exclusions."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections import Counter

import pytest

from planner.errors import InvalidSpecError
from planner.fleet import DEFAULT_SLOTS, Van
from planner.itinerary.check import validate_plan
from planner.itinerary.problem import Candidate, Frequency
from planner.itinerary.solver import solve
from planner.rules import Pin, PlanningRules
from planner.workflows.planning import check_plan_document, plan_source, territory_problem
from planner.workflows.rules import REASON_EXCLUDED, apply_rules, with_overrides

MONDAY = dt.date(2026, 3, 2)
VANS = (Van("v1", "b"), Van("v2", "b"))


def cand(code: str, frequency: Frequency | None = None) -> Candidate:
    return Candidate(id=code, name=f"Commune {code}", location=0, need=10, commune=code,
                     frequency=frequency)  # fmt: skip


def test_excluded_commune_is_no_candidate_and_says_why() -> None:
    kept, excluded = apply_rules(
        [cand("21001"), cand("21002")],
        PlanningRules(exclude=frozenset({"21002"})),
        DEFAULT_SLOTS,
        VANS,
    )
    assert [c.id for c in kept] == ["21001"]
    assert excluded == (("21002", "Commune 21002", REASON_EXCLUDED),)
    assert REASON_EXCLUDED == "exclue par le responsable"


def test_pinned_commune_is_required_with_its_day_slot_van_and_frequency() -> None:
    rules = PlanningRules(pins=(Pin("21001", 3, "apres-midi", "v2", "fortnightly"),))
    (pinned, free), _ = apply_rules([cand("21001"), cand("21002")], rules, DEFAULT_SLOTS, VANS)
    assert (pinned.required, pinned.frequency) == (True, Frequency.FORTNIGHTLY)
    assert (pinned.pin_weekday, pinned.pin_slot, pinned.pin_van) == (3, 1, "v2")
    assert (free.required, free.pin_weekday, free.pin_slot, free.pin_van) == (
        False, None, None, None,
    )  # fmt: skip


def test_pin_naming_an_unknown_slot_is_refused() -> None:
    rules = PlanningRules(pins=(Pin("21001", 3, "soir"),))
    with pytest.raises(InvalidSpecError, match="créneau 'soir' ou véhicule None inconnu"):
        apply_rules([cand("21001")], rules, DEFAULT_SLOTS, VANS)


@pytest.mark.parametrize(
    ("case", "start", "rules", "expected"),
    [
        ("forced", None, PlanningRules(frequency={"21001": "weekly"}), Frequency.WEEKLY),
        (
            "forced-once",
            Frequency.WEEKLY,
            PlanningRules(frequency={"21001": "once"}),
            Frequency.ONCE,
        ),
        (
            "forbid-weekly",
            Frequency.WEEKLY,
            PlanningRules(forbid={"21001": frozenset({"weekly"})}),
            Frequency.FORTNIGHTLY,
        ),
        (
            "forbid-two",
            Frequency.WEEKLY,
            PlanningRules(forbid={"21001": frozenset({"weekly", "fortnightly"})}),
            Frequency.MONTHLY,
        ),
        (
            "forbid-all",
            Frequency.FORTNIGHTLY,
            PlanningRules(forbid={"21001": frozenset({"fortnightly", "monthly", "once"})}),
            None,
        ),
        (
            "forbid-higher-only",
            Frequency.MONTHLY,
            PlanningRules(forbid={"21001": frozenset({"weekly"})}),
            Frequency.MONTHLY,
        ),
        ("forbid-single", None, PlanningRules(forbid={"21001": frozenset({"weekly"})}), None),
    ],
)
def test_forced_and_forbidden_frequencies(case, start, rules, expected) -> None:
    (c,), _ = apply_rules([cand("21001", start)], rules, DEFAULT_SLOTS, VANS)
    assert c.frequency == expected


# -- overrides ---------------------------------------------------------------------------------


def test_overrides_replace_the_spec_rules_key_by_key(marches) -> None:
    codes = list(marches.communes.index)
    spec = dataclasses.replace(
        marches, rules=PlanningRules(access_min=20, exclude=frozenset({codes[0]}))
    )
    t = with_overrides(spec, {"rules": {"exploration_share": 0.5}})
    assert (t.rules.access_min, t.rules.exploration_share, t.rules.exclude) == (
        20, 0.5, frozenset({codes[0]}),
    )  # fmt: skip
    t = with_overrides(spec, {"rules": {"exclude": [codes[1]]}})
    assert t.rules.exclude == frozenset({codes[1]})
    assert with_overrides(spec, None) is spec


def test_van_caps_override_and_null_removes(marches) -> None:
    capped = with_overrides(marches, {"vans": {"milo-mobile-1": {"sessions_per_week": 6}}})
    van1 = next(v for v in capped.vans if v.id == "milo-mobile-1")
    assert van1.sessions_per_week == 6 and van1.max_drive_min is None
    free = with_overrides(capped, {"vans": {"milo-mobile-1": {"sessions_per_week": None}}})
    assert next(v for v in free.vans if v.id == "milo-mobile-1").sessions_per_week is None


@pytest.mark.parametrize(
    ("case", "overrides", "match"),
    [
        ("not-a-table", ["x"], r"Règles du plan : table attendue"),
        ("unknown-key", {"regles": {}}, r"Règles du plan : clé\(s\) inconnue\(s\) regles"),
        ("rules-unknown-key", {"rules": {"acces": 15}}, r"rules : clé\(s\) inconnue\(s\) acces"),
        ("access-too-long", {"rules": {"access_minutes": 500}}, r"rules : Temps d'accès 500 min"),
        (
            "exclude-unknown",
            {"rules": {"exclude": ["21154", "99999"]}},
            r"rules\.exclude : commune 99999 inconnue dans le territoire\. Communes du "
            r"territoire : .*\(\d+ en tout\)",
        ),
        (
            "pin-unknown-slot",
            {"rules": {"pins": [{"commune": "21584", "weekday": "jeudi", "slot": "midi"}]}},
            r"rules\.pins\[0\]\.slot : créneau 'midi' inconnu\. Créneaux du territoire : matin, "
            r"apres-midi",
        ),
        (
            "pin-saturday",
            {"rules": {"pins": [{"commune": "21584", "weekday": "samedi", "slot": "matin"}]}},
            r"rules\.pins\[0\]\.weekday : le samedi n'est travaillé par aucun véhicule",
        ),
        ("vans-not-table", {"vans": ["milo-mobile-1"]}, r"vans : table par identifiant"),
        (
            "van-unknown",
            {"vans": {"camion-9": {"sessions_per_week": 3}}},
            r"vans\.camion-9 : véhicule inconnu dans le territoire\. "
            r".*milo-mobile-1, milo-mobile-2",
        ),
        (
            "van-cap-unknown-key",
            {"vans": {"milo-mobile-1": {"per_week": 3}}},
            r"vans\.milo-mobile-1 : clé\(s\) inconnue\(s\) per_week",
        ),
        (
            "van-cap-text",
            {"vans": {"milo-mobile-1": {"max_drive_minutes": "2h"}}},
            r"vans\.milo-mobile-1\.max_drive_minutes : nombre entier attendu",
        ),
        (
            "sessions-over-slots",
            {"vans": {"milo-mobile-1": {"sessions_per_week": 11}}},
            r"Véhicule milo-mobile-1 : sessions_per_week 11 .* = 10 au plus",
        ),
        (
            "drive-over-shift",
            {"vans": {"milo-mobile-1": {"max_drive_minutes": 1000}}},
            r"max_drive_minutes\) 1000 invalide \(attendu un entier de 1 à 630 min",
        ),
    ],
)
def test_bad_overrides_are_french_errors(marches, case, overrides, match) -> None:
    with pytest.raises(InvalidSpecError, match=match):
        with_overrides(marches, overrides)


# -- a demo plan under the rules --------------------------------------------------------------

SAULIEU, VITTEAUX, MONTBARD = "21584", "21710", "21425"
OVERRIDES = {
    "rules": {
        "pins": [
            {"commune": SAULIEU, "weekday": "jeudi", "slot": "matin", "van": "milo-mobile-1"},
            {"commune": VITTEAUX, "weekday": "mardi", "slot": "apres-midi",
             "frequency": "fortnightly"},
        ],
        "exclude": [MONTBARD],
    },
    "vans": {
        "milo-mobile-1": {"max_drive_minutes": 120, "sessions_per_week": 7},
        "milo-mobile-2": {"sessions_per_week": 5},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def ruled(marches):
    problem = territory_problem(marches, start=MONDAY, weeks=4, overrides=OVERRIDES)
    plan = solve(problem, solver="local", iterations=300, time_limit=120, seed=0,
                 source=plan_source(marches.id, MONDAY, 4, OVERRIDES))  # fmt: skip
    return problem, plan


def test_rules_reach_the_problem(ruled) -> None:
    problem, _ = ruled
    assert problem.excluded == ((MONTBARD, "Montbard", REASON_EXCLUDED),)
    assert MONTBARD not in {c.id for c in problem.candidates}
    saulieu = problem.candidate(SAULIEU)
    assert (saulieu.required, saulieu.frequency, saulieu.pin_weekday, saulieu.pin_slot) == (
        True, Frequency.WEEKLY, 3, 0,
    )  # fmt: skip
    assert problem.van("milo-mobile-1").max_drive_min == 120


def test_demo_plan_keeps_pins_caps_and_exclusions(ruled) -> None:
    problem, plan = ruled
    assert validate_plan(problem, plan).ok, validate_plan(problem, plan).describe_fr()
    saulieu = [v for v in plan.visits if v.stop_id == SAULIEU]
    assert [(v.date.weekday(), v.slot, v.van) for v in saulieu] == [
        (3, "matin", "milo-mobile-1")
    ] * 4
    vitteaux = [v for v in plan.visits if v.stop_id == VITTEAUX]
    assert len(vitteaux) == 2
    assert {(v.date.weekday(), v.slot) for v in vitteaux} == {(1, "apres-midi")}
    assert (vitteaux[1].date - vitteaux[0].date).days == 14
    assert MONTBARD not in {v.stop_id for v in plan.visits}
    assert {d.stop_id: d.reason for d in plan.dropped}[MONTBARD] == REASON_EXCLUDED
    weeks = Counter((v.van, (v.date - MONDAY).days // 7) for v in plan.visits)
    assert max(n for (van, _), n in weeks.items() if van == "milo-mobile-1") <= 7
    assert max(n for (van, _), n in weeks.items() if van == "milo-mobile-2") <= 5
    assert max(d.drive_s for d in plan.days if d.van == "milo-mobile-1") <= 120 * 60


def test_validate_rebuilds_the_plan_rules_from_its_source(ruled, marches) -> None:
    _, plan = ruled
    doc = plan.to_json()
    assert doc["source"]["overrides"] == OVERRIDES
    assert check_plan_document(doc, marches).ok
    # the overrides come from the plan's source: pinned on Monday instead, the visits break it
    moved = copy.deepcopy(doc)
    moved["source"]["overrides"]["rules"]["pins"][0]["weekday"] = "lundi"
    assert "pin" in check_plan_document(moved, marches).rules()
