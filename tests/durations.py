"""Longest test files first, so that pytest-xdist's workers finish together.

``make test`` hands whole files to the workers (``--dist loadfile``) in collection order
(``--no-loadscope-reorder``: xdist would otherwise send the files with the most tests first, and
the few long browser and subprocess files, with a handful of tests each, last, leaving one worker
running them alone for minutes). This module orders the files by their measured duration, longest
first (the greedy longest-processing-time schedule), from ``tests/durations.json``: seconds per
file (set-up, call and tear-down of its tests), written by a run with ``MILO_TEST_DURATIONS=1``
(``make test-durations``). A file not yet measured goes last; a measured file that is gone is
ignored. The order is the same on every worker (xdist requires identical collections)."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def measured() -> dict[str, float]:
    if not DURATIONS.is_file():
        return {}
    return {str(k): float(v) for k, v in json.loads(DURATIONS.read_text("utf-8")).items()}


def longest_files_first(items: list[pytest.Item]) -> None:
    """Sort ``items`` in place by their file's measured duration, longest first; the files'
    inner order and the order of unmeasured files are kept (a stable sort)."""
    seconds = measured()
    items.sort(key=lambda item: -seconds.get(file_of(item.nodeid), 0.0))


class Recorder:
    """Sums each file's test durations as the reports arrive (on the xdist controller, every
    worker's), and writes them to :data:`DURATIONS` at the end of the session, over the earlier
    figures (files not run this time keep theirs)."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.seconds:
            return
        merged = measured() | {f: round(s, 1) for f, s in self.seconds.items()}
        text = json.dumps(dict(sorted(merged.items())), indent=1, ensure_ascii=False)
        DURATIONS.write_text(text + "\n", encoding="utf-8")


def register(config: pytest.Config) -> None:
    """Records the durations when ``MILO_TEST_DURATIONS=1``, on the controller only (a worker
    sees its own files only)."""
    if os.environ.get("MILO_TEST_DURATIONS") == "1" and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Recorder(), "milo-durations")
