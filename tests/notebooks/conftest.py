"""Shared helpers of the notebook tests: read a stored notebook, execute it, collect its text."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def stored(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def outputs_stripped(nb: nbformat.NotebookNode) -> bool:
    """True when no code cell carries outputs or an execution count (as kept in git)."""
    return all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )


def execute(name: str, *, timeout: int) -> tuple[nbformat.NotebookNode, str]:
    """Run notebook ``name`` from its folder with the venv's python3 kernel; return it and the
    text of its outputs."""
    nb = stored(name)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return nb, text
