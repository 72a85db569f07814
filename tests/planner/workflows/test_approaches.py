"""Every approach in one plan on the demo Creusot-Montceau (issue #13's case), and the values of
partner sessions, maraudes and events."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo_data.demo import DEMO_DIR
from geo_data.loader import load_territory
from planner.approaches import MARAUDE_DEFAULTS, SESSION_DEFAULTS, VALUE_PER_REPERE
from planner.daylight import daylight_min
from planner.itinerary.check import validate_plan
from planner.rules import PartnerPin
from planner.workflows.approaches import partner_stop_id, session_candidates
from planner.workflows.planning import plan_territory, territory_problem

CASE = DEMO_DIR / "specs" / "creusot-montceau-approches.toml"
START = date(2027, 1, 4)
WEEKS = 4


@pytest.fixture(scope="module")
def case(geo_dir: Path):
    territory = load_territory(CASE, data_dir=geo_dir)
    problem = territory_problem(territory, start=START, weeks=WEEKS)
    plan = plan_territory(territory, start=START, weeks=WEEKS, time_limit=6)
    return territory, problem, plan


@pytest.mark.shared
def test_the_case_has_every_kind_of_candidate(case) -> None:
    territory, problem, _ = case
    assert [v.kind for v in territory.vans] == ["vehicule", "equipe"]
    assert len(territory.people) == 3 and len(territory.rules.partner_pins) == 3
    kinds = Counter(c.kind for c in problem.candidates)
    assert kinds == {"commune": 34, "partenaire": 3, "maraude": 6, "evenement": 1}
    in_plessis = [c for c in problem.candidates if c.kind == "maraude" and c.qpv and
                  c.id in ("maraude-plessis-nord", "maraude-plessis-sud")]  # fmt: skip
    assert len(in_plessis) == 2 and all(c.daylight for c in in_plessis)
    assert {m.qpv for m in territory.maraudes} == {"QN07109M"}


@pytest.mark.shared
def test_the_plan_is_valid_and_keeps_every_pin_and_the_event(case) -> None:
    _, problem, plan = case
    report = validate_plan(problem, plan)
    assert report.ok, report.describe_fr()
    held: dict[str, list] = defaultdict(list)
    for v in plan.visits:
        held[v.stop_id].append(v)
    first_thursday = held[partner_stop_id("fs-2497")]
    assert [(v.date, v.slot, v.van) for v in first_thursday] == [
        (date(2027, 1, 7), "matin", "equipe-montceau")
    ]
    tuesdays = held[partner_stop_id("fs-1811")]
    assert len(tuesdays) == 2 and {(v.date.weekday(), v.slot) for v in tuesdays} == {
        (1, "apres-midi")
    }
    assert (tuesdays[1].date - tuesdays[0].date).days == 14
    wednesdays = held[partner_stop_id("fs-2655")]
    assert [v.date.weekday() for v in wednesdays] == [2, 2, 2, 2]
    (forum,) = held["evenement-forum-emploi-montceau"]
    assert (forum.date, forum.start_s, forum.end_s) == (date(2027, 1, 21), 14 * 3600, 17 * 3600)
    assert forum.kind == "evenement" and forum.approach == "evenements"
    assert not [d for d in plan.dropped if d.required]


@pytest.mark.shared
def test_no_person_is_booked_twice_and_sessions_keep_their_hours(case) -> None:
    territory, _, plan = case
    crew = {v.id: v.crew for v in territory.vans}
    out: dict[tuple[str, date], set[str]] = defaultdict(set)
    for v in plan.visits:
        for person in crew[v.van]:
            out[(person, v.date)].add(v.van)
    assert all(len(vans) == 1 for vans in out.values())
    shared_days = {d for (p, d), vans in out.items() if p == "conseillere-a"}
    by_resource = {v.van for v in plan.visits if v.date in shared_days}
    assert by_resource == {"milo-mobile", "equipe-montceau"}  # A works on both, never together
    partners = territory.partners
    for v in plan.visits:
        if v.kind == "partenaire":
            hours = partners.loc[v.stop_id.removeprefix("partenaire-"), "hours"]
            assert hours.is_open(v.date.weekday(), v.start_s // 60, v.end_s // 60)
            assert v.resource == "equipe"
        if v.kind == "maraude":
            up, down = daylight_min(v.lon, v.lat, v.date)
            assert up * 60 <= v.start_s and v.end_s <= down * 60
        if v.kind == "commune":
            assert v.resource == "vehicule" and v.approach == "vehicule_itinerant"
    private = [v for v in plan.visits if v.stop_id == "maraude-plessis-sud"]
    assert all(v.private for v in private)


@pytest.mark.shared
def test_the_plan_reports_expected_contacts_per_approach(case) -> None:
    _, _, plan = case
    by = plan.kpis["expected_by_approach"]
    assert set(by) == {"vehicule_itinerant", "acteurs_proximite", "maraude", "evenements"}
    assert sum(x["visits"] for x in by.values()) == len(plan.visits)
    assert sum(x["contacts"] for x in by.values()) == pytest.approx(
        plan.kpis["expected_contacts"], abs=0.05
    )
    assert by["evenements"] == {"visits": 1, "reperes": 6.0, "contacts": 20.0}
    maraudes = sum(1 for v in plan.visits if v.kind == "maraude")
    assert by["maraude"]["contacts"] == pytest.approx(MARAUDE_DEFAULTS.contacts * maraudes)


def test_a_partner_history_moves_its_value_from_the_type_prior(creusot) -> None:
    interim = creusot.partners.iloc[[0]].copy()
    interim.index = pd.Index(["interim-1"], name=creusot.partners.index.name)
    interim["type"], interim["name"] = "agence_interim", "Agence d'intérim"
    partners = pd.concat([creusot.partners, interim])
    team = dataclasses.replace(creusot.vans[1], kind="equipe")
    base = dataclasses.replace(creusot, partners=partners, vans=(creusot.vans[0], team))
    (prior,) = [c for c in session_candidates(base, start=START, weeks=1, first_location=0)[0]
                if c.place_id == "interim-1"]  # fmt: skip
    assert prior.expected == (SESSION_DEFAULTS["agence_interim"].reperes, 5.0)
    assert prior.need == VALUE_PER_REPERE * 2.0 and prior.service_s == 120 * 60
    assert prior.approach == "acteurs_proximite"
    assert {d for d in range(7) if prior.hours.days[d]} <= {1, 3}  # its best days
    row = {
        "period_start": date(2026, 6, 30), "period_end": date(2026, 6, 30),
        "place_id": "interim-1", "commune": str(interim["commune"].iloc[0]),
        "approach": "acteurs_proximite", "sessions": 4, "contacts": 40, "reperes": 24,
        "mobilises": 4,
    }  # fmt: skip
    history = pd.concat([creusot.activity, pd.DataFrame([row])], ignore_index=True)
    learned = dataclasses.replace(base, activity=history)
    (moved,) = [c for c in session_candidates(learned, start=START, weeks=1, first_location=0)[0]
                if c.place_id == "interim-1"]  # fmt: skip
    assert moved.expected == pytest.approx((4.0, 7.5))  # (4 x 2 + 24) / 8, (4 x 5 + 40) / 8
    assert "historique du lieu (4 séances)" in moved.why[0]


def test_no_team_no_partner_session_nor_maraude(creusot) -> None:
    cands, points = session_candidates(creusot, start=START, weeks=1, first_location=10)
    assert cands == [] and points == []
    pinned = dataclasses.replace(
        creusot.rules, partner_pins=(PartnerPin("fs-2497", 3, "matin", week_of_month=1),)
    )
    team = dataclasses.replace(creusot.vans[1], kind="equipe")
    withteam = dataclasses.replace(creusot, rules=pinned, vans=(creusot.vans[0], team))
    cands, _ = session_candidates(withteam, start=START, weeks=1, first_location=10)
    fs = [c for c in cands if c.kind == "partenaire"]
    assert [c.place_id for c in fs] == ["fs-2497"]  # France Services only when pinned
    assert fs[0].required and fs[0].dates == {date(2027, 1, 7)} and fs[0].location >= 10
    assert sum(c.kind == "maraude" for c in cands) == 5  # one per QPV


def test_unplanned_sessions_say_why_by_their_place_not_their_commune(creusot) -> None:
    team = dataclasses.replace(creusot.vans[1], kind="equipe", sessions_per_week=1)
    territory = dataclasses.replace(creusot, vans=(creusot.vans[0], team))
    plan = plan_territory(territory, start=START, weeks=1, time_limit=1, solver="greedy")
    maraudes = [u for u in plan.unplanned if u.kind == "maraude"]
    assert len(maraudes) == 4 and all(u.approach == "maraude" for u in maraudes)
    assert all(u.reason.startswith("valeur plus faible que les séances retenues") for u in maraudes)
    assert all(u.by == "" for u in maraudes)
    stops = {s.stop_id: s for s in plan.stops}
    held = next(v for v in plan.visits if v.kind == "maraude")
    assert (stops[held.stop_id].kind, stops[held.stop_id].approach) == ("maraude", "maraude")
