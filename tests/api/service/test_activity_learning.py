"""The loop closes (issue #15, item 5): the counts recorded on a published plan's visits join
the territory's history, so the next plan's expected repérés at that place change; without
records, nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from api.service.activity_history import place_of, recorded_history
from api.service.jobs.compute import job_inputs
from tests.api.service.conftest import CM, MB, make_plan

pytestmark = pytest.mark.store  # also on PostgreSQL (tests/conftest.py)

HIGH = {"contacts": 150, "reperes": 120, "mobilises": 30}
VAN = "vehicule_itinerant"


def inputs(client: TestClient, territory: str = CM):
    state = client.app.state.milo
    return job_inputs(
        state.territories,
        territory,
        start=dt.date(2025, 6, 2),
        weeks=1,
        options={},
    )


def van_commune(plan: dict, history) -> tuple[str, list[dict]]:
    """A commune of the plan's van visits whose days the history does not hold, and those
    visits."""
    held = {
        (str(r.period_start), str(r.commune))
        for r in history.itertuples()
        if r.period_start == r.period_end and r.approach == VAN
    }
    by: dict[str, list[dict]] = {}
    for v in plan["plan"]["visits"]:
        if v["approach"] == VAN and (v["date"], v["commune"]) not in held:
            by.setdefault(v["commune"], []).append(v)
    commune = max(by, key=lambda c: len(by[c]))
    return commune, by[commune]


def test_recorded_counts_change_the_next_plans_expected_reperes_at_that_place(
    client: TestClient, tokens: dict, plan: dict
) -> None:
    before = inputs(client)
    again = inputs(client)
    mb_before = inputs(client, MB).expected.model.history_sessions
    commune, at_place = van_commune(plan, before.territory.activity)
    rep_before, con_before = before.expected.per_session(commune, 6)
    assert again.expected.per_session(commune, 6) == (rep_before, con_before)  # no records
    assert rep_before < 20

    for v in at_place:
        url = f"/plans/{plan['id']}/visits/{v['id']}/activity"
        r = client.post(url, json=HIGH, headers=tokens["conseiller"])
        assert r.status_code == 201, r.text
    with client.app.state.milo.db.session() as s:
        rows = recorded_history(s, CM)
    assert len(rows) == len(at_place) and set(rows["commune"]) == {commune}
    assert (rows["sessions"] == 1).all() and (rows["period_start"] == rows["period_end"]).all()

    after = inputs(client)
    assert len(after.territory.activity) == len(before.territory.activity) + len(at_place)
    rep_after, con_after = after.expected.per_session(commune, 6)
    assert rep_after > rep_before + 1, (rep_before, rep_after)
    assert con_after > con_before + 1
    assert after.expected.model.history_sessions == before.expected.model.history_sessions + len(
        at_place
    )
    # another territory's table does not move
    assert inputs(client, MB).expected.model.history_sessions == mb_before

    # the next plan (a job through the API) carries the learned values in its KPIs
    nxt = make_plan(client, tokens["manager"], start="2025-06-02")
    assert nxt["plan"]["kpis"]["expected_reperes"] > 0


def test_a_session_the_history_already_holds_is_not_counted_twice(
    client: TestClient, tokens: dict, plan: dict
) -> None:
    from api.service.activity_history import with_recorded

    territory = inputs(client).territory
    history = territory.activity
    row = history.iloc[0]
    recorded = history.iloc[[0]].copy()
    recorded["reperes"] = recorded["contacts"] = 100
    assert with_recorded(territory, recorded) is territory  # same day, commune, approach
    later = recorded.copy()
    later["period_start"] = later["period_end"] = dt.date.today() + dt.timedelta(days=3)
    assert with_recorded(territory, later) is territory  # not held yet: left out
    held = set(zip(history["period_start"], history["commune"], strict=True))
    free = next(
        day
        for n in range(1, 60)
        if (day := row["period_start"] + dt.timedelta(days=n), row["commune"]) not in held
    )
    other = recorded.copy()
    other["period_start"] = other["period_end"] = free
    assert len(with_recorded(territory, other).activity) == len(history) + 1  # a new session
    assert place_of("partenaire-mairie-71040") == "mairie-71040"
    assert place_of("maraude-qpv-QN07101M") == "qpv-QN07101M"
    assert place_of("71040") == "71040"


def test_a_move_check_problem_is_rebuilt_when_counts_are_recorded(
    client: TestClient, tokens: dict, plan: dict
) -> None:
    from api.service.db import repo
    from api.service.jobs.compute import cached_problem

    state = client.app.state.milo

    def problem():
        with state.db.session() as s:
            return cached_problem(state.territories, repo.get_plan(s, plan["id"]), s)

    first = problem()
    assert problem() is first  # cached while nothing is recorded
    commune, at_place = van_commune(plan, inputs(client).territory.activity)
    for v in at_place:
        url = f"/plans/{plan['id']}/visits/{v['id']}/activity"
        assert client.post(url, json=HIGH, headers=tokens["conseiller"]).status_code == 201
    second = problem()
    assert second is not first
    assert problem() is second
    needs = {c.id: c.need for c in second.candidates}
    # the rebuilt problem learned from the records as a new plan job does
    with state.db.session() as s:
        row = repo.get_plan(s, plan["id"])
        learned = job_inputs(
            state.territories, CM, start=row.start, weeks=row.weeks, options=row.options, s=s
        ).problem
    assert needs == {c.id: c.need for c in learned.candidates}
    changed = [k for k in needs if needs[k] != {c.id: c.need for c in first.candidates}[k]]
    assert any(commune in k for k in changed), (commune, changed[:5])
