"""The ARML comparison notebook executes on the real region files (../shared)."""

from __future__ import annotations

import pytest

from tests.notebooks.conftest import execute, outputs_stripped, stored

NAME = "arml_comparison.ipynb"


def test_notebook_outputs_are_stripped_in_git():
    assert outputs_stripped(stored(NAME))


@pytest.mark.shared
@pytest.mark.slow
def test_arml_notebook_executes(geo_dir, monkeypatch):
    monkeypatch.setenv("MILO_DATA_DIR", str(geo_dir))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _, text = execute(NAME, timeout=600)
    assert "24 territoires" in text
    assert "Entrées en dispositif après la mobilisation (données fictives)" in text
