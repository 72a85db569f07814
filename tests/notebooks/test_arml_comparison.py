"""The ARML comparison notebook executes on the real region files (../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "arml_comparison.ipynb"


def test_notebook_outputs_are_stripped_in_git():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.shared
@pytest.mark.slow
def test_arml_notebook_executes(geo_dir, monkeypatch):
    monkeypatch.setenv("MILO_DATA_DIR", str(geo_dir))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "24 territoires" in text
    assert os.environ["MILO_DATA_DIR"] == str(geo_dir)
