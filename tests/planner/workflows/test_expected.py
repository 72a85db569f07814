"""The expected table of a territory and the expectation of a plan."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from planner.coverage.expected import FALLBACK_METHOD, METHOD
from planner.errors import InvalidProblemError, InvalidTerritoryError
from planner.workflows.expected import expected_table, plan_expectation
from planner.workflows.planning import plan_territory

TODAY = date(2026, 7, 1)


def test_demo_table_is_labelled_and_vectorised(marches) -> None:
    table = expected_table(marches, today=TODAY)
    assert (table.label, table.method, table.until) == ("données fictives", METHOD, None)
    montbard = table.per_session("21425", 9)
    assert montbard[0] > 0 and montbard[1] >= montbard[0]
    frame = table.per_commune(9)
    assert list(frame.index) == [str(c) for c in marches.communes.index]
    assert tuple(frame.loc["21425"]) == pytest.approx(montbard)
    # a large town with no history is expected to find more than a hamlet
    young = marches.communes["young"]
    assert frame.loc[young.idxmax(), "reperes"] > frame.loc[young.idxmin(), "reperes"]


def test_recording_a_session_changes_the_values(creusot) -> None:
    before = expected_table(creusot, today=TODAY)
    code = str(creusot.communes["young"].idxmin())
    row = {
        "period_start": date(2026, 6, 30), "period_end": date(2026, 6, 30),
        "place_id": f"mairie-{code}", "commune": code, "approach": "vehicule_itinerant",
        "sessions": 1, "contacts": 25, "reperes": 20, "mobilises": 5,
    }  # fmt: skip
    more = pd.concat([creusot.activity, pd.DataFrame([row])], ignore_index=True)
    after = expected_table(dataclasses.replace(creusot, activity=more), today=TODAY)
    assert after.per_session(code, 6)[0] > before.per_session(code, 6)[0] + 0.5
    assert after.per_session(code, 6)[1] > before.per_session(code, 6)[1] + 0.5


def test_until_cuts_the_history(creusot) -> None:
    full = expected_table(creusot, today=TODAY)
    cut = expected_table(creusot, today=TODAY, until=date(2026, 1, 31))
    assert cut.until == date(2026, 1, 31) and cut.label == "données fictives"
    assert cut.model.history_sessions < full.model.history_sessions
    none = expected_table(creusot, today=TODAY, until=date(2020, 1, 1))
    assert (none.label, none.method) == ("aucune activité saisie", FALLBACK_METHOD)


def test_plan_expectation_sums_the_visits(creusot) -> None:
    plan = plan_territory(creusot, start=date(2026, 9, 7), weeks=1, time_limit=1, solver="greedy")
    table = expected_table(creusot, today=TODAY)
    got = plan_expectation(table, plan)
    assert got.visits == len(plan.visits) > 0
    per = [table.per_session(v.commune, v.date.month) for v in plan.visits]
    assert got.reperes == pytest.approx(sum(p[0] for p in per))
    assert got.contacts == pytest.approx(sum(p[1] for p in per))
    assert (got.label, got.method) == ("données fictives", METHOD)


def test_bad_questions_and_history_give_french_errors(creusot) -> None:
    table = expected_table(creusot, today=TODAY)
    with pytest.raises(InvalidProblemError, match="Commune\\(s\\) inconnue\\(s\\) du territoire"):
        table.per_session("99999", 9)
    with pytest.raises(InvalidProblemError, match="Mois invalide : 0"):
        table.per_commune(0)
    with pytest.raises(InvalidTerritoryError, match="datée\\(s\\) dans le futur"):
        expected_table(creusot, today=date(2026, 1, 1))
