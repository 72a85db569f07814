"""Amenities: the tri-state (oui / non / à vérifier) and its French texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.amenities import (
    amenities_text,
    amenity_label,
    amenity_sets,
    amenity_state,
    to_check_text,
)


@pytest.mark.parametrize(
    ("value", "state"),
    [
        (True, True),
        (False, False),
        (np.True_, True),
        (1.0, True),  # a GeoJSON boolean column with nulls reads back as floats
        (0, False),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
    ],
)
def test_states(value, state):
    assert amenity_state(value) is state


@pytest.mark.parametrize("value", ["oui", 2, 0.5])
def test_anything_else_is_not_a_state(value):
    with pytest.raises(ValueError, match="expected True, False or None"):
        amenity_state(value)


def test_french_texts():
    assert [amenity_label(v) for v in (True, False, None)] == ["oui", "non", "à vérifier"]
    row = {"power": None, "parking": True}
    assert amenities_text(row) == "électricité : à vérifier ; stationnement : oui"
    assert amenity_sets(row) == ({"parking"}, {"power"})
    assert amenity_sets({}) == (frozenset(), {"power", "parking"})  # nothing said: to check
    assert to_check_text({"parking", "power"}) == "électricité à vérifier, stationnement à vérifier"
    assert to_check_text(()) == ""
