"""User files (CSV, GeoJSON, GeoPackage): partners, activity history, young population.

The reader opens the file (its CSV text is parsed by :mod:`geo_data.csv_text`); the ``parse_*``
functions are pure and validate through :mod:`geo_data.validation` (the partners' row rules are
in :mod:`geo_data.partner_import`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_data import validation as v
from geo_data.csv_text import decode_text, parse_csv_text
from geo_data.partner_import import check_partner_rows
from planner.errors import DataSourceError, InvalidTerritoryError
from planner.taxonomy import Approach
from planner.territory import ACTIVITY_COLUMNS

SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")


def read_table(path: Path) -> pd.DataFrame:
    """Open a CSV (``,`` or ``;``), GeoJSON or GeoPackage file as a (Geo)DataFrame."""
    path = Path(path)
    if not path.is_file():
        raise DataSourceError(
            f"Fichier {path} introuvable.", hint="Vérifiez le chemin dans la section [data]."
        )
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataSourceError(
            f"Format de {path.name} non pris en charge (attendu {', '.join(SUFFIXES)}).",
            hint="Enregistrez le fichier en CSV, GeoJSON ou GeoPackage.",
        )
    if suffix == ".csv":
        return parse_csv_text(decode_text(path.read_bytes(), name=path.name), name=path.name)
    return pyogrio.read_dataframe(path)


def parse_partners(frame: pd.DataFrame, *, source: str = "fichier partenaires") -> gpd.GeoDataFrame:
    """User partners -> the Territory's partner columns; the first refused row is an error.

    Required: ``id``, ``name``, ``type`` (a :class:`PartnerType` value), and ``lon``/``lat`` (CSV)
    or a point geometry. Optional: ``commune``, ``can_host_van`` (oui/non, empty or absent: non),
    ``power``, ``parking`` (oui/non/vrai/faux/1/0; empty, « à vérifier », « inconnu » or an absent
    column: None, shown « à vérifier »), hours as one column per weekday (``lundi`` ...
    ``dimanche``, text like ``09:00-12:00 / 14:00-17:00``), ``telephone`` (the place's public
    reception number, never a person's: :mod:`geo_data.phone`). The rules are those of
    :func:`geo_data.partner_import.check_partner_rows`, which keeps the good rows instead.
    """
    return check_partner_rows(frame, source=source).accepted_or_raise()


ACTIVITY_OPTIONAL = {"period_end": None, "commune": "", "sessions": 1, "contacts": 0}


def parse_activity(
    frame: pd.DataFrame, *, source: str = "fichier d'activité", today: dt.date | None = None
) -> pd.DataFrame:
    """Activity counts -> the Territory's activity table.

    Required: ``place_id``, ``approach`` (an :class:`Approach` value), ``reperes``,
    ``mobilises``, and ``date`` or ``period_start``. Optional: ``period_end``, ``commune``,
    ``sessions`` (default 1), ``contacts``. Any other column is refused (no free text that could
    carry personal data).
    """
    what = f"Activité ({source})"
    frame = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    v.require_no_personal_data(frame.columns, what=what)
    if "date" in frame.columns and "period_start" not in frame.columns:
        frame = frame.rename(columns={"date": "period_start"})
    allowed = set(ACTIVITY_COLUMNS)
    extra = sorted(set(frame.columns) - allowed)
    if extra:
        raise InvalidTerritoryError(
            f"{what} : colonnes non prévues {extra} (attendu parmi {sorted(allowed)}).",
            hint="Retirez ces colonnes : l'activité ne contient que des comptages.",
        )
    v.require_columns(
        frame, ["period_start", "place_id", "approach", "reperes", "mobilises"], what=what
    )
    for column, default in ACTIVITY_OPTIONAL.items():
        if column not in frame.columns:
            frame[column] = frame["period_start"] if column == "period_end" else default
    starts = pd.to_datetime(frame["period_start"], errors="coerce", format="mixed", dayfirst=False)
    ends = pd.to_datetime(frame["period_end"], errors="coerce", format="mixed", dayfirst=False)
    bad = frame.index[starts.isna() | ends.isna()].tolist()
    if bad:
        raise InvalidTerritoryError(
            f"{what} : dates illisibles aux lignes {bad[:5]} (attendu AAAA-MM-JJ).",
            hint="Écrivez les dates au format AAAA-MM-JJ.",
        )
    reversed_rows = frame.index[ends < starts].tolist()
    if reversed_rows:
        raise InvalidTerritoryError(
            f"{what} : fin de période avant le début aux lignes {reversed_rows[:5]}.",
            hint="Vérifiez period_start et period_end.",
        )
    v.require_past_dates(starts, what=what, today=today)
    counts = ["sessions", "contacts", "reperes", "mobilises"]
    v.require_non_negative_counts(frame, counts, what=what)
    v.require_known(
        frame["approach"].astype(str),
        [a.value for a in Approach],
        what=f"{what}, colonne approach",
        hint=f"Approches possibles : {', '.join(a.value for a in Approach)}.",
    )
    out = pd.DataFrame(
        {
            "period_start": starts.dt.date,
            "period_end": ends.dt.date,
            "place_id": frame["place_id"].astype(str),
            "commune": frame["commune"].astype(str),
            "approach": frame["approach"].astype(str),
            **{c: pd.to_numeric(frame[c]).astype("int64") for c in counts},
        }
    )
    over = out.index[out["mobilises"] > out["reperes"]].tolist()
    if over:
        raise InvalidTerritoryError(
            f"{what} : plus de mobilisés que de repérés aux lignes {over[:5]}.",
            hint="Un jeune mobilisé a d'abord été repéré : vérifiez les comptages.",
        )
    return out[list(ACTIVITY_COLUMNS)]


def parse_young(frame: pd.DataFrame, *, source: str) -> pd.Series:
    """Real INSEE age data: columns ``code`` (INSEE) and ``young`` (16-25 population)."""
    what = f"Population 16-25 ans ({source})"
    v.require_columns(frame, ["code", "young"], what=what)
    v.require_ids(frame, what=what, column="code")
    v.require_non_negative_counts(frame, ["young"], what=what)
    return pd.Series(
        pd.to_numeric(frame["young"]).astype(float).to_numpy(),
        index=frame["code"].astype(str).str.zfill(5),
        name="young",
    )
