"""User files (CSV, GeoJSON, GeoPackage): partners, activity history, young population.

The reader opens the file; the ``parse_*`` functions are pure and validate through
:mod:`geo_data.validation`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_data import validation as v
from geo_data.parse_places import parse_weekly_text
from geo_data.text import clean_text
from planner.amenities import AMENITIES, amenity_state
from planner.errors import DataSourceError, InvalidTerritoryError
from planner.hours import DAY_NAMES_FR, WeeklyHours
from planner.taxonomy import Approach, PartnerType
from planner.territory import ACTIVITY_COLUMNS

SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")
TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "x", "o"}
FALSE_WORDS = {"0", "false", "faux", "non", "no"}
#: Words of an amenity nobody checked (``power``, ``parking``): read as None, « à vérifier ».
UNKNOWN_WORDS = {"", "à vérifier", "a vérifier", "a verifier", "à verifier", "inconnu", "inconnue"}
#: Columns read as oui/non (empty: non) and as a tri-state amenity (empty: à vérifier).
FLAG_COLUMNS = ("can_host_van",)


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
        text = path.read_text(encoding="utf-8-sig")
        sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = pyogrio.read_dataframe(path)
    return frame


def _row_place(frame: pd.DataFrame, position: int) -> str:
    """Where row ``position`` is in its file: a CSV line (header = line 1) or a feature."""
    if isinstance(frame, gpd.GeoDataFrame):
        return f"objet n° {position + 1}"
    return f"ligne {position + 2}"


def _yes_no(value: object, *, unknown: bool) -> bool | None:
    """One cell as True/False (or None for an unknown amenity); ``ValueError`` if unreadable."""
    if not isinstance(value, str):  # GeoJSON / GeoPackage: booleans, numbers or null
        state = amenity_state(value)
        if state is None and not unknown:
            return False
        return state
    text = " ".join(value.strip().lower().split())
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS or (text == "" and not unknown):
        return False
    if unknown and text in UNKNOWN_WORDS:
        return None
    raise ValueError(value)


def _flags(frame: pd.DataFrame, column: str, *, what: str, unknown: bool) -> list[bool | None]:
    """Column ``column`` read with :func:`_yes_no`; the first bad cell is a French error naming
    the file, the line, the column, the value and what is expected."""
    if column not in frame.columns:
        return [None if unknown else False] * len(frame)
    out: list[bool | None] = []
    bad: list[tuple[int, object]] = []
    for position, value in enumerate(frame[column].tolist()):
        try:
            out.append(_yes_no(value, unknown=unknown))
        except ValueError:
            bad.append((position, value))
    if bad:
        position, value = bad[0]
        more = (
            f" {len(bad) - 1} autre(s) valeur(s) illisible(s) dans la colonne." if bad[1:] else ""
        )
        expected = "oui/non, vrai/faux, 1/0" + (
            ", ou vide / « à vérifier » / « inconnu » quand on ne sait pas" if unknown else ""
        )
        raise InvalidTerritoryError(
            f"{what} : {_row_place(frame, position)}, colonne {column}, valeur « {value} » "
            f"illisible (attendu {expected}).{more}",
            hint="Écrivez oui ou non."
            + (
                " Laissez la case vide ou écrivez « à vérifier » quand l'équipement du lieu "
                "n'est pas connu : il sera affiché « à vérifier », jamais « non »."
                if unknown
                else " Une case vide vaut non."
            ),
        )
    return out


def _points(frame: pd.DataFrame, *, what: str) -> gpd.GeoDataFrame:
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        v.require_crs(frame, what=what)
        return frame.to_crs("EPSG:4326")
    v.require_columns(frame, ["lon", "lat"], what=what)
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    bad = frame.index[lon.isna() | lat.isna()].tolist()
    if bad:
        raise InvalidTerritoryError(
            f"{what} : lon/lat absents ou illisibles aux lignes {bad[:5]}.",
            hint="Donnez lon et lat en degrés décimaux (par exemple lon=4.33, lat=47.63).",
        )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def parse_partners(frame: pd.DataFrame, *, source: str = "fichier partenaires") -> gpd.GeoDataFrame:
    """User partners -> the Territory's partner columns.

    Required: ``id``, ``name``, ``type`` (a :class:`PartnerType` value), and ``lon``/``lat`` (CSV)
    or a point geometry. Optional: ``commune``, ``can_host_van`` (oui/non, empty or absent: non),
    ``power``, ``parking`` (oui/non/vrai/faux/1/0; empty, « à vérifier », « inconnu » or an absent
    column: None, shown « à vérifier »), hours as one column per weekday (``lundi`` ...
    ``dimanche``, text like ``09:00-12:00 / 14:00-17:00``).
    """
    what = f"Partenaires ({source})"
    v.require_no_personal_data([c for c in frame.columns if c not in ("name",)], what=what)
    v.require_columns(frame, ["id", "name", "type"], what=what)
    v.require_ids(frame, what=what, column="id")
    v.require_known(
        frame["type"].astype(str),
        [t.value for t in PartnerType],
        what=f"{what}, colonne type",
        hint=f"Types possibles : {', '.join(t.value for t in PartnerType)}.",
    )
    points = _points(frame, what=what)
    v.require_valid_geometries(points.set_index(points["id"].astype(str)), what=what)
    day_cols = [d for d in DAY_NAMES_FR if d in frame.columns]
    hours = []
    for _, row in frame.iterrows():
        if day_cols:
            hours.append(
                parse_weekly_text(
                    {DAY_NAMES_FR.index(d): str(row[d]) for d in day_cols},
                    where=f"le partenaire {row['id']}",
                )
            )
        else:
            hours.append(WeeklyHours.open_always())
    flags = {
        col: _flags(frame, col, what=what, unknown=col not in FLAG_COLUMNS)
        for col in (*FLAG_COLUMNS, *AMENITIES)
    }
    out = gpd.GeoDataFrame(
        {
            "name": [
                clean_text("" if pd.isna(n) else n, what=f"{what} : le nom du partenaire {i}")
                for i, n in zip(frame["id"].astype(str), frame["name"], strict=True)
            ],
            "type": frame["type"].astype(str),
            "commune": frame["commune"].astype(str).str.zfill(5) if "commune" in frame else "",
            "hours": hours,
            "can_host_van": flags["can_host_van"],
            "power": pd.Series(flags["power"], dtype=object).to_numpy(),
            "parking": pd.Series(flags["parking"], dtype=object).to_numpy(),
            "fixed_site": False,
            "source": source,
        },
        geometry=points.geometry.values,
        crs="EPSG:4326",
    )
    out.index = pd.Index(frame["id"].astype(str).to_numpy(), name="id")
    return out


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
