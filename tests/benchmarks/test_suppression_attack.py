"""The attacker's audit (benchmarks.suppression_attack): it finds the four findings of issue #12
in tables published the way main published them, and nothing in today's outputs."""

from __future__ import annotations

import pytest

from benchmarks.suppression_attack import SMALL, api_sources, attack, file_sources
from planner.coverage import compare_territories, territory_indicators


def kinds(sources) -> dict[tuple[str, str], str]:
    findings, _ = attack(sources)
    return {(f.territory, f.column): f.kind for f in findings}


def ind(tid: str, *, stops: dict[str, int], planned: int, km: float, mobilises: int = 12):
    types = [t for t, n in stops.items() for _ in range(n)]
    return territory_indicators(
        tid, tid.upper(), young=[500, 300], frr_class=["non_classee", "frr_plus"],
        qpv_codes=[["Q1"], []], fixed_times=[600, 2400], van_times=[900, 900],
        stop_types=types, sessions_planned=planned, km_driven=km,
        activity_totals=dict(sessions=40, contacts=60, reperes=30, mobilises=mobilises),
    )  # fmt: skip


# -- the findings, as main published them --------------------------------------------------


def test_finds_a_stop_type_given_back_by_its_row():
    rows = [
        {"territory_id": "a", "stops": 103, "stops_mairie": 84, "stops_sans_hote": 18,
         "stops_france_services": SMALL},
        {"territory_id": "b", "stops": 110, "stops_mairie": 60, "stops_sans_hote": 30,
         "stops_france_services": SMALL},  # main's complement: 20 shown « < 11 »
        {"territory_id": "region", "stops": 213, "stops_mairie": 144, "stops_sans_hote": 48,
         "stops_france_services": 21},
    ]  # fmt: skip
    found = attack({"/comparison": rows})[0]
    exact = [f for f in found if f.kind == "exact"]
    assert [(f.territory, f.column, f.lo) for f in exact] == [("a", "stops_france_services", 1)]
    assert kinds({"/comparison": rows})[("b", "stops_france_services")] == "< 11 but >= 11"


def test_finds_a_hidden_count_behind_km_driven_zero():
    rows = [
        {"territory_id": "a", "sessions_planned": SMALL, "km_driven": 0.0, "stops": SMALL},
        {"territory_id": "b", "sessions_planned": 40, "km_driven": 350.0, "stops": 20},
        {"territory_id": "region", "sessions_planned": 40, "km_driven": 350.0, "stops": 20},
    ]
    found = kinds({"/comparison": rows})
    assert found[("a", "sessions_planned")] == "exact" and found[("a", "stops")] == "exact"


def test_finds_a_figure_shown_in_another_route():
    comparison = [{"territory_id": "a", "qpv_total": SMALL}, {"territory_id": "b", "qpv_total": 30}]
    territories = [{"territory_id": "a", "qpv_total": 5}, {"territory_id": "b", "qpv_total": 30}]
    found = kinds({"/comparison": comparison, "/territories": territories})
    assert found == {("a", "qpv_total"): "clear elsewhere"}


def test_finds_a_cell_labelled_small_that_is_not():
    rows = [
        {"territory_id": "a", "frr_communes": SMALL},  # 0
        {"territory_id": "b", "frr_communes": SMALL},  # main's complement: 30
        {"territory_id": "c", "frr_communes": 35},
        {"territory_id": "region", "frr_communes": 65},
    ]
    found = kinds({"/comparison": rows})
    assert "< 11 but >= 11" in {found.get(("a", "frr_communes")), found.get(("b", "frr_communes"))}


def test_a_ratio_gives_its_count_back():
    rows = [
        {"territory_id": "a", "reperes": SMALL, "sessions_delivered": 20,
         "reperes_per_half_day": 0.25},
    ]  # fmt: skip
    assert kinds({"x": rows}) == {("a", "reperes"): "exact"}


# -- the same tables today -------------------------------------------------------------------


def test_finds_nothing_in_todays_comparison_of_the_same_cases():
    stop_case = [
        ind("a", stops={"mairie": 84, "sans_hote": 18, "france_services": 1}, planned=200, km=9.0),
        ind("b", stops={"mairie": 60, "sans_hote": 30, "france_services": 20}, planned=200, km=8.0),
    ]
    km_case = [
        ind("a", stops={}, planned=0, km=0.0, mobilises=4),
        ind("b", stops={"mairie": 20}, planned=40, km=350.0),
        ind("c", stops={"mairie": 20}, planned=50, km=420.0, mobilises=20),
    ]
    for case in (stop_case, km_case):
        rows = compare_territories(case).to_records()
        findings, summary = attack({"/comparison": rows})
        assert summary["small_cells"] > 0 and findings == []


def test_finds_nothing_in_the_demo_outputs(tmp_path):
    # the files of `milo compare --activite-fictive` on the demo territories, and the service
    # (a plan per territory, activity posted) read as the ARML and as a manager
    case, files = file_sources(tmp_path / "files", data_dir=None)
    assert case == "fichiers:demo" and len(files["comparison.csv"]) == 3
    findings, summary = attack(files)
    assert summary["small_cells"] > 0 and findings == []
    api, setup = api_sources(tmp_path)
    assert setup["creusot-montceau"]["visits"] > 0 and setup["/comparison[arml]"] == 200
    assert setup["creusot-montceau"]["activity"] > 0  # the records were taken
    # the ARML's pages' downloads are read too: the outcomes per territory and the months
    assert {"/region/comparaison.csv", "/region/parcours/parcours_territoires.csv",
            "/region/parcours/demarches.csv", "/region/parcours/mois.csv"} <= set(api)  # fmt: skip
    outcomes = {r["territory_id"]: r for r in api["/region/parcours/parcours_territoires.csv"]}
    assert outcomes["region"]["hist_dispositifs"] == "18"  # the outcome rows reached them
    findings, summary = attack(api)
    assert summary["small_cells"] > 0 and findings == []


@pytest.mark.shared
def test_finds_nothing_in_the_region_files(tmp_path, geo_dir):
    case, files = file_sources(tmp_path, data_dir=geo_dir)
    assert case == "fichiers:region-bfc" and len(files["comparison.json"]) == 25
    findings, summary = attack(files)
    assert summary["small_cells"] > 50 and findings == []
