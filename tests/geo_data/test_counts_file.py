"""The ARML's counts file (``geo_data.counts_file``): read with its defaults, and every bad
row refused in French with its line number, by the rules of ``planner.outcomes``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo_data.counts_file import COUNT_COLUMNS, parse_counts
from planner.errors import InvalidTerritoryError, PersonalDataError

TODAY = dt.date(2026, 12, 1)
ROW = {"territory": "ml-a", "period_start": "2021-09", "approach": "maraude", "reperes": 20,
       "mobilises": 8, "pacea": 3, "emploi": 2, "duree_moins_3_mois": 5,
       "duree_3_6_mois": 3}  # fmt: skip


def parse(*rows: dict, **kwargs) -> pd.DataFrame:
    return parse_counts(pd.DataFrame(list(rows)), territories=["ml-a", "ml-b"], today=TODAY,
                        **kwargs)  # fmt: skip


def test_a_month_row_with_defaults() -> None:
    out = parse(ROW, {**ROW, "territory": "ml-b", "period_start": "2021-06-01",
                      "period_end": "2021-06-30", "duree_moins_3_mois": None,
                      "duree_3_6_mois": None})  # fmt: skip
    assert list(out.columns) == list(COUNT_COLUMNS)
    first = out.iloc[0]
    assert first["period_start"] == dt.date(2021, 9, 1)
    assert first["period_end"] == dt.date(2021, 9, 30)  # a month's row ends with the month
    assert first["sessions"] == 0 and first["cej_ml"] == 0 and first["pacea"] == 3
    assert first["duree_moins_3_mois"] == 5 and pd.isna(first["duree_plus_24_mois"])
    assert pd.isna(out.iloc[1]["duree_moins_3_mois"])  # bands not given on that row


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"mobilises": 21}, r"ligne 2 : 21 mobilisés pour 20 repérés"),
        (
            {"duree_3_6_mois": 2},
            r"ligne 2 : durées de parcours : 7 jeunes répartis par durée "
            r"pour 8 mobilisés",
        ),  # fmt: skip
        ({"pacea": 9}, r"ligne 2 : 9 entrées en dispositif pour 8 mobilisés"),
        ({"emploi": 5, "formation": 4}, r"9 situations pour 8 mobilisés"),
        ({"reperes": -1}, r"ligne 2 : reperes : entier positif ou nul attendu"),
        ({"pacea": 1.5}, r"ligne 2 : pacea : entier positif ou nul attendu"),
        ({"approach": "tiktok"}, r"colonne approach"),
        ({"territory": "ml-z"}, r"colonne territory"),
        ({"period_start": "2021-13"}, r"period_start illisible aux lignes \[2\]"),
        ({"period_start": "2027-01"}, r"datée\(s\) dans le futur"),
        ({"commentaire": "x"}, r"colonnes non prévues \['commentaire'\]"),
    ],
)
def test_bad_rows_are_refused_in_french(change, match) -> None:
    with pytest.raises(InvalidTerritoryError, match=match):
        parse({**ROW, **change})


def test_a_name_column_is_refused_as_personal_data() -> None:
    with pytest.raises(PersonalDataError, match=r"données personnelles refusées : \['nom'\]"):
        parse({**ROW, "nom": "Kevin"})


def test_many_bad_rows_are_counted() -> None:
    rows = [{**ROW, "reperes": 7} for _ in range(7)]
    with pytest.raises(
        InvalidTerritoryError,
        match=r"7 erreur\(s\) : ligne 2 : 8 mobilisés pour 7 repérés.*\(et 2 autres\)",
    ):
        parse(*rows)


def test_a_month_as_period_end_is_its_last_day() -> None:
    out = parse({**ROW, "period_start": "2024-02", "period_end": "2024-02"})
    assert out.iloc[0]["period_end"] == dt.date(2024, 2, 29)
