"""An attacker's audit of the shared comparison: can a suppressed cell be recomputed?

Run: ``python -m benchmarks.suppression_attack [--data-dir DIR] [--weeks N]``. It builds the
region as ``milo compare --activite-fictive`` does (the 24 territories of
``region-bfc.toml`` when the official files are in ``--data-dir``, else the two demo
territories) and the service as the comparison route sees it (the demo territories, one plan
each, activity posted on their visits), then reads every published output as a reader would:
``comparison.csv`` and ``comparison.json`` of ``milo compare``, and through the app's
TestClient ``GET /comparison``, ``GET /territories`` and ``GET /territories/{id}`` as the ARML
and as a manager. It prints one JSON line per output set and a last line with every finding.

The attack knows only what is published and the documented formulas (not the suppression
code): every shown number; « < 11 » means 0..10, any other hidden label (« masqué (secret
secondaire) », « secret ») at least 0, as the rule says; a missing cell counts 0 in a sum.
Relations: each column's ``region`` row is the sum of the territories; ``stops`` is the sum of
its row's ``stops_<type>``; orders (a reached count is at most its total, mobilisés at most
repérés, stops at most sessions planned); a shown ratio ties its two counts (repérés and
mobilisés per half-day, km per contact), within its rounding; ``km_driven`` is 0 exactly when
no session is planned; the same figure in two outputs is one cell (shown in one, it is known in
all). For each « < 11 » cell it computes the feasible minimum and maximum by linear programming
(:func:`scipy.optimize.linprog`) and the exact integer bounds (:func:`scipy.optimize.milp`) and
reports a cell pinned to one value, bounded inside 1..10, shown in clear elsewhere, or labelled
« < 11 » while the others force it to at least 11.
"""

from __future__ import annotations

from benchmarks.suppression_lp import SMALL, Finding, attack, findings_json
from benchmarks.suppression_outputs import api_sources, file_sources, run

__all__ = ["SMALL", "Finding", "api_sources", "attack", "file_sources", "findings_json", "run"]


def main() -> None:
    run()


if __name__ == "__main__":
    main()
