"""Quality and speed benchmarks on public instances (not part of the test run).

A package of the development install (``make install-dev`` installs it in editable mode with the
project), so each script runs as ``python benchmarks/NAME.py`` and the tests import
``benchmarks.*`` without editing ``sys.path``.
"""

from __future__ import annotations

from pathlib import Path

#: The clone's root (demo specs, the service's working folder).
REPO = Path(__file__).resolve().parents[1]
#: ``../shared`` beside the clone: public instances and official files; cases skip without it.
SHARED = (REPO / ".." / "shared").resolve()
