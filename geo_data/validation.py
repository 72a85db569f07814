"""Every validation rule of territory data, one function per rule, one sentence per message.

Each message says what was expected, what came, and how to fix it (French, for users).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from planner.amenities import AMENITIES, amenity_state
from planner.errors import InvalidTerritoryError, PersonalDataError

#: Column names that look like personal data (compared after lower-casing and removing accents
#: and separators). Activity must be counts per place x period x approach x outcome only.
PERSONAL_PATTERNS = (
    r"^(nom|prenom|prenoms|name|firstname|lastname|surname|fullname|nomcomplet|nomprenom)$",
    r"(telephone|phone|mobile|portable|^tel$|^tel\d?$)",
    r"(email|courriel|^mail$|e?mail)",
    r"(naissance|birth|dob|^age$|datenaiss)",
    r"(^nir$|securitesociale|numerosecu|ine$|identifiant(jeune|personne))",
    r"^(adressepersonnelle|adressejeune|domicile)$",
)


def _normalise(column: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")
    return re.sub(r"[^a-z0-9]", "", column.lower().translate(table))


def require_no_personal_data(
    columns: Iterable[str],
    *,
    what: str,
    expected: str = "uniquement des comptages par lieu, période, approche et résultat",
    hint: str = "",
) -> None:
    """Refuse any column whose name looks like personal data (names, phone, e-mail, birth date).

    ``expected`` says what the file should hold; ``hint`` is added to the advice."""
    flagged = [c for c in columns if any(re.search(p, _normalise(c)) for p in PERSONAL_PATTERNS)]
    if flagged:
        raise PersonalDataError(
            f"{what} : colonnes qui ressemblent à des données personnelles refusées : "
            f"{flagged} (attendu {expected}).",
            hint="Supprimez ces colonnes : milo-nomade ne stocke aucune donnée personnelle."
            + (f" {hint}" if hint else ""),
        )


def require_ids(frame: pd.DataFrame, *, what: str, column: str | None = None) -> None:
    """Ids (the index, or ``column``) must be present and unique."""
    ids = frame.index.to_series() if column is None else frame[column]
    text = ids.astype("string").str.strip()
    missing = int((ids.isna() | (text == "")).sum())
    if missing:
        raise InvalidTerritoryError(
            f"{what} : {missing} ligne(s) sans identifiant (colonne "
            f"{column or frame.index.name or 'id'}).",
            hint="Donnez un identifiant unique à chaque ligne.",
        )
    duplicated = sorted(set(text[text.duplicated()]))
    if duplicated:
        raise InvalidTerritoryError(
            f"{what} : identifiants en double {duplicated[:5]}.",
            hint="Chaque identifiant doit être unique : renommez ou fusionnez les doublons.",
        )


def require_crs(frame: gpd.GeoDataFrame, *, what: str) -> None:
    """A GeoDataFrame must declare its CRS (never guess between degrees and metres)."""
    if frame.crs is None:
        raise InvalidTerritoryError(
            f"{what} : système de coordonnées (CRS) absent.",
            hint="Déclarez le CRS du fichier (EPSG:4326 pour des longitudes/latitudes, "
            "EPSG:2154 pour du Lambert-93).",
        )


def require_valid_geometries(frame: gpd.GeoDataFrame, *, what: str) -> None:
    """Every geometry must exist, be non-empty and valid."""
    geoms = frame.geometry
    empty = frame.index[geoms.isna() | geoms.is_empty].tolist()
    if empty:
        raise InvalidTerritoryError(
            f"{what} : géométrie absente ou vide pour {empty[:5]}.",
            hint="Complétez ou supprimez ces lignes.",
        )
    invalid = frame.index[~geoms.is_valid].tolist()
    if invalid:
        raise InvalidTerritoryError(
            f"{what} : géométrie invalide (auto-intersection...) pour {invalid[:5]}.",
            hint="Réparez-les (QGIS « Réparer les géométries » ou shapely.make_valid).",
        )


def metric_zone(area: BaseGeometry, *, tolerance_m: float) -> BaseGeometry:
    """``area`` (EPSG:4326) in EPSG:2154 grown by ``tolerance_m``: what :func:`require_inside`
    checks points against (computed once by a caller that checks many points one by one)."""
    zone = gpd.GeoSeries([area], crs="EPSG:4326").to_crs("EPSG:2154").iloc[0]
    return zone.buffer(tolerance_m)


def require_inside(
    points: gpd.GeoDataFrame,
    area: BaseGeometry,
    *,
    what: str,
    tolerance_m: float = 2000.0,
    zone: BaseGeometry | None = None,
) -> None:
    """Points must lie inside the territory (within ``tolerance_m``), checked in EPSG:2154.

    ``zone``: ``metric_zone(area, tolerance_m=tolerance_m)`` when the caller has it already.
    """
    if points.empty:
        return
    metric = points.to_crs("EPSG:2154")
    if zone is None:
        zone = metric_zone(area, tolerance_m=tolerance_m)
    outside = points.index[~metric.geometry.within(zone)].tolist()
    if outside:
        raise InvalidTerritoryError(
            f"{what} : {len(outside)} point(s) hors du territoire (plus de "
            f"{tolerance_m / 1000:.0f} km) : {outside[:5]}.",
            hint="Vérifiez les coordonnées (ordre longitude, latitude) ou retirez ces lieux.",
        )


def require_non_negative_counts(frame: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Counts must be whole numbers >= 0."""
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.index[values.isna() | (values < 0) | (values % 1 != 0)].tolist()
        if bad:
            raise InvalidTerritoryError(
                f"{what} : colonne {column}, valeurs non entières ou négatives aux lignes "
                f"{bad[:5]}.",
                hint="Les comptages sont des entiers >= 0.",
            )


def require_known(values: Iterable[str], known: Iterable[str], *, what: str, hint: str) -> None:
    """Every value must be one of ``known``."""
    allowed = set(known)
    unknown = sorted({v for v in values if v not in allowed})
    if unknown:
        raise InvalidTerritoryError(f"{what} : valeurs inconnues {unknown[:5]}.", hint=hint)


def require_past_dates(dates: pd.Series, *, what: str, today: dt.date | None = None) -> None:
    """Activity cannot be logged for dates in the future."""
    today = today or dt.date.today()
    future = dates.index[dates > pd.Timestamp(today)].tolist()
    if future:
        raise InvalidTerritoryError(
            f"{what} : {len(future)} ligne(s) datée(s) dans le futur (après le {today:%d/%m/%Y}) "
            f": lignes {future[:5]}.",
            hint="L'activité se saisit une fois la séance faite : corrigez les dates.",
        )


def require_columns(frame: pd.DataFrame, required: Iterable[str], *, what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidTerritoryError(
            f"{what} : colonnes obligatoires manquantes {missing} (reçu {list(frame.columns)}).",
            hint="Ajoutez ces colonnes (voir le README, section fichiers utilisateur).",
        )


def require_amenity_states(partners: pd.DataFrame, *, what: str) -> None:
    """Amenities (``power``, ``parking``) are True, False or None (à vérifier), never a guess."""
    missing = [c for c in AMENITIES if c not in partners.columns]
    if missing:
        raise InvalidTerritoryError(
            f"{what} : colonnes d'équipement absentes {missing} (attendu {list(AMENITIES)}).",
            hint="Ajoutez-les : oui, non, ou vide quand l'équipement n'est pas connu "
            "(« à vérifier »).",
        )
    for column in AMENITIES:
        bad = []
        for pid, value in partners[column].items():
            try:
                amenity_state(value)
            except ValueError:
                bad.append((pid, value))
        if bad:
            shown = ", ".join(f"{pid} : {value!r}" for pid, value in bad[:5])
            raise InvalidTerritoryError(
                f"{what} : colonne {column}, {len(bad)} valeur(s) qui ne sont ni oui, ni non, "
                f"ni « à vérifier » ({shown}).",
                hint="Chaque équipement vaut vrai (oui), faux (non) ou vide (à vérifier) : "
                "corrigez ces lignes.",
            )
