"""Expected repérés and contacts of a territory's sessions and plans, learned from its history.

The glue between a :class:`~planner.territory.Territory` and
:func:`planner.coverage.expected.fit_expected`: the history is validated
(:func:`planner.coverage.activity.validate_activity`), optionally cut at ``until`` (backtests),
and fitted on every commune with its estimated 16-25 population. Recording a session's counts
(a new row in ``territory.activity``) changes the next table, hence the next plan's values.
A plan's van sessions (approach ``vehicule_itinerant``) are expected per commune and month;
its partner sessions, maraudes and events per place (:mod:`.approaches`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from planner.coverage.activity import validate_activity
from planner.coverage.expected import ExpectedModel, ExpectedSettings, fit_expected
from planner.coverage.need import NO_ACTIVITY_LABEL
from planner.itinerary.plan import Plan, Visit
from planner.taxonomy import Approach
from planner.territory import ACTIVITY_COLUMNS, Territory
from planner.workflows.approaches import place_expectations
from planner.workflows.territory_arrays import activity_label, commune_codes, young

VAN = Approach.VEHICULE_ITINERANT.value


@dataclass(frozen=True, eq=False)
class ExpectedTable:
    """Expected repérés and contacts per session of a territory (see :func:`expected_table`).

    ``model`` is the fitted :class:`~planner.coverage.expected.ExpectedModel`; ``until`` the
    last day of history used (None: all of it); ``label`` the history's label (« données
    fictives » on the demo), ``method`` the French method.
    """

    territory_id: str
    model: ExpectedModel
    until: date | None
    #: per session candidate other than a van stop (partner session, maraude, event):
    #: (repérés, contacts) per session, :func:`planner.workflows.approaches.place_expectations`
    places: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model.label

    @property
    def method(self) -> str:
        return self.model.method

    def per_session(self, commune: str, month: int, approach: str = VAN) -> tuple[float, float]:
        """(repérés, contacts) expected in one session of ``approach`` in ``commune`` (INSEE
        code) during ``month`` (1-12)."""
        reperes, contacts = self.model.predict([commune], [month], [approach])
        return float(reperes[0]), float(contacts[0])

    def per_commune(self, month: int, approach: str = VAN) -> pd.DataFrame:
        """Every commune's expected ``reperes`` and ``contacts`` per session in ``month``
        (index: INSEE code, ``territory.communes`` order)."""
        codes = list(self.model.codes)
        reperes, contacts = self.model.predict(codes, [month] * len(codes), [approach] * len(codes))
        index = pd.Index(codes, name="code")
        return pd.DataFrame({"reperes": reperes, "contacts": contacts}, index=index)


@dataclass(frozen=True)
class PlanExpectation:
    """Expected repérés and contacts of a plan's visits, with the method and history label."""

    reperes: float
    contacts: float
    visits: int
    method: str
    label: str
    #: approach -> {"visits", "reperes", "contacts"}
    by_approach: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


def expected_table(
    territory: Territory,
    *,
    today: date | None = None,
    until: date | None = None,
    settings: ExpectedSettings | None = None,
) -> ExpectedTable:
    """Fit the expected repérés and contacts per session of ``territory``.

    ``today`` (default: the current date) refuses history dated after it; ``until`` keeps only
    the history with ``period_end <= until`` (a backtest's cut date).
    """
    codes = commune_codes(territory)
    activity = territory.activity
    label = activity_label(territory)
    if len(activity):
        activity = validate_activity(activity, known_communes=codes, today=today or date.today())
        if until is not None:
            activity = activity[activity["period_end"] <= until]
    if not len(activity):
        activity, label = pd.DataFrame(columns=list(ACTIVITY_COLUMNS)), NO_ACTIVITY_LABEL
    model = fit_expected(
        activity, codes=codes, young=young(territory), label=label, settings=settings
    )
    return ExpectedTable(
        territory_id=territory.id, model=model, until=until, places=place_expectations(territory)
    )


def visit_expectations(table: ExpectedTable, visits: Sequence[Visit]) -> list[tuple[float, float]]:
    """(repérés, contacts) expected of each visit, in order: a van session by its commune and
    month (learned), any other session by its place (``table.places``)."""
    vans = [v for v in visits if v.stop_id not in table.places]
    rep_v, con_v = table.model.predict(
        [v.commune for v in vans], [v.date.month for v in vans], [VAN] * len(vans)
    )
    learned = iter(zip(rep_v, con_v, strict=True))
    out = []
    for v in visits:
        if v.stop_id in table.places:
            out.append(table.places[v.stop_id])
        else:
            r, c = next(learned)
            out.append((float(r), float(c)))
    return out


def plan_expectation(table: ExpectedTable, plan: Plan) -> PlanExpectation:
    """Sum over ``plan``'s visits of the expected repérés and contacts per session of
    ``table``: a van session in its commune and month (learned), any other session at its
    place (``table.places``: prior per type moved by the place's history), per approach too."""
    rows = [
        (v.approach, r, c)
        for v, (r, c) in zip(plan.visits, visit_expectations(table, plan.visits), strict=True)
    ]
    by: dict[str, dict[str, float]] = {}
    for approach, r, c in rows:
        got = by.setdefault(approach, {"visits": 0, "reperes": 0.0, "contacts": 0.0})
        got["visits"] += 1
        got["reperes"] += r
        got["contacts"] += c
    return PlanExpectation(
        reperes=float(sum(r for _, r, _ in rows)),
        contacts=float(sum(c for _, _, c in rows)),
        visits=len(plan.visits),
        method=table.method,
        label=table.label,
        by_approach={k: by[k] for k in sorted(by)},
    )


def with_expectation(table: ExpectedTable, plan: Plan) -> Plan:
    """``plan`` whose KPIs carry its expected repérés and contacts, method and history label
    (« données fictives » on the demo)."""
    from dataclasses import replace

    got = plan_expectation(table, plan)
    kpis = dict(plan.kpis)
    kpis.update(
        expected_reperes=round(got.reperes, 2),
        expected_contacts=round(got.contacts, 2),
        expected_method=got.method,
        expected_label=got.label,
        expected_by_approach={
            a: {
                "visits": int(x["visits"]),
                "reperes": round(x["reperes"], 2),
                "contacts": round(x["contacts"], 2),
            }
            for a, x in got.by_approach.items()
        },  # fmt: skip
    )
    return replace(plan, kpis=kpis)
