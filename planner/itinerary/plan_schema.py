"""The plan.json schema: every field of a plan's records, defined once.

A plan (:class:`planner.itinerary.plan.Plan`) is written as ``plan.json``: a document whose
lists hold records (``visits``, ``days``, ``dropped``, ``skipped``, and for a re-plan the
``changes`` relative to the plan it repairs) and whose ``solver`` object
says how it was found. Each field of a record is one :class:`PlanField` of the tables below:
its JSON name, JSON type, unit, French description, and where else it appears. The rest is
derived from these tables:

- ``to_json`` / ``from_json`` of the records: :meth:`Record.write` / :meth:`Record.read`;
- the columns of plan.csv: :data:`CSV_COLUMNS` (fields with ``csv``);
- the API answer models ``VisitPublic`` / ``VanDayPublic`` (``api.service.schemas.plans``) and
  the properties of the visit points of plan.geojson (fields with ``geojson``);
- the columns of the ``visits`` table (``api.service.db.models``, fields with ``db``);
- the keys every plan.json record must carry, which the maps draw: :func:`check_plan_json`
  (fields with ``required``).

Clock times are seconds after the visit date's midnight; JSON carries them both as ``HH:MM``
(for people: the fields with ``clock_of``) and as ``*_s`` integers (for exact re-validation).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from planner.errors import InvalidPlanError
from planner.travel import METHODS

#: ``default`` of a field that a document must carry to be read back into a record.
REQUIRED: Any = object()
#: The JSON types a field may have (as the API documents them).
OPTIONAL_TEXT = str | None
TEXT_LIST = list[str]
KINDS = (str, int, float, bool, dt.date, OPTIONAL_TEXT, TEXT_LIST)
#: Keys every plan.json document carries (besides its records' own keys).
DOCUMENT_KEYS = ("territory", "travel_time_method", "visits", "days")
SCHEMA_HINT = (
    "Régénérez le plan avec « milo plan » : le schéma plan.json est décrit dans "
    "planner/itinerary/plan_schema.py."
)


def hhmm(seconds: int) -> str:
    """``34200`` -> ``"09:30"`` (seconds are floored to the minute)."""
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class PlanField:
    """One field of a plan record.

    Parameters
    ----------
    name
        JSON key; also the plan.csv column, the API field and the store column.
    kind
        JSON type as the API documents it: ``str``, ``int``, ``float``, ``bool``, ``dt.date``
        (ISO text), ``str | None`` (null when the record's text is empty) or ``list[str]`` (a
        tuple on the record).
    description
        French sentence of the OpenAPI document.
    unit
        Unit or format of the value (``"s"``, ``"m"``, ``"HH:MM"``, ``"AAAA-MM-JJ"``...), or
        ``""``.
    clock_of
        For an ``HH:MM`` field: the seconds attribute it shows (written, never read back).
    digits
        Decimals a float keeps in JSON (``None``: all).
    default
        Record value when a document lacks the key; :data:`REQUIRED`: reading needs the key.
    required
        Every plan.json record carries it (the maps draw it): :func:`check_plan_json`.
    csv
        A column of plan.csv.
    geojson
        A property of the visit points of plan.geojson.
    db
        A column of the store's ``visits`` table, with ``db_length`` characters for text.
    """

    name: str
    kind: Any
    description: str
    unit: str = ""
    clock_of: str = ""
    digits: int | None = None
    default: Any = REQUIRED
    required: bool = False
    csv: bool = False
    geojson: bool = False
    db: bool = False
    db_length: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TypeError(f"{self.name}: JSON type {self.kind!r} not in {KINDS}")
        if self.clock_of and (self.kind is not str or self.db):
            raise TypeError(f"{self.name}: an HH:MM field is JSON text, not stored")
        if self.digits is not None and self.kind is not float:
            raise TypeError(f"{self.name}: digits only round a float")
        if self.db and (self.db_length > 0) != (self.kind in (str, OPTIONAL_TEXT)):
            raise TypeError(f"{self.name}: a stored text column needs db_length, others none")

    @property
    def derived(self) -> bool:
        """Written from another attribute (``clock_of``), not read back."""
        return bool(self.clock_of)

    def write(self, record: object) -> Any:
        """The JSON value of this field of ``record``."""
        if self.clock_of:
            return hhmm(getattr(record, self.clock_of))
        value = getattr(record, self.name)
        if self.kind is dt.date:
            return value.isoformat()
        if self.kind == OPTIONAL_TEXT:
            return value or None
        if self.kind == TEXT_LIST:
            return list(value)
        return value if self.digits is None else round(value, self.digits)

    def read(self, value: Any) -> Any:
        """The record value of the JSON ``value`` (``ValueError``/``TypeError`` if unreadable)."""
        if self.kind is dt.date:
            return dt.date.fromisoformat(value)
        if self.kind == OPTIONAL_TEXT:
            return value or ""
        if self.kind == TEXT_LIST:
            return tuple(value)
        return self.kind(value)


def plan_error(source: str, what: str, got: object) -> InvalidPlanError:
    """The error of a plan document that does not follow this schema."""
    return InvalidPlanError(f"Plan {source} : {what} (reçu : {got!r}).", hint=SCHEMA_HINT)


@dataclass(frozen=True)
class Record:
    """The fields of one kind of plan record, in JSON order; ``what`` names one in messages."""

    what: str
    fields: tuple[PlanField, ...]

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def csv_columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.csv)

    @property
    def geojson_keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.geojson)

    @property
    def stored(self) -> tuple[PlanField, ...]:
        return tuple(f for f in self.fields if f.db)

    @property
    def attributes(self) -> tuple[str, ...]:
        """The record attributes the fields are read into (the dataclass's fields, in order)."""
        return tuple(f.name for f in self.fields if not f.derived)

    def write(self, record: object) -> dict[str, Any]:
        """The JSON object of ``record`` (keys in schema order)."""
        return {f.name: f.write(record) for f in self.fields}

    def read(self, document: Any, *, source: str = "fourni") -> dict[str, Any]:
        """Attribute values of the record written as ``document`` (keyword arguments)."""
        if not isinstance(document, dict):
            raise plan_error(source, f"{self.what} : un objet est attendu", document)
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.derived:
                continue
            if f.name not in document:
                if f.default is REQUIRED:
                    raise plan_error(source, f"{self.what} sans {f.name}", sorted(document))
                out[f.name] = f.default
                continue
            try:
                out[f.name] = f.read(document[f.name])
            except (TypeError, ValueError):
                what = f"{self.what} : {f.name} illisible" + (f" ({f.unit})" if f.unit else "")
                raise plan_error(source, what, document[f.name]) from None
        return out


class PlanRecord:
    """Base of the plan's record dataclasses: JSON written and read by their :attr:`schema`."""

    schema: ClassVar[Record]

    def to_json(self) -> dict[str, Any]:
        return self.schema.write(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Self:
        return cls(**cls.schema.read(d))


# -- the tables ----------------------------------------------------------------------------

_CLOCK = "s après minuit"

VISIT = Record(
    "visite",
    (
        PlanField("date", dt.date, "Date de la séance.", unit="AAAA-MM-JJ",
                  required=True, csv=True, geojson=True, db=True),
        PlanField("van", str, "Véhicule / équipe.",
                  required=True, csv=True, geojson=True, db=True, db_length=100),
        PlanField("slot", str, "Créneau (matin, apres-midi).",
                  required=True, csv=True, geojson=True, db=True, db_length=40),
        PlanField("stop_id", str, "Arrêt (code INSEE de la commune).",
                  required=True, csv=True, geojson=True, db=True, db_length=100),
        PlanField("stop_name", str, "Nom de l'arrêt.", default="",
                  required=True, csv=True, geojson=True, db=True, db_length=200),
        PlanField("commune", str, "Code INSEE.", default="",
                  required=True, csv=True, geojson=True, db=True, db_length=5),
        PlanField("lon", float, "Longitude du lieu de stationnement.", unit="degré WGS84",
                  digits=6, default=0.0, required=True, csv=True, db=True),
        PlanField("lat", float, "Latitude du lieu de stationnement.", unit="degré WGS84",
                  digits=6, default=0.0, required=True, csv=True, db=True),
        PlanField("arrival", str, "Arrivée (HH:MM).", unit="HH:MM", clock_of="arrival_s",
                  required=True, csv=True, geojson=True),
        PlanField("start", str, "Début de séance (HH:MM).", unit="HH:MM", clock_of="start_s",
                  required=True, csv=True, geojson=True),
        PlanField("end", str, "Fin de séance (HH:MM).", unit="HH:MM", clock_of="end_s",
                  required=True, csv=True, geojson=True),
        PlanField("arrival_s", int, "Arrivée en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("start_s", int, "Début en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("end_s", int, "Fin en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("host", OPTIONAL_TEXT, "Partenaire qui accueille, ou null (place publique).",
                  default="", csv=True, geojson=True, db=True, db_length=200),
        PlanField("need", float, "Besoin servi : score de besoin de la commune (0 à 100, "
                  "le même que need.csv).", unit="points sur 100", digits=3, default=0.0,
                  csv=True, geojson=True),
        PlanField("frr_class", str, "Classe FRR de la commune.", default="inconnue", csv=True),
        PlanField("qpv", bool, "Commune avec un QPV.", default=False, csv=True),
        PlanField("to_check", str, "Équipements dont la séance a besoin et que personne n'a "
                  "confirmés sur le lieu (« stationnement à vérifier ») ; vide si rien.",
                  default="", csv=True, geojson=True, db=True, db_length=200),
    ),
)  # fmt: skip

VAN_DAY = Record(
    "journée",
    (
        PlanField("van", str, "Véhicule.", required=True),
        PlanField("date", dt.date, "Jour.", unit="AAAA-MM-JJ", required=True),
        PlanField("leave_base", str, "Départ de la base (HH:MM).", unit="HH:MM",
                  clock_of="leave_base_s", required=True),
        PlanField("return_base", str, "Retour à la base (HH:MM).", unit="HH:MM",
                  clock_of="return_base_s", required=True),
        PlanField("leave_base_s", int, "Départ en secondes après minuit.", unit=_CLOCK),
        PlanField("return_base_s", int, "Retour en secondes après minuit.", unit=_CLOCK),
        PlanField("drive_s", int, "Temps de conduite (s).", unit="s", required=True),
        PlanField("drive_m", int, "Distance (m).", unit="m", required=True),
        PlanField("stops", TEXT_LIST, "Arrêts dans l'ordre.", default=()),
    ),
)  # fmt: skip

DROPPED = Record(
    "arrêt écarté",
    (
        PlanField("stop_id", str, "Arrêt écarté."),
        PlanField("stop_name", str, "Nom de l'arrêt.", default=""),
        PlanField("reason", str, "Raison, en français."),
        PlanField("required", bool, "Arrêt obligatoire qui n'a pu être placé.", default=False),
    ),
)

SKIPPED = Record(
    "répétition sautée",
    (
        PlanField("stop_id", str, "Arrêt."),
        PlanField("date", dt.date, "Date sans journée de véhicule.", unit="AAAA-MM-JJ"),
        PlanField("reason", str, "Raison, en français (jour férié, fermeture...)."),
    ),
)

CHANGE = Record(
    "changement",
    (
        PlanField("change", str, "Nature du changement : removed (visite retirée), added "
                  "(visite ajoutée), moved (date, créneau ou véhicule changé), retimed "
                  "(même séance, heure d'arrivée changée par la tournée du jour)."),
        PlanField("label", str, "Libellé en français (visite annulée, visite déplacée...)."),
        PlanField("stop_id", str, "Arrêt."),
        PlanField("stop_name", str, "Nom de l'arrêt.", default=""),
        PlanField("date", dt.date, "Date de la visite dans le plan d'origine (ajout : dans le "
                  "nouveau plan).", unit="AAAA-MM-JJ"),
        PlanField("van", str, "Véhicule (plan d'origine ; ajout : nouveau plan)."),
        PlanField("slot", str, "Créneau (plan d'origine ; ajout : nouveau plan)."),
        PlanField("new_date", OPTIONAL_TEXT, "Nouvelle date d'une visite déplacée, ou null.",
                  unit="AAAA-MM-JJ", default=""),
        PlanField("new_van", OPTIONAL_TEXT, "Nouveau véhicule d'une visite déplacée, ou null.",
                  default=""),
        PlanField("new_slot", OPTIONAL_TEXT, "Nouveau créneau d'une visite déplacée, ou null.",
                  default=""),
        PlanField("reason", str, "Pourquoi, en français.", default=""),
    ),
)  # fmt: skip

SOLVER = Record(
    "information du solveur",
    (
        PlanField("name", str, "Moteur (local, pyvrp, ortools, greedy)."),
        PlanField("seed", int, "Graine : même graine, même plan."),
        PlanField("time_s", float, "Temps de calcul.", unit="s", digits=3),
        PlanField("time_limit_s", float, "Limite de calcul.", unit="s", default=0.0),
        PlanField("objective", int, "Valeur (entière) de l'objectif du plan."),
        PlanField("bound", int, "Borne supérieure valide de l'objectif."),
        PlanField("gap_pct", float, "Écart entre l'objectif et la borne.", unit="%", digits=4),
        PlanField("iterations", int, "Itérations de la recherche.", default=0),
    ),
)

#: The columns of plan.csv, in order.
CSV_COLUMNS = VISIT.csv_columns


def _check_items(plan: dict[str, Any], key: str, record: Record, source: str) -> None:
    items = plan[key]
    if not isinstance(items, list):
        raise plan_error(source, f"« {key} » doit être une liste", type(items).__name__)
    dates = [f for f in record.fields if f.required and f.kind is dt.date]
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise plan_error(source, f"{key}[{i}] doit être un objet", item)
        missing = [k for k in record.required_keys if k not in item]
        if missing:
            raise plan_error(source, f"{key}[{i}] sans {', '.join(missing)}", sorted(item))
        for f in dates:
            try:
                dt.date.fromisoformat(str(item[f.name]))
            except ValueError:
                what = f"{key}[{i}] : {f.name} attendue {f.unit}"
                raise plan_error(source, what, item[f.name]) from None


def check_plan_json(plan: Any, *, source: str = "fourni") -> None:
    """Raise :class:`InvalidPlanError` when ``plan`` does not follow the plan.json schema.

    Checks what every reader relies on: the document keys, the travel-time method, and the
    required keys, dates and WGS84 positions of the visits and van days.
    """
    if not isinstance(plan, dict):
        raise plan_error(source, "un objet JSON est attendu", type(plan).__name__)
    missing = [k for k in DOCUMENT_KEYS if k not in plan]
    if missing:
        raise plan_error(source, f"clé(s) absente(s) : {', '.join(missing)}", sorted(plan))
    if plan["travel_time_method"] not in METHODS:
        raise plan_error(
            source, "travel_time_method doit valoir osm ou estimate", plan["travel_time_method"]
        )
    _check_items(plan, "visits", VISIT, source)
    _check_items(plan, "days", VAN_DAY, source)
    for i, v in enumerate(plan["visits"]):
        lon, lat = v["lon"], v["lat"]
        ok = all(isinstance(x, int | float) and math.isfinite(x) for x in (lon, lat))
        if not ok or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise plan_error(source, f"visits[{i}] : lon/lat hors des bornes WGS84", (lon, lat))
