"""The manager's walkthrough notebook (weekly_plan.ipynb) executes on the embedded demo."""

from __future__ import annotations

import pytest

from maps.assets import external_urls
from tests.notebooks.conftest import execute, outputs_stripped, stored

NAME = "weekly_plan.ipynb"


def test_weekly_notebook_is_stored_without_outputs():
    assert outputs_stripped(stored(NAME))


@pytest.mark.slow
def test_weekly_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("MILO_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _, text = execute(NAME, timeout=300)
    assert "rendez-vous dans le calendrier" in text
    for name in ("itinerary.html", "plan.ics", "plan.json", "prochain-arret.html"):
        assert (tmp_path / name).is_file(), name
    assert external_urls((tmp_path / "itinerary.html").read_text()) == []
