"""Problem model: bad inputs give clear French errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from planner.errors import InvalidProblemError
from planner.fleet import Van
from planner.itinerary.problem import BaseLocation, Candidate, ItineraryProblem

from .conftest import load_factory

_f = load_factory()
MONDAY, tiny_problem = _f.MONDAY, _f.tiny_problem


def test_zero_vans() -> None:
    with pytest.raises(InvalidProblemError, match="Aucun véhicule"):
        tiny_problem(vans=[])


@pytest.mark.parametrize("weeks", [0, 9])
def test_weeks_out_of_range(weeks: int) -> None:
    with pytest.raises(InvalidProblemError, match="Nombre de semaines"):
        tiny_problem(weeks=weeks)


def test_unknown_base() -> None:
    with pytest.raises(InvalidProblemError, match="base 'nulle-part' inconnue"):
        tiny_problem(vans=[Van(id="v0", base="nulle-part")])


def test_negative_need_and_bad_location() -> None:
    with pytest.raises(InvalidProblemError, match="besoin"):
        Candidate(id="x", name="X", location=1, need=-1.0)
    with pytest.raises(InvalidProblemError, match="hors des matrices"):
        tiny_problem(candidates=[Candidate(id="x", name="X", location=99, need=1.0)])


def test_duplicate_stop_ids() -> None:
    c = Candidate(id="x", name="X", location=1, need=1.0)
    with pytest.raises(InvalidProblemError, match="en double"):
        tiny_problem(candidates=[c, c])


def test_start_in_the_past_is_allowed_but_said() -> None:
    pb = tiny_problem(today=MONDAY + dt.timedelta(days=30))
    assert any("passée" in n for n in pb.notes)
    assert not tiny_problem(today=MONDAY).notes


def test_unreachable_pairs_from_a_matrix() -> None:
    dur = np.array([[0, np.inf], [np.inf, 0]])
    pb = ItineraryProblem.from_matrix(
        dur,
        dur,
        candidates=[Candidate(id="x", name="X", location=1, need=5.0)],
        bases=[BaseLocation("b", "B", 0)],
        vans=[Van("v", "b")],
        start=MONDAY,
        weeks=1,
    )
    assert not pb.reachable[0, 1] and pb.durations.dtype == np.int64
