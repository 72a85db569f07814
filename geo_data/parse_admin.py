"""Pure parsers of the administrative official formats (bytes/text in, frames out).

Communes and EPCI (Etalab ``decoupage-administratif`` JSON), commune contours (france-geojson,
COG 2018 codes), FRR classes (DGCL CSV, ``;``) and QPV 2024 polygons (ANCT GeoJSON).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely import make_valid
from shapely.ops import unary_union

from planner.errors import InvalidTerritoryError
from planner.taxonomy import FRR_FROM_DGCL


def _json(data: bytes | str, what: str) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise InvalidTerritoryError(
            f"{what} : JSON illisible ({exc.msg}, ligne {exc.lineno}).",
            hint="Vérifiez que le fichier est complet et au format JSON.",
        ) from None


def parse_communes(data: bytes | str, *, region: str | None = None) -> pd.DataFrame:
    """Etalab ``communes.json`` -> every row (current, delegated, associated communes).

    Columns: ``code`` (index), ``name``, ``type``, ``departement``, ``arrondissement``,
    ``region``, ``population`` (0 where absent), ``chef_lieu`` (for delegated/associated),
    ``anciens_codes`` (tuple).
    """
    rows = _json(data, "Communes")
    if not isinstance(rows, list) or (rows and not isinstance(rows[0], dict)):
        raise InvalidTerritoryError(
            "Communes : liste d'objets attendue (format Etalab communes.json).",
            hint="Utilisez data/communes.json du paquet @etalab/decoupage-administratif.",
        )
    records = []
    for row in rows:
        if region is not None and row.get("region") != region:
            continue
        if "code" not in row or "nom" not in row:
            raise InvalidTerritoryError(
                f"Communes : champ 'code' ou 'nom' absent dans {str(row)[:80]}.",
                hint="Utilisez le format Etalab communes.json sans le modifier.",
            )
        records.append(
            {
                "code": str(row["code"]),
                "name": row["nom"],
                "type": row.get("type", "commune-actuelle"),
                "departement": row.get("departement", ""),
                "arrondissement": row.get("arrondissement", ""),
                "region": row.get("region", ""),
                "population": int(row.get("population") or 0),
                "chef_lieu": row.get("chefLieu", ""),
                "anciens_codes": tuple(row.get("anciensCodes", ())),
            }
        )
    return pd.DataFrame.from_records(records).set_index("code", drop=True)


def parse_epci(data: bytes | str) -> pd.DataFrame:
    """Etalab ``epci.json`` -> one row per member commune: ``commune`` (index), ``epci``,
    ``epci_name``, ``epci_type``."""
    rows = _json(data, "EPCI")
    if not isinstance(rows, list):
        raise InvalidTerritoryError(
            "EPCI : liste d'objets attendue (format Etalab epci.json).",
            hint="Utilisez data/epci.json du paquet @etalab/decoupage-administratif.",
        )
    records = []
    for epci in rows:
        for member in epci.get("membres", []):
            records.append(
                {
                    "commune": str(member["code"]),
                    "epci": str(epci["code"]),
                    "epci_name": epci.get("nom", ""),
                    "epci_type": epci.get("type", ""),
                }
            )
    frame = pd.DataFrame.from_records(
        records, columns=["commune", "epci", "epci_name", "epci_type"]
    )
    return frame.drop_duplicates("commune").set_index("commune")


def read_geojson_bytes(data: bytes, what: str) -> gpd.GeoDataFrame:
    """GeoJSON bytes -> GeoDataFrame (EPSG:4326 when the file declares no CRS, as RFC 7946 says)."""
    try:
        frame = pyogrio.read_dataframe(io.BytesIO(data))
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InvalidTerritoryError(
            f"{what} : GeoJSON illisible ({exc}).",
            hint="Vérifiez que le fichier est un GeoJSON complet.",
        ) from None
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame.to_crs("EPSG:4326")


@dataclass(frozen=True)
class ContourMatch:
    """Contours keyed by current commune code, and how many 2018 codes found no current commune."""

    contours: gpd.GeoSeries
    n_source: int
    failed: tuple[str, ...]


def match_contours(contours_2018: gpd.GeoDataFrame, communes: pd.DataFrame) -> ContourMatch:
    """Map 2018 contour codes to current communes and dissolve merged ones.

    A 2018 code maps to itself when still current, to the current commune that lists it in
    ``anciens_codes``, or to the ``chef_lieu`` of the delegated/associated commune it became.
    """
    current = communes[communes["type"] == "commune-actuelle"]
    mapping: dict[str, str] = {code: code for code in current.index}
    for code, row in current.iterrows():
        for old in row["anciens_codes"]:
            mapping.setdefault(old, str(code))
    others = communes[communes["type"] != "commune-actuelle"]
    for code, row in others.iterrows():
        if row["chef_lieu"] in mapping:
            mapping.setdefault(str(code), mapping[row["chef_lieu"]])
    codes = contours_2018["code"].astype(str)
    target = codes.map(mapping)
    failed = tuple(sorted(codes[target.isna()]))
    matched = contours_2018.assign(target=target).dropna(subset=["target"])
    geoms = matched.groupby("target")["geometry"].agg(lambda g: make_valid(unary_union(list(g))))
    series = gpd.GeoSeries(geoms, crs=contours_2018.crs)
    series.index.name = "code"
    return ContourMatch(series, len(contours_2018), failed)


def parse_frr(text: str) -> pd.Series:
    """DGCL FRR CSV (``;``) -> Series INSEE code -> :class:`FrrClass` value (category kept)."""
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    code_col = next((c for c in frame.columns if c.lower().startswith("code_insee")), None)
    class_col = next((c for c in frame.columns if "classement" in c.lower()), None)
    if code_col is None or class_col is None:
        raise InvalidTerritoryError(
            "FRR : colonnes 'Code_insee' et 'Classement ...' attendues, "
            f"reçu {list(frame.columns)}.",
            hint="Utilisez le fichier CSV de la DGCL sans renommer ses colonnes (séparateur ;).",
        )
    labels = frame[class_col].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    unknown = sorted(set(labels) - set(FRR_FROM_DGCL))
    if unknown:
        raise InvalidTerritoryError(
            f"FRR : classement(s) inconnu(s) {unknown[:5]} (attendu l'un de "
            f"{sorted(FRR_FROM_DGCL)}).",
            hint="Vérifiez le fichier ou ajoutez la nouvelle classe à planner/taxonomy.py.",
        )
    values = labels.map(lambda s: FRR_FROM_DGCL[s].value)
    return pd.Series(values.to_numpy(), index=frame[code_col].str.zfill(5), name="frr_class")


def parse_qpv(data: bytes) -> gpd.GeoDataFrame:
    """ANCT QPV 2024 GeoJSON -> ``code`` (index), ``name``, ``communes`` (comma-separated codes)."""
    frame = read_geojson_bytes(data, "QPV")
    missing = {"code_qp", "lib_qp", "insee_com"} - set(frame.columns)
    if missing:
        raise InvalidTerritoryError(
            f"QPV : colonnes manquantes {sorted(missing)}.",
            hint="Utilisez le GeoJSON « Périmètre des QPV 2024 » de l'ANCT.",
        )
    communes = frame["insee_com"].astype(str).str.replace(" ", "", regex=False)
    out = gpd.GeoDataFrame(
        {"name": frame["lib_qp"], "communes": communes},
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
    out.index = pd.Index(frame["code_qp"].astype(str), name="code")
    return out
