"""Explanations of a plan on a tiny named case: why each stop, where each commune is reached,
« non planifiés et pourquoi », their CSV (French headers) and their plan.json round trip."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import numpy as np
import pytest

from planner.errors import InvalidPlanError, InvalidProblemError, NotFoundError
from planner.fleet import Van
from planner.itinerary.assemble import REASON_NOT_WORTH, REASON_OUTRANKED
from planner.itinerary.explain import EXCLUDED, explain_plan, session_capacity
from planner.itinerary.export import explanation_to_csv
from planner.itinerary.grid import REASON_HOURS
from planner.itinerary.plan import Dropped, Plan, SolverInfo, VanDay, Visit
from planner.itinerary.plan_schema import EXPLANATIONS, check_plan_json
from planner.itinerary.problem import BaseLocation, Candidate, Frequency, ItineraryProblem
from planner.itinerary.reach import ReachArrays
from planner.travel import TravelMatrix

MONDAY = dt.date(2026, 9, 7)  # four weeks of school term, no public holiday
CODES = ["A", "B", "C", "D", "E", "F"]
NAMES = ["Ahun", "Bussy", "Cluny", "Digoin", "Épinac", "Flavigny"]
YOUNG = np.array([200.0, 100.0, 180.0, 160.0, 40.0, 30.0])
NEED = {"A": 50.0, "B": 30.0, "C": 45.0, "D": 20.0, "E": 35.0, "F": 25.0}
#: A weekly; B 10 min from A; C visited once; D 5 min from a France Services site; E 25 min
#: from A (its host's hours fit no slot); F far from everything
TO_STOPS = [[0, 2000], [600, 2000], [2000, 0], [2000, 2000], [1500, 2000], [3000, 3000]]
TO_FIXED = [[2000, 2000], [2000, 2000], [2000, 2000], [2000, 300], [2000, 2000], [3000, 3000]]
FIXED_NAMES = ["Siège de la Mission Locale", "France services de Digoin"]
FIXED_KINDS = ["base (siège)", "point fixe (France Services)"]
DROPPED = {"B": REASON_OUTRANKED, "D": REASON_OUTRANKED, "E": REASON_HOURS, "F": REASON_OUTRANKED}


def _matrix(seconds: list[list[float]]) -> TravelMatrix:
    s = np.asarray(seconds, dtype=float)
    return TravelMatrix.from_seconds(s, s * 10, method="estimate", params={})


def _problem(codes: list[str] = CODES, **van: object) -> ItineraryProblem:
    n = len(codes) + 1
    cands = [
        Candidate(
            id=c, name=NAMES[CODES.index(c)], location=i + 1, need=NEED[c], commune=c,
            frequency=Frequency.WEEKLY if c == "A" else None,
            why=(f"besoin {NEED[c]:.0f} sur 100",),
        )
        for i, c in enumerate(codes)
    ]  # fmt: skip
    return ItineraryProblem.from_matrix(
        np.full((n, n), 600), np.full((n, n), 6000), candidates=cands,
        bases=[BaseLocation("b0", "Siège", 0)], vans=[Van(id="v1", base="b0", **van)],  # type: ignore[arg-type]
        start=MONDAY, weeks=4,
    )  # fmt: skip


def _visit(week: int, stop: str, day: int = 0, slot: str = "matin") -> Visit:
    return Visit(
        date=MONDAY + dt.timedelta(weeks=week, days=day), van="v1", slot=slot, stop_id=stop,
        stop_name=f"Arrêt {NAMES[CODES.index(stop)]}", commune=stop, lon=4.0, lat=46.0,
        arrival_s=32000, start_s=32400, end_s=43200, host=f"Mairie de {stop}", need=NEED[stop],
    )  # fmt: skip


def _plan(dropped: dict[str, str] = DROPPED) -> Plan:
    visits = [_visit(w, "A", day=1) for w in range(4)] + [_visit(1, "C", day=2, slot="apres-midi")]
    days = tuple(VanDay("v1", v.date, 30000, 46000, 1800, 30000, (v.stop_id,)) for v in visits)
    return Plan(
        territory="essai", travel_time_method="estimate", start=MONDAY, weeks=4,
        visits=tuple(visits), days=days, kpis={},
        dropped=tuple(Dropped(c, NAMES[CODES.index(c)], r) for c, r in dropped.items()),
        solver=SolverInfo("greedy", 0, 0.1, 1.0, 0, 0, 0.0),
    )  # fmt: skip


def _arrays(rows: int = len(CODES)) -> ReachArrays:
    return ReachArrays(
        to_stops=_matrix(TO_STOPS[:rows]), stop_ids=["A", "C"], to_fixed=_matrix(TO_FIXED[:rows]),
        young=YOUNG[:rows], codes=CODES[:rows], names=NAMES[:rows], bases=1,
    )  # fmt: skip


def _explain(plan: Plan | None = None, problem: ItineraryProblem | None = None, **options):
    options = {"fixed_names": FIXED_NAMES, "fixed_kinds": FIXED_KINDS, "need": NEED} | options
    return explain_plan(plan or _plan(), problem or _problem(), _arrays(), **options)


def test_each_planned_stop_says_how_often_when_whom_and_why() -> None:
    stops = {s.stop_id: s for s in _explain().stops}
    a, c = stops["A"], stops["C"]
    assert (a.visits, a.frequency, a.regular) == (4, "chaque semaine", True)
    assert (a.weekday, a.slot, a.van, a.host) == ("mardi", "matin", "v1", "Mairie de A")
    assert (a.young_within, a.communes_within) == (300.0, 2)  # Ahun and Bussy within 15 min
    assert a.why == ("besoin 50 sur 100",)
    # a single visit has no recurring weekday or slot
    assert (c.visits, c.frequency, c.regular, c.weekday, c.slot) == (1, "ponctuelle", False, "", "")
    assert c.young_within == 180.0


def test_each_commune_says_where_it_is_reached_or_why_not() -> None:
    rows = {c.commune: c for c in _explain().communes}
    assert [c.commune for c in _explain().communes] == ["A", "C", "E", "B", "F", "D"]  # by need
    a = rows["A"]
    assert (a.by, a.by_kind, a.minutes) == ("Arrêt Ahun", "arrêt régulier", 0)
    assert (rows["B"].regular, rows["B"].by, rows["B"].minutes) == (True, "Arrêt Ahun", 10.0)
    c = rows["C"]
    assert (c.reached, c.regular, c.by_kind) == (True, False, "arrêt ponctuel")
    d = rows["D"]
    assert (d.regular, d.by, d.by_kind, d.minutes) == (
        True, "France services de Digoin", "point fixe (France Services)", 5.0,
    )  # fmt: skip
    assert all(not r.why_not for r in rows.values() if r.reached)
    e = rows["E"]
    assert (e.reached, e.by, e.minutes) == (False, "Arrêt Ahun", 25.0)
    assert e.why_not == (
        "aucun arrêt ni point fixe à 15 min ou moins (le plus proche : Arrêt Ahun, à 25 min) ; "
        f"arrêt retiré : {REASON_HOURS}"
    )
    assert rows["F"].why_not.endswith(
        "arrêt retiré : valeur plus faible que les arrêts retenus (capacité : 5 séances "
        "utilisées sur 40)"
    )


def test_unplanned_candidates_and_why() -> None:
    rows = {u.commune: u for u in _explain().unplanned}
    assert set(rows) == {"B", "D", "E", "F"}
    assert rows["B"].reason == "à 10 min de l'arrêt régulier Arrêt Ahun"
    assert (rows["D"].reason, rows["D"].by) == (
        "servie par France services de Digoin à 5 min", "France services de Digoin",
    )  # fmt: skip
    assert rows["E"].reason == REASON_HOURS == rows["E"].engine_reason
    f = rows["F"]
    assert f.reason == (
        "valeur plus faible que les arrêts retenus (capacité : 5 séances utilisées sur 40)"
    )
    assert (f.engine_reason, f.young, f.need, f.minutes) == (REASON_OUTRANKED, 30.0, 25.0, 50.0)
    # the engine's « not worth the trip » is kept when no presence is near
    worth = _explain(_plan({**DROPPED, "F": REASON_NOT_WORTH})).unplanned
    assert next(u for u in worth if u.commune == "F").reason == REASON_NOT_WORTH


def test_capacity_counts_open_half_days_capped_by_the_manager() -> None:
    assert session_capacity(_problem()) == 4 * 5 * 2
    assert session_capacity(_problem(sessions_per_week=6)) == 4 * 6
    assert session_capacity(_problem(working_days=(1,))) == 4 * 2
    capped = _explain(problem=_problem(sessions_per_week=6)).unplanned
    assert "5 séances utilisées sur 24" in next(u.reason for u in capped if u.commune == "F")


def test_excluded_communes_and_communes_without_candidate() -> None:
    ex = _explain(excluded=frozenset({"E", "F"}))
    unplanned = {u.commune: u.reason for u in ex.unplanned}
    assert unplanned["E"] == unplanned["F"] == EXCLUDED
    why = {c.commune: c.why_not for c in ex.communes}
    assert why["E"].startswith("exclue par le responsable ; aucun arrêt ni point fixe")
    # an excluded commune that is no candidate at all is still listed, with its reason
    no_f = _explain(problem=_problem(CODES[:5]), excluded=frozenset({"F"}))
    assert [(u.stop_id, u.reason) for u in no_f.unplanned if u.commune == "F"] == [("F", EXCLUDED)]
    no_f = _explain(problem=_problem(CODES[:5]))
    assert "F" not in {u.commune for u in no_f.unplanned}
    assert next(c for c in no_f.communes if c.commune == "F").why_not.endswith(
        "pas d'arrêt candidat dans la commune"
    )


def test_a_longer_access_time_reaches_more() -> None:
    rows = {c.commune: c for c in _explain(access_s=1800).communes}
    assert rows["E"].reached and rows["E"].regular and rows["E"].why_not == ""
    assert (
        "à 30 min ou moins" in {c.commune: c for c in _explain(access_s=1800).communes}["F"].why_not
    )


def test_bad_inputs_are_refused_in_french() -> None:
    with pytest.raises(InvalidProblemError, match="1 noms et 2 types pour 2 points de contact"):
        _explain(fixed_names=FIXED_NAMES[:1])
    with pytest.raises(InvalidProblemError, match="Temps d'accès invalide : 0 s"):
        _explain(access_s=0)
    lost = dataclasses.replace(_plan(), visits=(*_plan().visits, _visit(2, "B")))
    with pytest.raises(InvalidProblemError, match="Arrêts du plan absents de la matrice : B"):
        _explain(lost)
    with pytest.raises(NotFoundError, match="Table d'explication 'arrets' inconnue"):
        explanation_to_csv(_plan(), "arrets")


def test_tables_round_trip_through_plan_json_and_csv_in_french() -> None:
    plan = _explain().attach(_plan())
    document = plan.to_json()
    check_plan_json(document)
    assert Plan.from_json(document) == plan
    assert document["communes"][-1]["why_not"] is None and document["stops"][0]["why"]
    headers = {}
    for key, record, _ in EXPLANATIONS:
        text = explanation_to_csv(plan, key).encode("utf-8").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        headers[key] = rows[0]
        assert len(rows) == 1 + len(getattr(plan, key))
        assert rows[0] == [f.label for f in record.fields if f.csv]
    assert headers["unplanned"] == [
        "Arrêt", "Code INSEE", "Commune", "Jeunes 16-25 ans", "Besoin (sur 100)", "Raison",
        "Raison du moteur", "Lieu", "Minutes", "Type de séance", "Démarche",
    ]  # fmt: skip
    assert headers["communes"][-1] == "Pourquoi non atteinte"
    text = explanation_to_csv(plan, "stops")
    assert "chaque semaine;oui;mardi;matin" in text and ";non;" in text
    # an older plan (no explanation section) still loads, with empty tables
    for key, _, _ in EXPLANATIONS:
        del document[key]
    check_plan_json(document)
    old = Plan.from_json(document)
    assert (old.stops, old.communes, old.unplanned) == ((), (), ())
    assert explanation_to_csv(old, "unplanned").count("\r\n") == 1


def test_an_explanation_section_missing_its_keys_is_refused() -> None:
    document = _explain().attach(_plan()).to_json()
    del document["unplanned"][0]["reason"]
    with pytest.raises(InvalidPlanError, match=r"unplanned\[0\] sans reason"):
        check_plan_json(document)
