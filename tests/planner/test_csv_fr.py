"""The one CSV format: read back with the csv module as French Excel would (BOM, ``;``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import numpy as np
import pandas as pd

from planner.csv_fr import cell, csv_text, frame_csv
from planner.json_values import json_text


def _read(text: str) -> list[list[str]]:
    data = text.encode("utf-8")
    assert data[:3] == b"\xef\xbb\xbf"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_cells_follow_one_convention() -> None:
    assert [cell(v) for v in (True, np.bool_(False), None, math.nan, np.float64(2.5))] == [
        "oui", "non", "", "", "2,5",
    ]  # fmt: skip
    assert [cell(v) for v in (3, np.int64(-4), 7.0, -0.125, math.inf)] == [
        "3",
        "-4",
        "7",
        "-0,125",
        "",
    ]
    assert cell(dt.date(2026, 1, 6)) == "2026-01-06" and cell(["a", "b"]) == "a ; b"
    for text in ("=1+1", "+33", "-x", "@A1", "\tx", "\rx"):
        assert cell(text) == "'" + text
    assert cell("< 11") == "< 11" and cell("Café ; bar") == "Café ; bar"


def test_text_round_trips_through_the_csv_module_with_quotes_and_newlines() -> None:
    rows = [["Café « L'Escale »", 'il a dit "oui"', "ligne 1\nligne 2", 1.5]]
    back = _read(csv_text(["Nom", "Note", "Texte", "Valeur"], rows))
    assert back == [["Nom", "Note", "Texte", "Valeur"], [*rows[0][:3], "1,5"]]


def test_frame_csv_uses_the_french_labels() -> None:
    frame = pd.DataFrame({"name": ["Montbard"], "share": [np.nan], "qpv": [True]})
    back = _read(frame_csv(frame, {"name": "Territoire", "qpv": "QPV"}))
    assert back == [["Territoire", "share", "QPV"], ["Montbard", "", "oui"]]


def test_json_text_writes_null_for_nan_and_never_nan() -> None:
    def refuse(name: str) -> None:
        raise AssertionError(f"invalid JSON constant {name}")

    text = json_text(
        {"a": math.nan, "b": [np.float64(np.inf), np.int64(2)], "d": dt.date(2026, 1, 6)}
    )
    assert json.loads(text, parse_constant=refuse) == {"a": None, "b": [None, 2], "d": "2026-01-06"}
