"""Pure parsers of places: France Services sites, town halls, and opening-hour texts."""

from __future__ import annotations

import io
import json
import re

import geopandas as gpd
import pandas as pd

from geo_data.parse_admin import read_geojson_bytes
from geo_data.phone import official_phone, phone_column
from geo_data.text import townhall_name
from planner.errors import InvalidTerritoryError
from planner.hours import DAY_NAMES_FR, WeeklyHours
from planner.taxonomy import PartnerType

_TIME = r"(\d{1,2})\s*[:hH]\s*(\d{2})?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|à)\s*" + _TIME)
FS_DAY_COLUMNS = ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")


def _minutes(hours: str, minutes: str | None) -> int:
    return int(hours) * 60 + int(minutes or 0)


def parse_day_text(text: str, *, where: str) -> list[tuple[int, int]]:
    """``"09:00 - 12:00 / 13:30 - 17:00"`` -> ``[(540, 720), (810, 1020)]``; empty text -> []."""
    text = (text or "").strip()
    if not text or text.lower() in ("fermé", "ferme", "nan"):
        return []
    intervals = []
    for part in re.split(r"[/;,]| et ", text):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.fullmatch(part)
        if match is None:
            raise InvalidTerritoryError(
                f"Horaires illisibles pour {where} : {part!r} (attendu « 09:00 - 12:00 », "
                "plusieurs plages séparées par « / »).",
                hint="Corrigez le texte des horaires dans le fichier source.",
            )
        start = _minutes(match.group(1), match.group(2))
        end = _minutes(match.group(3), match.group(4))
        if start == end == 0:  # "00:00 - 00:00": the ANCT file's way of saying "closed"
            continue
        if not start < end <= 24 * 60:
            raise InvalidTerritoryError(
                f"Horaires invalides pour {where} : {part!r} (l'ouverture doit précéder la "
                "fermeture).",
                hint="Corrigez l'ordre des heures.",
            )
        intervals.append((start, end))
    return intervals


def parse_weekly_text(per_day: dict[int, str], *, where: str) -> WeeklyHours:
    """One text per weekday (0 = Monday) -> :class:`WeeklyHours`."""
    items = [
        (day, start, end)
        for day, text in per_day.items()
        for start, end in parse_day_text(text, where=where)
    ]
    return WeeklyHours.from_intervals(items)


def parse_mairie_hours(raw: str | None, *, where: str) -> WeeklyHours | None:
    """Annuaire JSON form ``[[from_day, to_day, [[open, close], ...]], ...]`` -> WeeklyHours.

    ``None`` or an empty text means the hours are unknown (not "never open").
    """
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or not str(raw).strip():
        return None
    try:
        rows = json.loads(raw)
        items = []
        for first, last, intervals in rows:
            last = last or first  # the directory leaves "to" empty for a single day
            d0, d1 = DAY_NAMES_FR.index(first.lower()), DAY_NAMES_FR.index(last.lower())
            days = range(d0, d1 + 1) if d0 <= d1 else [*range(d0, 7), *range(0, d1 + 1)]
            for opening, closing in intervals:
                start = _minutes(*opening.split(":")[:2])
                end = _minutes(*closing.split(":")[:2])
                if end == 0:
                    end = 24 * 60
                if end == start:  # zero-length interval in the directory: no opening
                    continue
                for day in days:
                    items.append((day, start, end))
        return WeeklyHours.from_intervals(items)
    except (ValueError, TypeError, AttributeError, json.JSONDecodeError):
        raise InvalidTerritoryError(
            f"Horaires illisibles pour {where} : {str(raw)[:80]!r} (attendu la forme JSON "
            '[["lundi", "vendredi", [["09:00:00", "12:00:00"]]], ...]).',
            hint="Corrigez le champ horaires dans le fichier source.",
        ) from None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column, or empty texts when the file does not have it."""
    if name in frame.columns:
        return frame[name].astype(str)
    return pd.Series("", index=frame.index)


def parse_france_services(text: str) -> gpd.GeoDataFrame:
    """ANCT France Services CSV -> partners of type ``france_services``.

    ``fixed_site`` is True for the fixed formats (``Fixe``, ``Fixe_antenne(s)``, ``Multisites``);
    itinerant buses (``Bus_équivalent``, ``Itinérante``) are kept with ``fixed_site=False``.
    The list says nothing of electricity or parking: ``power`` and ``parking`` are None
    (« à vérifier », :mod:`planner.amenities`). ``phone`` is the site's public reception number
    (column ``telephone``, « 03 80 61 01 94 »), None when empty or unreadable
    (:func:`geo_data.phone.official_phone`).
    """
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    required = {"id_fs", "lib_fs", "insee_com", "latitude", "longitude", "format_fs"}
    missing = required - set(frame.columns)
    if missing:
        raise InvalidTerritoryError(
            f"France Services : colonnes manquantes {sorted(missing)}.",
            hint="Utilisez le CSV de l'ANCT « liste des France Services » sans le modifier.",
        )
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    bad = frame.loc[lon.isna() | lat.isna(), "id_fs"].tolist()
    if bad:
        raise InvalidTerritoryError(
            f"France Services : coordonnées absentes ou illisibles pour les sites {bad[:5]}.",
            hint="Complétez latitude et longitude (degrés décimaux).",
        )
    hours = [
        parse_weekly_text(
            {d: row[c] for d, c in enumerate(FS_DAY_COLUMNS) if c in frame.columns},
            where=f"France Services {row['id_fs']}",
        )
        for _, row in frame.iterrows()
    ]
    fixed = frame["format_fs"].str.lower().str.startswith(("fixe", "multisites"))
    out = gpd.GeoDataFrame(
        {
            "name": frame["lib_fs"],
            "type": PartnerType.FRANCE_SERVICES.value,
            "commune": frame["insee_com"].str.zfill(5),
            "hours": hours,
            "can_host_van": True,
            "power": [None] * len(frame),
            "parking": [None] * len(frame),
            "fixed_site": fixed.to_numpy(),
            "source": "ANCT France Services 2024-08-01",
            "phone": phone_column(map(official_phone, _column(frame, "telephone")), frame.index),
            "address": _column(frame, "adresse")
            .str.cat(_column(frame, "lib_com"), sep=" ")
            .str.strip(),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    out.index = pd.Index("fs-" + frame["id_fs"].astype(str), name="id")
    return out


def parse_mairies(data: bytes) -> gpd.GeoDataFrame:
    """Town halls GeoJSON (``code``, ``nom``, ``adresse``, ``horaires``...) -> one row per commune.

    Columns: ``code`` (index), ``name``, ``address``, ``phone`` (public switchboard of the town
    hall, an institution, not a person: « 03 80 61 01 94 », None when empty or unreadable),
    ``hours`` (WeeklyHours or None), ``geometry``.
    """
    frame = read_geojson_bytes(data, "Mairies")
    missing = {"code", "nom"} - set(frame.columns)
    if missing:
        raise InvalidTerritoryError(
            f"Mairies : colonnes manquantes {sorted(missing)}.",
            hint="Utilisez le GeoJSON des mairies de l'Annuaire de l'administration.",
        )
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if "type" in frame.columns:  # keep the main town hall when annexes are listed too
        frame = frame.sort_values("type", key=lambda s: s.ne("COM"))
    frame = frame.drop_duplicates("code")
    hours = [
        parse_mairie_hours(raw, where=f"la mairie {code}")
        for code, raw in zip(frame["code"], frame.get("horaires", [None] * len(frame)), strict=True)
    ]
    out = gpd.GeoDataFrame(
        {
            "name": frame["nom"].astype(str).map(townhall_name),
            "address": _column(frame, "adresse").str.replace("\n", ", "),
            "phone": phone_column(map(official_phone, _column(frame, "telephone")), frame.index),
            "hours": hours,
        },
        geometry=frame.geometry.values,
        crs="EPSG:4326",
    )
    out.index = pd.Index(frame["code"].astype(str), name="code")
    return out
