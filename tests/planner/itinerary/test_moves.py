"""A manager moves one visit or locks visits: checked on the spot, kept by every re-plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.errors import InvalidProblemError, NotFoundError
from planner.fleet import Van
from planner.itinerary.check import validate_plan
from planner.itinerary.move import check_move
from planner.itinerary.replan import Change, replan
from planner.itinerary.solver import solve

from .conftest import load_factory

_f = load_factory()

MON, TUE, WED, THU, SAT = (dt.date(2026, 3, d) for d in (2, 3, 4, 5, 7))
TUE_2 = dt.date(2026, 3, 10)
ALPHA, BRAVO, CHARLIE = "21001", "21002", "21003"
LOCKED = r"Visite verrouillée : déverrouillez-la d'abord \(Bravo, 21002, mardi 3 mars matin, v0\)"


def _key(v):
    return (v.date, v.van, v.slot, v.stop_id)


def move(stop: str, day: dt.date, to: dt.date, slot: str, **more: str) -> Change:
    return Change(
        "move_visit", stop_id=stop, dates=frozenset({day}), to_date=to, to_slot=slot, **more
    )


@pytest.fixture(scope="module")
def tiny():
    """The tiny instance, Bravo hosted by « Mairie de Bravo » (open Tuesday and Thursday), and
    its plan: Tuesday 3 morning Bravo, afternoon Alpha (weekly), Wednesday 4 morning Charlie
    (market day), Tuesday 10 afternoon Alpha; Delta is too far."""
    pb = _f.tiny_problem()
    hosted = tuple(
        dataclasses.replace(c, host="Mairie de Bravo") if c.id == BRAVO else c
        for c in pb.candidates
    )
    pb = pb.replace(candidates=hosted)
    plan = solve(pb, time_limit=1, seed=0, iterations=200)
    assert [(v.date, v.slot, v.stop_id) for v in plan.visits] == [
        (TUE, "matin", BRAVO),
        (TUE, "apres-midi", ALPHA),
        (WED, "matin", CHARLIE),
        (TUE_2, "apres-midi", ALPHA),
    ]
    return pb, plan


def test_a_move_that_fits_keeps_every_other_visit_and_says_where_it_went(tiny) -> None:
    pb, plan = tiny
    change = move(BRAVO, TUE, THU, "apres-midi")
    assert check_move(pb, plan, change).ok
    result = replan(pb, plan, [change])
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    others = {_key(v) for v in plan.visits if v.stop_id != BRAVO}
    assert {_key(v) for v in result.plan.visits} == others | {(THU, "v0", "apres-midi", BRAVO)}
    moved = next(v for v in result.plan.visits if v.stop_id == BRAVO)
    assert (moved.moved_from, moved.moved_from_van, moved.moved_from_slot) == (
        "2026-03-03",
        "v0",
        "matin",
    )
    assert moved.start_s == pb.slots[1].start_s  # the session takes the new slot
    record = next(c for c in result.plan.changes if c.change == "moved")
    assert record.label == "visite déplacée du mardi 3 mars matin au jeudi 5 mars après-midi"
    assert record.reason == "déplacée à la demande du responsable"
    assert (record.new_date, record.new_slot, record.sequence) == ("2026-03-05", "apres-midi", 1)
    # Tuesday lost its morning: Alpha's arrival there is re-timed, its session is not
    retimed = [(c.stop_id, c.date) for c in result.plan.changes if c.change == "retimed"]
    assert retimed == [(ALPHA, TUE)]
    assert "1 déplacée(s)" in result.summary


def test_a_moved_weekly_visit_keeps_its_stop_regular(tiny) -> None:
    pb, plan = tiny
    result = replan(pb, plan, [move(ALPHA, TUE, WED, "apres-midi")])
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    assert sorted((v.date, v.slot) for v in result.plan.visits if v.stop_id == ALPHA) == [
        (WED, "apres-midi"),
        (TUE_2, "apres-midi"),
    ]
    # without the move in its problem, the Wednesday visit breaks the stop's weekday
    assert {"periodic-slot", "moved"} <= validate_plan(pb, result.plan).rules()


def test_a_move_refused_because_the_host_is_closed(tiny) -> None:
    pb, plan = tiny
    change = move(BRAVO, TUE, WED, "apres-midi")
    verdict = check_move(pb, plan, change)
    assert not verdict.ok
    assert verdict.reason == (
        "le partenaire Mairie de Bravo est fermé le mercredi après-midi (ouvert : mardi "
        "09:00-18:00 ; jeudi 09:00-18:00)"
    )
    assert verdict.hint is not None and "jeudi 5 mars après-midi (v0)" in verdict.hint
    with pytest.raises(InvalidProblemError, match="Mairie de Bravo est fermé le mercredi"):
        replan(pb, plan, [change])
    with pytest.raises(InvalidProblemError, match="Mairie de Bravo est fermé le mercredi"):
        replan(pb, plan, [change], mode="full")


def test_a_move_refused_because_the_slot_is_taken(tiny) -> None:
    pb, plan = tiny
    change = move(ALPHA, TUE, WED, "matin")
    verdict = check_move(pb, plan, change)
    assert (verdict.ok, verdict.reason) == (False, "le créneau est déjà pris par Charlie (21003)")
    with pytest.raises(
        InvalidProblemError,
        match=r"Visite déplacée de Alpha \(21001\) le mercredi 4 mars matin \(v0\) impossible : "
        r"le créneau est déjà pris par Charlie \(21003\)\.",
    ):
        replan(pb, plan, [change])


def test_a_move_refused_on_a_day_without_a_round(tiny) -> None:
    pb, plan = tiny
    verdict = check_move(pb, plan, move(BRAVO, TUE, SAT, "matin"))
    assert verdict.reason == "véhicule v0 n'a pas de tournée le samedi 7 mars : jour non travaillé"


def test_a_move_refused_by_the_market_day_or_the_managers_pin(tiny) -> None:
    pb, plan = tiny
    verdict = check_move(pb, plan, move(CHARLIE, WED, THU, "matin"))
    assert verdict.reason == "l'arrêt suit le marché du mercredi"
    pinned = pb.replace(
        candidates=tuple(
            dataclasses.replace(c, pin_weekday=1) if c.id == BRAVO else c for c in pb.candidates
        )
    )
    verdict = check_move(pinned, plan, move(BRAVO, TUE, THU, "apres-midi"))
    assert verdict.reason == "l'arrêt est épinglé le mardi (règle du responsable)"


def test_a_move_refused_because_the_day_gets_too_long() -> None:
    pb = _f.tiny_problem(vans=[Van(id="v0", base="b0", max_work_min=6 * 60)])
    plan = solve(pb, time_limit=1, seed=0, iterations=200)
    assert (MON, "matin", ALPHA) in {(v.date, v.slot, v.stop_id) for v in plan.visits}
    verdict = check_move(pb, plan, move(ALPHA, MON, TUE, "apres-midi"))
    assert verdict.reason == "journée trop longue : 6 h 45 de travail pour 6 h au plus"


def test_a_full_replan_keeps_a_moved_visit_and_its_stops_pattern(tiny) -> None:
    pb, plan = tiny
    result = replan(pb, plan, [move(ALPHA, TUE, WED, "apres-midi")], mode="full")
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    alpha = sorted((v.date, v.slot) for v in result.plan.visits if v.stop_id == ALPHA)
    assert alpha == [(WED, "apres-midi"), (TUE_2, "apres-midi")]


def test_a_replan_of_a_moved_plan_keeps_the_move(tiny) -> None:
    pb, plan = tiny
    first = replan(pb, plan, [move(ALPHA, TUE, WED, "apres-midi")]).plan
    result = replan(pb, first, [Change("close_date", dates=frozenset({TUE_2}))])
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    wed = next(v for v in result.plan.visits if v.stop_id == ALPHA)
    assert (wed.date, wed.moved_from) == (WED, "2026-03-03")
    assert ALPHA in {s.stop_id for s in result.plan.skipped if s.date == TUE_2}


def test_cancelling_or_moving_a_locked_visit_is_refused(tiny) -> None:
    pb, plan = tiny
    locked = [(TUE, "v0", BRAVO)]
    cancel = Change("cancel_stop", stop_id=BRAVO, dates=frozenset({TUE}))
    with pytest.raises(InvalidProblemError, match=LOCKED):
        replan(pb, plan, [cancel], locked=locked)
    with pytest.raises(InvalidProblemError, match=LOCKED):
        replan(pb, plan, [Change("close_date", dates=frozenset({TUE}))], locked=locked)
    change = move(BRAVO, TUE, THU, "apres-midi")
    with pytest.raises(InvalidProblemError, match=LOCKED):
        replan(pb, plan, [change], locked=locked, mode="full")
    verdict = check_move(pb, plan, change, locked=locked)
    assert not verdict.ok and verdict.reason is not None
    assert verdict.reason.startswith("Visite verrouillée : déverrouillez-la d'abord")


def test_locks_carry_on_and_must_name_a_visit_of_the_plan(tiny) -> None:
    pb, plan = tiny
    result = replan(
        pb, plan, [Change("close_date", dates=frozenset({WED}))], locked=[(TUE, "v0", BRAVO)]
    )
    assert validate_plan(result.problem, result.plan).ok
    assert [v.stop_id for v in result.plan.visits if v.locked] == [BRAVO]
    # the next re-plan of the new plan keeps the lock without being told
    with pytest.raises(InvalidProblemError, match=LOCKED):
        replan(pb, result.plan, [Change("cancel_stop", stop_id=BRAVO)])
    with pytest.raises(
        InvalidProblemError,
        match=r"Verrou : pas de visite de '21002' le 2026-03-05 avec v0 dans ce plan\.",
    ):
        replan(
            pb, plan, [Change("close_date", dates=frozenset({WED}))], locked=[(THU, "v0", BRAVO)]
        )


def test_a_locked_visit_survives_a_full_replan() -> None:
    pb = _f.random_problem(40, n_vans=2, weeks=2, periodic=4, seed=11)
    plan = solve(pb, time_limit=1, seed=0, iterations=300)
    day = plan.visits[0].date
    close = [Change("close_date", dates=frozenset({day}))]
    free = replan(pb, plan, close, mode="full", seed=1)
    gone = [
        v
        for v in plan.visits
        if v.date != day and _key(v) not in {_key(w) for w in free.plan.visits}
    ]
    assert gone, "la re-planification complète déplace au moins une visite hors du jour fermé"
    lock = gone[0]
    result = replan(
        pb, plan, close, mode="full", seed=1, locked=[(lock.date, lock.van, lock.stop_id)]
    )
    report = validate_plan(result.problem, result.plan)
    assert report.ok, report.describe_fr()
    kept = {_key(v): v for v in result.plan.visits}
    assert _key(lock) in kept and kept[_key(lock)].locked
    assert sum(v.locked for v in result.plan.visits) == 1


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            lambda: Change("move_visit", stop_id=BRAVO, dates=frozenset({TUE}), to_date=THU),
            InvalidProblemError,
            r"Déplacement de visite : to_slot manquant\(s\)\.",
        ),
        (
            lambda: Change(
                "move_visit",
                stop_id=BRAVO,
                dates=frozenset({TUE, THU}),
                to_date=THU,
                to_slot="matin",
            ),
            InvalidProblemError,
            r"une date d'origine attendue dans « dates », 2 reçue\(s\)",
        ),
        (
            lambda: Change("cancel_stop", stop_id=BRAVO, to_date=THU),
            InvalidProblemError,
            r"Changement cancel_stop : to_date inattendu",
        ),
        (
            lambda: move(BRAVO, TUE, TUE, "matin"),
            InvalidProblemError,
            r"Déplacement de Bravo \(21002\) : la visite est déjà le mardi 3 mars matin \(v0\)\.",
        ),
        (lambda: move(BRAVO, TUE, THU, "soir"), NotFoundError, r"Créneau 'soir' inconnu\."),
        (
            lambda: move(BRAVO, THU, TUE_2, "matin"),
            InvalidProblemError,
            r"Arrêt '21002' : pas de visite le 2026-03-05 dans ce plan \(visites : mardi 3 mars "
            r"matin \(v0\)\)\.",
        ),
        (
            lambda: move(BRAVO, TUE, dt.date(2026, 4, 1), "matin"),
            InvalidProblemError,
            r"Date 2026-04-01 hors de l'horizon du plan \(2026-03-02 - 2026-03-15\)\.",
        ),
        (
            lambda: move(BRAVO, TUE, THU, "matin", to_van="v9"),
            NotFoundError,
            "Véhicule 'v9' inconnu",
        ),
    ],
    ids=[
        "no-slot",
        "two-dates",
        "destination-on-cancel",
        "same-place",
        "unknown-slot",
        "no-visit-that-day",
        "outside-horizon",
        "unknown-van",
    ],
)
def test_bad_moves_are_refused_in_french(tiny, change, error, message) -> None:
    pb, plan = tiny
    with pytest.raises(error, match=message):
        replan(pb, plan, [change()])
