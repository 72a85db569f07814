"""Partners files checked row by row: the rows accepted, and each refused row with why.

One set of rules for every partners file. :func:`check_partner_rows` applies them row by row
(an import into the store keeps the good rows and lists the others);
:func:`geo_data.user_files.parse_partners` applies the same rules and stops at the first refused
row (a territory spec's file must be right as a whole). Three levels:

- **the file**: columns that look like personal data (but ``telephone``, the place's public
  reception number: a partner is an institution), the required columns (``id``, ``name``,
  ``type``, and ``lon``/``lat`` without a point geometry), a declared CRS. One problem refuses
  the whole file: a :class:`~planner.errors.MiloError` is raised;
- **a row**: its id, type, point, hours, oui/non cells, name, commune and phone
  (:mod:`geo_data.phone`). Each message names the file, the line and the column;
- **across rows**: an id written on several rows refuses each of them (which one is right is the
  user's call, not a guess).

A row's ``line`` is what the user sees in the file: in a CSV the header is line 1 and the first
data row line 2; in a GeoJSON the features are numbered from 1. Rows whose cells are all empty
(a spreadsheet's trailing ``;;;`` lines) are skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo_data import validation as v
from geo_data.csv_text import decode_text, parse_csv_text, record_lines
from geo_data.parse_admin import read_geojson_bytes
from geo_data.parse_places import parse_weekly_text
from geo_data.phone import normalise_phone, phone_column
from geo_data.text import clean_text
from planner.amenities import AMENITIES, amenity_state
from planner.errors import DataSourceError, InvalidTerritoryError, MiloError
from planner.hours import DAY_NAMES_FR, WeeklyHours
from planner.taxonomy import PartnerType

TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "x", "o"}
FALSE_WORDS = {"0", "false", "faux", "non", "no"}
#: Words of an amenity nobody checked (``power``, ``parking``): read as None, « à vérifier ».
UNKNOWN_WORDS = {"", "à vérifier", "a vérifier", "a verifier", "à verifier", "inconnu", "inconnue"}
#: Columns read as oui/non (empty: non); the amenities are a tri-state (empty: à vérifier).
FLAG_COLUMNS = ("can_host_van",)
REQUIRED_COLUMNS = ("id", "name", "type")
#: The one phone column of a partners file: the place's public reception number (a partner is
#: an institution); any other column named like a phone is refused as personal data.
PHONE_COLUMN = "telephone"
#: The longest id the store keeps (``partners.key``).
ID_MAX_LENGTH = 100
#: Uploaded partners files: CSV and GeoJSON.
UPLOAD_SUFFIXES = (".csv", ".geojson", ".json")
_COMMUNE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_TYPES = ", ".join(t.value for t in PartnerType)


@dataclass(frozen=True)
class RefusedRow:
    """A row left out of an import: its line in the file, its id when readable, and why."""

    line: int
    id: str | None
    message: str
    hint: str

    def __post_init__(self) -> None:
        if self.line < 1:
            raise InvalidTerritoryError(
                f"Ligne refusée : numéro de ligne {self.line} (attendu 1 ou plus).",
                hint="Les lignes d'un fichier se comptent à partir de 1.",
            )


@dataclass(frozen=True)
class PartnerImport:
    """The accepted rows (the :func:`~geo_data.user_files.parse_partners` schema, indexed by
    id), the refused ones in file order, and the line of each accepted id."""

    accepted: gpd.GeoDataFrame
    refused: tuple[RefusedRow, ...]
    lines: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if set(self.lines) != set(self.accepted.index):
            raise InvalidTerritoryError(
                "Import de partenaires : une ligne par partenaire accepté attendue, reçu "
                f"{len(self.lines)} ligne(s) pour {len(self.accepted)} partenaire(s).",
                hint="Construisez le résultat avec check_partner_rows.",
            )

    def accepted_or_raise(self) -> gpd.GeoDataFrame:
        """The accepted rows when no row was refused; else the first refusal as an error."""
        if not self.refused:
            return self.accepted
        first, others = self.refused[0], self.refused[1:]
        more = ""
        if others:
            shown = ", ".join(str(r.line) for r in others[:5]) + (", ..." if others[5:] else "")
            more = f" {len(others)} autre(s) ligne(s) refusée(s) : {shown}."
        raise InvalidTerritoryError(first.message + more, hint=first.hint)


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> str:
    """A cell as text: ``""`` for an empty cell (None, NaN: a GeoJSON null)."""
    return "" if _is_blank(value) else str(value)


def _shown(value: object) -> str:
    """A cell as a message shows it: « 4,43 », or « vide »."""
    return "vide" if _is_blank(value) else f"« {value} »"


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


def _flag(value: object, column: str, *, where: str) -> bool | None:
    """Cell ``column`` of a row read with :func:`_yes_no`, or a French error naming it."""
    unknown = column not in FLAG_COLUMNS
    try:
        return _yes_no(None if value is pd.NA else value, unknown=unknown)
    except ValueError:
        expected = "oui/non, vrai/faux, 1/0" + (
            ", ou vide / « à vérifier » / « inconnu » quand on ne sait pas" if unknown else ""
        )
        raise InvalidTerritoryError(
            f"{where}, colonne {column}, valeur « {value} » illisible (attendu {expected}).",
            hint="Écrivez oui ou non."
            + (
                " Laissez la case vide ou écrivez « à vérifier » quand l'équipement du lieu "
                "n'est pas connu : il sera affiché « à vérifier », jamais « non »."
                if unknown
                else " Une case vide vaut non."
            ),
        ) from None


def _partner_id(value: object, *, where: str) -> str:
    if _is_blank(value):
        raise InvalidTerritoryError(
            f"{where}, partenaire sans identifiant (colonne id).",
            hint="Donnez un identifiant unique à chaque ligne.",
        )
    return clean_text(value, what=f"{where}, l'identifiant", max_length=ID_MAX_LENGTH)


def _partner_type(value: object, *, where: str) -> str:
    kind = _text(value).strip()
    if not kind:
        raise InvalidTerritoryError(
            f"{where}, colonne type vide (attendu l'un des types : {_TYPES}).",
            hint="Choisissez le type le plus proche, ou « autre ».",
        )
    v.require_known(
        [kind],
        [t.value for t in PartnerType],
        what=f"{where}, colonne type",
        hint=f"Types possibles : {_TYPES}.",
    )
    return kind


def _coordinate(value: object) -> float | None:
    try:
        number = float(_text(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _point(
    cells: Mapping[str, Any], geometry: BaseGeometry | None, *, pid: str, where: str
) -> Point:
    """The row's point: its geometry (GeoJSON, in EPSG:4326) or its ``lon``/``lat`` cells."""
    if geometry is None and "lon" in cells:
        lon, lat = _coordinate(cells["lon"]), _coordinate(cells["lat"])
        if lon is None or lat is None:
            raise InvalidTerritoryError(
                f"{where}, lon/lat absents ou illisibles (reçu lon {_shown(cells['lon'])}, "
                f"lat {_shown(cells['lat'])}).",
                hint="Donnez lon et lat en degrés décimaux, avec un point (par exemple "
                "lon=4.33, lat=47.63 ; pas 4,33).",
            )
        geometry = Point(lon, lat)
    one = gpd.GeoDataFrame(geometry=[geometry], crs="EPSG:4326", index=pd.Index([pid]))
    v.require_valid_geometries(one, what=f"{where}, partenaire {pid}")
    assert geometry is not None  # require_valid_geometries refuses a missing one
    if not isinstance(geometry, Point):
        raise InvalidTerritoryError(
            f"{where}, géométrie de type {geometry.geom_type} (attendu un point, Point).",
            hint="Un partenaire est un lieu : donnez son point (QGIS « Centroïdes » pour une "
            "zone).",
        )
    if not (-180 <= geometry.x <= 180 and -90 <= geometry.y <= 90):
        raise InvalidTerritoryError(
            f"{where}, coordonnées hors limites (reçu lon {geometry.x:g}, lat {geometry.y:g} ; "
            "attendu lon entre -180 et 180, lat entre -90 et 90).",
            hint="Donnez des degrés décimaux WGS84 (EPSG:4326), pas des mètres (Lambert-93), "
            "et vérifiez l'ordre longitude, latitude.",
        )
    return geometry


def _commune(value: object, *, where: str) -> str:
    """The row's INSEE code (``""`` when empty: the store deduces it from the point)."""
    text = _text(value).strip()
    if not text:
        return ""
    code = text.zfill(5)
    if not _COMMUNE.fullmatch(code):
        raise InvalidTerritoryError(
            f"{where}, colonne commune, valeur « {text} » illisible (attendu un code INSEE à "
            "5 caractères, par exemple 71153 ou 2A004).",
            hint="Corrigez le code ou laissez la case vide.",
        )
    return code


def _check_row(
    cells: Mapping[str, Any],
    geometry: BaseGeometry | None,
    *,
    what: str,
    place: str,
    day_columns: Sequence[str],
) -> tuple[str, dict[str, Any], Point]:
    """One row's id, values (the output columns but geometry) and point; raises the first
    problem (a :class:`MiloError`)."""
    where = f"{what} : {place}"
    pid = _partner_id(cells["id"], where=where)
    kind = _partner_type(cells["type"], where=where)
    point = _point(cells, geometry, pid=pid, where=where)
    hours = WeeklyHours.open_always()
    if day_columns:
        hours = parse_weekly_text(
            {DAY_NAMES_FR.index(d): _text(cells[d]) for d in day_columns},
            where=f"le partenaire {pid}, {place}",
        )
    flags = {c: _flag(cells.get(c), c, where=where) for c in (*FLAG_COLUMNS, *AMENITIES)}
    values = {
        "name": clean_text(_text(cells["name"]), what=f"{where}, le nom du partenaire {pid}"),
        "type": kind,
        "commune": _commune(cells.get("commune"), where=where),
        "phone": normalise_phone(cells.get(PHONE_COLUMN), where=f"{where}, colonne {PHONE_COLUMN}"),
        "hours": hours,
        **flags,
        "fixed_site": False,
    }
    return pid, values, point


def _check_columns(frame: pd.DataFrame, *, what: str) -> pd.DataFrame:
    """File-level rules; the frame to read rows from: a table of cells, or a GeoDataFrame in
    EPSG:4326 when the file has point geometries."""
    v.require_no_personal_data(
        [c for c in frame.columns if c not in ("name", PHONE_COLUMN)],
        what=what,
        expected="les colonnes d'un lieu : id, name, type, lon/lat, commune, équipements, "
        f"horaires, {PHONE_COLUMN}",
        hint=f"Le numéro public de l'accueil du lieu s'écrit dans une seule colonne nommée "
        f"exactement « {PHONE_COLUMN} ».",
    )
    v.require_columns(frame, REQUIRED_COLUMNS, what=what)
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        v.require_crs(frame, what=what)
        return frame.to_crs("EPSG:4326")
    v.require_columns(frame, ["lon", "lat"], what=what)
    return pd.DataFrame(frame)


def _output(
    ids: list[str], rows: list[dict[str, Any]], points: list[Point], source: str
) -> gpd.GeoDataFrame:
    """Checked rows -> the parse_partners output (index ``id``, EPSG:4326)."""
    out = gpd.GeoDataFrame(
        {
            "name": [r["name"] for r in rows],
            "type": [r["type"] for r in rows],
            "commune": [r["commune"] for r in rows],
            "hours": [r["hours"] for r in rows],
            "can_host_van": [bool(r["can_host_van"]) for r in rows],
            **{a: pd.Series([r[a] for r in rows], dtype=object).to_numpy() for a in AMENITIES},
            "fixed_site": [r["fixed_site"] for r in rows],
            "source": [source] * len(rows),
        },
        geometry=points,
        crs="EPSG:4326",
    )
    out.index = pd.Index(ids, name="id", dtype=object)
    out["phone"] = phone_column([r["phone"] for r in rows], out.index)
    return out


def check_partner_rows(
    frame: pd.DataFrame, *, source: str, lines: Sequence[int] | None = None
) -> PartnerImport:
    """Check a partners table row by row (see the module docstring for the rules).

    Parameters
    ----------
    frame
        The table as read (:func:`geo_data.user_files.read_table` or :func:`read_partner_bytes`):
        columns ``id``, ``name``, ``type``, ``lon``/``lat`` or a point geometry; optional
        ``commune``, ``can_host_van``, ``power``, ``parking``, ``lundi`` ... ``dimanche``,
        ``telephone``.
    source
        The file's name, written in every message and in the ``source`` column.
    lines
        The line of each row in the file; default: its position (CSV: + 2, GeoJSON: + 1).

    Raises
    ------
    MiloError
        For a problem of the whole file (personal data, a missing column, no CRS).
    """
    what = f"Partenaires ({source})"
    frame = _check_columns(frame, what=what)
    geo = isinstance(frame, gpd.GeoDataFrame)
    if lines is None or len(lines) != len(frame):
        lines = [p + (1 if geo else 2) for p in range(len(frame))]
    if isinstance(frame, gpd.GeoDataFrame):
        geometries = [None if g is None or g.is_empty else g for g in frame.geometry]
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    else:
        geometries, table = [None] * len(frame), frame
    day_columns = [d for d in DAY_NAMES_FR if d in table.columns]
    rows = _Rows(what=what, geo=geo, lines=list(lines))
    for position, cells in enumerate(table.to_dict("records")):
        geometry = geometries[position]
        if geometry is None and all(_is_blank(c) for c in cells.values()):
            continue
        try:
            rows.accept(
                position,
                *_check_row(
                    cells,
                    geometry,
                    what=what,
                    place=rows.place(position),
                    day_columns=day_columns,
                ),
            )
        except MiloError as exc:
            pid = None if _is_blank(cells["id"]) else str(cells["id"]).strip()
            rows.refuse(position, pid, exc.message, exc.hint)
    rows.refuse_duplicates()
    return rows.result(source)


class _Rows:
    """The rows of one file as they are checked, by position in the file."""

    def __init__(self, *, what: str, geo: bool, lines: list[int]) -> None:
        self.what, self.geo, self.lines = what, geo, lines
        self.checked: dict[int, tuple[str, dict[str, Any], Point]] = {}
        self.refused: dict[int, RefusedRow] = {}

    def place(self, position: int) -> str:
        line = self.lines[position]
        return f"objet n° {line}" if self.geo else f"ligne {line}"

    def accept(self, position: int, pid: str, values: dict[str, Any], point: Point) -> None:
        self.checked[position] = (pid, values, point)

    def refuse(self, position: int, pid: str | None, message: str, hint: str) -> None:
        self.checked.pop(position, None)
        self.refused[position] = RefusedRow(self.lines[position], pid, message, hint)

    def refuse_duplicates(self) -> None:
        """Refuse every accepted row whose id is on another row too (accepted or not)."""
        by_id: dict[str, list[int]] = {}
        for position, (pid, _, _) in self.checked.items():
            by_id.setdefault(pid, []).append(position)
        for position, row in self.refused.items():
            if row.id is not None:
                by_id.setdefault(row.id, []).append(position)
        for pid, found in by_id.items():
            if len(found) < 2:
                continue
            numbers = ", ".join(str(self.lines[p]) for p in sorted(found))
            shown = f"objets n° {numbers}" if self.geo else f"lignes {numbers}"
            for position in found:
                if position in self.checked:
                    self.refuse(
                        position,
                        pid,
                        f"{self.what} : {self.place(position)}, identifiant « {pid} » en "
                        f"double ({shown}).",
                        "Chaque identifiant doit être unique : renommez ou fusionnez les doublons.",
                    )

    def result(self, source: str) -> PartnerImport:
        keep = sorted(self.checked)
        ids = [self.checked[p][0] for p in keep]
        return PartnerImport(
            accepted=_output(
                ids,
                [self.checked[p][1] for p in keep],
                [self.checked[p][2] for p in keep],
                source,
            ),
            refused=tuple(self.refused[p] for p in sorted(self.refused)),
            lines={pid: self.lines[p] for pid, p in zip(ids, keep, strict=True)},
        )


def file_name(filename: str) -> str:
    """The name of an uploaded file without its folders (browsers may send a full path)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "sans nom"
    return clean_text(name, what="le nom du fichier", max_length=200)


def read_partner_bytes(data: bytes, filename: str) -> tuple[pd.DataFrame, list[int]]:
    """An uploaded partners file (CSV or GeoJSON bytes) -> its table and the line of each row.

    CSV: UTF-8 with or without a byte-order mark, ``;`` or ``,`` (as
    :func:`geo_data.user_files.read_table`). An unreadable file is one French error.
    """
    name = file_name(filename)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise DataSourceError(
            f"Format du fichier « {name} » non pris en charge (attendu "
            f"{', '.join(UPLOAD_SUFFIXES)}).",
            hint="Enregistrez les partenaires en CSV (UTF-8, séparateur « ; » ou « , ») ou en "
            "GeoJSON.",
        )
    if suffix == ".csv":
        text = decode_text(data, name=name)
        return parse_csv_text(text, name=name), record_lines(text)
    frame = read_geojson_bytes(data, f"Partenaires ({name})")
    return frame, list(range(1, len(frame) + 1))


def check_partner_file(data: bytes, filename: str) -> PartnerImport:
    """Read and check an uploaded partners file; a file without any partner row is refused."""
    frame, lines = read_partner_bytes(data, filename)
    name = file_name(filename)
    result = check_partner_rows(frame, source=name, lines=lines)
    if result.accepted.empty and not result.refused:
        raise InvalidTerritoryError(
            f"Partenaires ({name}) : aucun partenaire dans le fichier (attendu une ligne "
            "d'en-tête puis une ligne par lieu).",
            hint="Vérifiez que le bon fichier a été choisi et qu'il contient des lignes.",
        )
    return result
