"""Expected repérés and contacts of a territory's sessions and plans, learned from its history.

The glue between a :class:`~planner.territory.Territory` and
:func:`planner.coverage.expected.fit_expected`: the history is validated
(:func:`planner.coverage.activity.validate_activity`), optionally cut at ``until`` (backtests),
and fitted on every commune with its estimated 16-25 population. Recording a session's counts
(a new row in ``territory.activity``) changes the next table, hence the next plan's values.
A plan's visits are van sessions (approach ``vehicule_itinerant``), each in its commune and
month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from planner.coverage.activity import validate_activity
from planner.coverage.expected import ExpectedModel, ExpectedSettings, fit_expected
from planner.coverage.need import NO_ACTIVITY_LABEL
from planner.itinerary.plan import Plan
from planner.taxonomy import Approach
from planner.territory import ACTIVITY_COLUMNS, Territory
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
    return ExpectedTable(territory_id=territory.id, model=model, until=until)


def plan_expectation(table: ExpectedTable, plan: Plan) -> PlanExpectation:
    """Sum over ``plan``'s visits (van sessions, each in its commune and month) of the expected
    repérés and contacts per session of ``table``."""
    visits = plan.visits
    reperes, contacts = table.model.predict(
        [v.commune for v in visits], [v.date.month for v in visits], [VAN] * len(visits)
    )
    return PlanExpectation(
        reperes=float(np.sum(reperes)),
        contacts=float(np.sum(contacts)),
        visits=len(visits),
        method=table.method,
        label=table.label,
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
    )
    return replace(plan, kpis=kpis)
