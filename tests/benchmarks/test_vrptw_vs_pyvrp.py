"""Generated Solomon-like instances and the side-by-side run against plain PyVRP."""

from __future__ import annotations

import json

import numpy as np

from benchmarks import vrptw_vs_pyvrp as bench
from benchmarks.instances import parse_solomon


def test_generated_instances_are_seeded_solomon_files():
    text = bench.make_instance(2, seed=5)
    assert text == bench.make_instance(2, seed=5) and text != bench.make_instance(2, seed=6)
    inst = parse_solomon(text)
    assert inst.name == "GENRC1_02_s5" and len(inst.ids) == bench.CUSTOMERS + 1
    assert (inst.vehicles, inst.capacity) == (bench.FLEET, 200)
    # Every window can be reached from the depot and left in time to return before it closes.
    travel = np.sqrt(((inst.coords[1:] - inst.coords[0]) ** 2).sum(axis=1))
    assert np.all(inst.ready[1:] <= inst.due[1:])
    assert np.all(inst.due[1:] >= travel)
    assert np.all(inst.due[1:] + inst.service[1:] + travel <= inst.due[0])
    assert not (inst.coords[1:] == inst.coords[0]).all(axis=1).any()


def test_side_by_side_prints_one_line_per_instance_and_a_summary(tmp_path, capsys):
    bench.main(["--instances", "1", "--time-limit", "0.3", "--keep", str(tmp_path)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(lines[0]) == {"instance", "ours", "pyvrp", "ratio", "both_feasible"}
    assert lines[0]["both_feasible"] is True and lines[0]["ratio"] > 0
    assert lines[1]["summary"] is True and lines[1]["instances"] == 1
    assert (tmp_path / f"{lines[0]['instance']}.txt").exists()
