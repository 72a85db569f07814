"""The test files go out longest first by their recorded duration; unmeasured ones last, in
collection order."""

from __future__ import annotations

import json
from types import SimpleNamespace

from tests import durations


def test_files_are_ordered_by_recorded_seconds_longest_first_unmeasured_last(tmp_path, monkeypatch):
    record = tmp_path / "durations.json"
    record.write_text(json.dumps({"tests/a.py": 1.0, "tests/b.py": 30.0, "tests/gone.py": 99.0}))
    monkeypatch.setattr(durations, "DURATIONS", record)
    ids = [
        "tests/new.py::t1",
        "tests/a.py::t1",
        "tests/b.py::t1",
        "tests/a.py::t2",
        "tests/b.py::t2",
    ]
    items = [SimpleNamespace(nodeid=i) for i in ids]
    durations.longest_files_first(items)  # type: ignore[arg-type]
    assert [i.nodeid for i in items] == [
        "tests/b.py::t1",
        "tests/b.py::t2",
        "tests/a.py::t1",
        "tests/a.py::t2",
        "tests/new.py::t1",
    ]


def test_without_a_record_the_collection_order_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(durations, "DURATIONS", tmp_path / "absent.json")
    items = [SimpleNamespace(nodeid=i) for i in ("tests/z.py::t", "tests/a.py::t")]
    durations.longest_files_first(items)  # type: ignore[arg-type]
    assert [i.nodeid for i in items] == ["tests/z.py::t", "tests/a.py::t"]
