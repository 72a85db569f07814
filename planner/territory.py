"""The validated :class:`Territory`: what every engine reads.

All GeoDataFrames are in EPSG:4326 (lon/lat); engines project to EPSG:2154 themselves.

``communes`` (index ``code``, INSEE code as text)
    ``name``, ``departement``, ``arrondissement``, ``epci`` (SIREN), ``population`` (int, legal
    population), ``young`` (float, estimated 16-25 population, see ``young_method``),
    ``frr_class`` (a :class:`planner.taxonomy.FrrClass` value), ``qpv`` (bool), ``qpv_codes``
    (comma-separated), ``lon``/``lat`` (town hall point, or a point inside the polygon),
    ``townhall_hours`` (:class:`planner.hours.WeeklyHours` or None), ``townhall_phone`` (the
    town hall's public switchboard, « 03 80 61 01 94 », or None), ``geometry`` (polygon).
``qpv`` (index ``code``)
    ``name``, ``communes`` (comma-separated INSEE codes), ``geometry``.
``partners`` (index ``id``)
    ``name``, ``type`` (:class:`planner.taxonomy.PartnerType` value), ``commune``, ``hours``
    (WeeklyHours), ``can_host_van`` (bool), ``power``, ``parking`` (tri-state, object dtype: True
    « oui », False « non », None « à vérifier » when no source says, see
    :mod:`planner.amenities`), ``fixed_site`` (a fixed contact point such as a fixed France
    Services), ``source``, ``phone`` (the place's public reception number, « 03 80 61 01 94 »,
    never a person's; None when no source gives it, :mod:`geo_data.phone`), ``geometry``
    (point).
``activity`` (plain DataFrame)
    ``period_start``, ``period_end`` (dates), ``place_id``, ``commune``, ``approach``
    (:class:`planner.taxonomy.Approach` value), ``sessions``, ``contacts``, ``reperes``,
    ``mobilises`` (non-negative integers). Counts only, never individuals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from planner.approaches import MaraudePlace, SessionDefaults
from planner.errors import NotFoundError
from planner.fleet import Base, CalendarSettings, Person, Van
from planner.rules import PlanningRules

if TYPE_CHECKING:  # the readers of geo_data build the frames; the engine only reads them
    import geopandas as gpd

COMMUNE_COLUMNS = (
    "name",
    "departement",
    "arrondissement",
    "epci",
    "population",
    "young",
    "frr_class",
    "qpv",
    "qpv_codes",
    "lon",
    "lat",
    "townhall_hours",
    "townhall_phone",
    "geometry",
)
QPV_COLUMNS = ("name", "communes", "geometry")
PARTNER_COLUMNS = (
    "name",
    "type",
    "commune",
    "hours",
    "can_host_van",
    "power",
    "parking",
    "fixed_site",
    "source",
    "phone",
    "geometry",
)
ACTIVITY_COLUMNS = (
    "period_start",
    "period_end",
    "place_id",
    "commune",
    "approach",
    "sessions",
    "contacts",
    "reperes",
    "mobilises",
)


@dataclass(frozen=True)
class Contact:
    """The Mission Locale's public contact (the spec's ``[contact]``), for the public page, the
    posters and the posts; every field optional (empty: not given)."""

    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    hours: str = ""

    def __bool__(self) -> bool:
        return any((self.phone, self.email, self.website, self.address, self.hours))


@dataclass(frozen=True, eq=False)
class Territory:
    """One Mission Locale territory (or any set of communes), validated.

    The readers of ``geo_data`` build it (``geo_data.loader.load_territory`` from a spec,
    ``geo_data.demo.load_demo_territory``) and run ``geo_data.validation`` on it; the engines
    only read it.

    ``vans`` are the resources: vans and teams (:class:`planner.fleet.Van`, ``kind``);
    ``people`` the crews' members; ``maraudes`` the named public places for street outreach;
    ``session_defaults`` the territory's overrides of the defaults per partner type
    (:data:`planner.approaches.SESSION_DEFAULTS`); ``contact`` the public contact.
    """

    id: str
    name: str
    communes: gpd.GeoDataFrame
    qpv: gpd.GeoDataFrame
    partners: gpd.GeoDataFrame
    bases: tuple[Base, ...]
    vans: tuple[Van, ...]
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    activity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACTIVITY_COLUMNS))
    activity_synthetic: bool = False
    young_method: str = ""
    approximation: str = ""
    sources: tuple[str, ...] = ()
    rules: PlanningRules = field(default_factory=PlanningRules)
    people: tuple[Person, ...] = ()
    maraudes: tuple[MaraudePlace, ...] = ()
    session_defaults: Mapping[str, SessionDefaults] = field(default_factory=dict)
    contact: Contact = field(default_factory=Contact)

    def base(self, base_id: str) -> Base:
        for b in self.bases:
            if b.id == base_id:
                return b
        raise NotFoundError(
            f"Base {base_id!r} inconnue dans le territoire {self.id}.",
            hint=f"Bases connues : {', '.join(b.id for b in self.bases)}.",
        )

    @property
    def fixed_sites(self) -> gpd.GeoDataFrame:
        """Fixed contact points: the bases' places are added by callers; here, fixed partners."""
        return self.partners[self.partners["fixed_site"].astype(bool)]
