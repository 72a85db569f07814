"""Build a validated :class:`Territory` from a spec and the official data.

``load_territory(spec_path)`` is the usual entry point; ``build_territory(spec, official)`` lets
a region build many territories from one parse of the official files.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from shapely.ops import unary_union

from geo_data import validation as v
from geo_data.official import OfficialData, load_official
from geo_data.phone import phone_column
from geo_data.spec import BaseEntry, TerritorySpec, read_spec
from geo_data.spec_approaches import MaraudeEntry
from geo_data.text import townhall_name
from geo_data.user_files import parse_activity, parse_partners, parse_young, read_table
from geo_data.young import estimate_young
from planner.approaches import MaraudePlace
from planner.errors import InvalidSpecError
from planner.fleet import Base
from planner.rules_table import check_rules
from planner.taxonomy import FrrClass, PartnerType
from planner.territory import COMMUNE_COLUMNS, PARTNER_COLUMNS, Territory

TOWNHALL_MAX_OFFSET_M = 2000.0


def load_territory(spec_path: Path, *, data_dir: Path | None = None) -> Territory:
    """Read a spec file and build its territory from the official files."""
    spec = read_spec(Path(spec_path))
    return build_territory(spec, load_official(folder=data_dir))


def select_communes(spec: TerritorySpec, official: OfficialData) -> list[str]:
    """Current communes of the spec's EPCIs and commune list, checked against the official data."""
    epci = official.epci
    known_epci = set(epci["epci"])
    unknown = [code for code in spec.epci if code not in known_epci]
    if unknown:
        raise InvalidSpecError(
            f"territory.epci : EPCI inconnu(s) {unknown} dans les données de la région.",
            hint="Utilisez le SIREN à 9 chiffres de l'EPCI (liste : epci.json d'Etalab).",
        )
    codes = list(epci.index[epci["epci"].isin(spec.epci)])
    current = official.current
    for code in spec.communes:
        if code in current.index:
            codes.append(code)
            continue
        if code in official.communes.index:
            chef = official.communes.loc[code, "chef_lieu"]
            raise InvalidSpecError(
                f"territory.communes : {code} est une commune déléguée ou associée, pas une "
                "commune actuelle.",
                hint=f"Utilisez le code de la commune nouvelle {chef}.",
            )
        raise InvalidSpecError(
            f"territory.communes : code INSEE {code} inconnu dans la région.",
            hint="Vérifiez le code (5 caractères, par exemple 21425 pour Montbard).",
        )
    codes = [c for c in dict.fromkeys(codes) if c in current.index]
    if not codes:
        raise InvalidSpecError(
            "Le territoire ne contient aucune commune actuelle.",
            hint="Vérifiez les listes epci et communes.",
        )
    return codes


def build_communes(codes: list[str], official: OfficialData, young_real: pd.Series | None):
    """The communes GeoDataFrame of the territory (see :mod:`planner.territory`)."""
    rows = official.current.loc[codes]
    geometry = official.contours.reindex(codes)
    missing = [c for c in codes if geometry.get(c) is None]
    if missing:
        raise InvalidSpecError(
            f"Contours introuvables pour les communes {missing[:5]} ({len(missing)} en tout).",
            hint="Mettez à jour les fichiers de contours dans MILO_DATA_DIR.",
        )
    qpv_by_commune: dict[str, list[str]] = {}
    for code_qp, communes in official.qpv["communes"].items():
        for commune in communes.split(","):
            qpv_by_commune.setdefault(commune, []).append(str(code_qp))
    young, method = estimate_young(rows["population"], young_real)
    frame = gpd.GeoDataFrame(
        {
            "name": rows["name"],
            "departement": rows["departement"],
            "arrondissement": rows["arrondissement"],
            "epci": official.epci["epci"].reindex(codes).fillna("").to_numpy(),
            "population": rows["population"].astype("int64"),
            "young": young.to_numpy(),
            "frr_class": official.frr.reindex(codes).fillna(FrrClass.INCONNUE.value).to_numpy(),
            "qpv_codes": [",".join(qpv_by_commune.get(c, [])) for c in codes],
        },
        geometry=geometry.to_numpy(),
        crs="EPSG:4326",
        index=pd.Index(codes, name="code"),
    )
    frame["qpv"] = frame["qpv_codes"] != ""
    _add_townhalls(frame, official.mairies)
    return frame[list(COMMUNE_COLUMNS)], method


def _add_townhalls(frame: gpd.GeoDataFrame, mairies: gpd.GeoDataFrame) -> None:
    """Town-hall point, hours and public phone per commune; a point farther than 2 km from its
    polygon, or none, is replaced by a point inside the polygon (counted in
    ``frame.attrs['townhalls_moved']``)."""
    metric = frame.to_crs("EPSG:2154")
    halls = mairies.reindex(frame.index)
    hall_points = gpd.GeoSeries(halls.geometry.to_numpy(), index=frame.index, crs="EPSG:4326")
    inside = metric.representative_point().to_crs("EPSG:4326")
    hall_metric = hall_points.to_crs("EPSG:2154")
    far = hall_points.isna() | (hall_metric.distance(metric.geometry) > TOWNHALL_MAX_OFFSET_M)
    points = hall_points.where(~far, inside)
    frame["lon"] = points.x.round(6)
    frame["lat"] = points.y.round(6)
    frame["townhall_hours"] = halls["hours"].to_numpy()
    phones = halls["phone"] if "phone" in halls.columns else [None] * len(frame)
    frame["townhall_phone"] = phone_column(phones, frame.index)
    frame.attrs["townhalls_moved"] = int(far.sum())


def build_partners(
    communes: gpd.GeoDataFrame, official: OfficialData, spec: TerritorySpec
) -> gpd.GeoDataFrame:
    """France Services of the territory, its town halls, and the user's partners.

    Town halls: the Annuaire de l'administration says nothing of electricity (``power`` None,
    « à vérifier »); ``parking`` is True by the project's declared assumption that a van can
    park on the square by the town hall (the same assumption as the public-square fallback of
    :mod:`planner.workflows.itinerary_input`).
    """
    fs = official.france_services[official.france_services["commune"].isin(communes.index)]
    halls = gpd.GeoDataFrame(
        {
            "name": communes["name"].astype(str).map(townhall_name).to_numpy(),
            "type": PartnerType.MAIRIE.value,
            "commune": communes.index.to_numpy(),
            "hours": communes["townhall_hours"].to_numpy(),
            "can_host_van": True,
            "power": [None] * len(communes),
            "parking": True,
            "fixed_site": False,
            "source": "Annuaire de l'administration",
        },
        geometry=gpd.points_from_xy(communes["lon"], communes["lat"]),
        crs="EPSG:4326",
        index=pd.Index("mairie-" + communes.index, name="id"),
    )
    halls["phone"] = phone_column(communes["townhall_phone"], halls.index)
    parts = [halls[list(PARTNER_COLUMNS)], fs[list(PARTNER_COLUMNS)]]
    if "partners" in spec.data:
        user = parse_partners(read_table(spec.data["partners"]), source=spec.data["partners"].name)
        area = unary_union(list(communes.geometry))
        v.require_inside(user, area, what="Partenaires (fichier utilisateur)")
        parts.append(user[list(PARTNER_COLUMNS)])
    partners = gpd.GeoDataFrame(pd.concat(parts), crs="EPSG:4326")
    v.require_ids(partners, what="Partenaires")
    return partners


def build_bases(specs: tuple[BaseEntry, ...], communes: gpd.GeoDataFrame) -> tuple[Base, ...]:
    area = unary_union(list(communes.geometry))
    bases = []
    for b in specs:
        if b.commune is not None:
            if b.commune not in communes.index:
                raise InvalidSpecError(
                    f"bases ({b.id}) : la commune {b.commune} n'est pas dans le territoire.",
                    hint="Choisissez une commune du territoire ou ajoutez-la à [territory].",
                )
            lon, lat = communes.loc[b.commune, ["lon", "lat"]]
            commune = b.commune
        else:
            assert b.lon is not None and b.lat is not None
            lon, lat = b.lon, b.lat
            point = gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")
            try:
                v.require_inside(point, area, what=f"bases ({b.id})", tolerance_m=1000.0)
            except ValueError as exc:
                raise InvalidSpecError(
                    f"bases ({b.id}) : le point ({lon}, {lat}) est hors du territoire.",
                    hint="Vérifiez lon et lat (ordre longitude, latitude).",
                ) from exc
            hit = communes.index[communes.geometry.contains(point.geometry.iloc[0])]
            commune = str(hit[0]) if len(hit) else ""
        bases.append(Base(b.id, b.name, commune, float(lon), float(lat), b.kind))
    return tuple(bases)


def build_maraudes(
    entries: tuple[MaraudeEntry, ...], communes: gpd.GeoDataFrame, qpv: gpd.GeoDataFrame
) -> tuple[MaraudePlace, ...]:
    """Place each ``[[maraudes]]`` entry: its point, or a point inside its QPV; with its
    commune and the QPV it lies in."""
    out = []
    for m in entries:
        if m.lon is None or m.lat is None:
            if m.qpv not in qpv.index:
                raise InvalidSpecError(
                    f"maraudes ({m.id}) : QPV {m.qpv!r} absent du territoire.",
                    hint=f"QPV du territoire : {', '.join(sorted(qpv.index)) or 'aucun'}.",
                )
            point = qpv.loc[m.qpv].geometry.representative_point()
            lon, lat = float(point.x), float(point.y)
        else:
            lon, lat = m.lon, m.lat
        here = Point(lon, lat)
        hit = communes.index[communes.geometry.contains(here)]
        if not len(hit):
            raise InvalidSpecError(
                f"maraudes ({m.id}) : le point ({lon}, {lat}) est hors du territoire.",
                hint="Vérifiez lon et lat (ordre longitude, latitude).",
            )
        in_qpv = qpv.index[qpv.geometry.contains(here)] if len(qpv) else []
        out.append(
            MaraudePlace(
                id=m.id,
                name=m.name,
                lon=lon,
                lat=lat,
                commune=str(hit[0]),
                qpv=m.qpv or (str(in_qpv[0]) if len(in_qpv) else ""),
                private=m.private,
                session_min=m.session_min,
            )
        )
    return tuple(out)


def build_territory(spec: TerritorySpec, official: OfficialData) -> Territory:
    """Assemble and validate the territory described by ``spec``."""
    codes = select_communes(spec, official)
    young_real = None
    if "young" in spec.data:
        young_real = parse_young(read_table(spec.data["young"]), source=spec.data["young"].name)
    communes, method = build_communes(codes, official, young_real)
    qpv = official.qpv[
        official.qpv["communes"].map(lambda s: any(c in communes.index for c in s.split(",")))
    ]
    activity = None
    if "activity" in spec.data:
        activity = parse_activity(
            read_table(spec.data["activity"]), source=spec.data["activity"].name
        )
    partners = build_partners(communes, official, spec)
    territory = Territory(
        id=spec.id,
        name=spec.name,
        communes=communes,
        qpv=qpv,
        partners=partners,
        bases=build_bases(spec.bases, communes),
        vans=spec.vans,
        calendar=spec.calendar,
        young_method=method,
        approximation=spec.approximation,
        sources=official.attributions(),
        rules=spec.rules,
        people=spec.people,
        maraudes=build_maraudes(spec.maraudes, communes, qpv),
        session_defaults=spec.session_defaults,
        contact=spec.contact,
        **({"activity": activity} if activity is not None else {}),
    )
    check_rules(
        spec.rules,
        communes=communes.index,
        slots=spec.calendar.slots,
        vans=spec.vans,
        partners=partners.index,
    )
    validate_territory(territory)
    return territory


def validate_territory(territory: Territory) -> None:
    """Run the structural rules on an assembled territory (also used for the embedded demo)."""
    v.require_ids(territory.communes, what="Communes")
    v.require_crs(territory.communes, what="Communes")
    v.require_valid_geometries(territory.communes, what="Communes")
    v.require_crs(territory.qpv, what="QPV")
    v.require_valid_geometries(territory.qpv, what="QPV")
    v.require_ids(territory.partners, what="Partenaires")
    v.require_crs(territory.partners, what="Partenaires")
    v.require_valid_geometries(territory.partners, what="Partenaires")
    v.require_amenity_states(territory.partners, what="Partenaires")
    known = set(territory.partners.index) | set(territory.communes.index)
    known |= {m.id for m in territory.maraudes} | {f"qpv-{code}" for code in territory.qpv.index}
    known |= {e.id for e in territory.rules.events}
    if not territory.activity.empty:
        v.require_known(
            territory.activity["place_id"],
            known,
            what="Activité, colonne place_id",
            hint="place_id doit être un identifiant de partenaire (mairie-21425...) ou un code "
            "INSEE de commune du territoire.",
        )
