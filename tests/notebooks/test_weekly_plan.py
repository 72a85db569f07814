"""The manager's walkthrough notebook (weekly_plan.ipynb) executes on the embedded demo."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from maps.assets import external_urls

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "weekly_plan.ipynb"


def test_weekly_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )


@pytest.mark.slow
def test_weekly_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "rendez-vous dans le calendrier" in text
    for name in ("itinerary.html", "plan.ics", "plan.json", "prochain-arret.html"):
        assert (tmp_path / name).is_file(), name
    assert external_urls((tmp_path / "itinerary.html").read_text()) == []
