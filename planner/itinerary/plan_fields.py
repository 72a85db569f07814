"""How one field of a plan record is written to and read from ``plan.json``.

The machinery of :mod:`planner.itinerary.plan_schema` (whose tables say which fields each
record has): :class:`PlanField` (one field: JSON name and type, unit, French description, where
else it appears), :class:`Record` (the fields of one kind of record, in JSON order) and
:class:`PlanRecord` (the base of the record dataclasses, written and read by their record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from planner.errors import InvalidPlanError

#: ``default`` of a field that a document must carry to be read back into a record.
REQUIRED: Any = object()
#: The JSON types a field may have (as the API documents them).
OPTIONAL_TEXT = str | None
OPTIONAL_NUMBER = float | None
TEXT_LIST = list[str]
KINDS = (str, int, float, bool, dt.date, OPTIONAL_TEXT, OPTIONAL_NUMBER, TEXT_LIST)
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
        (ISO text), ``str | None`` (null when the record's text is empty), ``float | None``
        (null: no value) or ``list[str]`` (a tuple on the record).
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
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TypeError(f"{self.name}: JSON type {self.kind!r} not in {KINDS}")
        if self.clock_of and (self.kind is not str or self.db):
            raise TypeError(f"{self.name}: an HH:MM field is JSON text, not stored")
        if self.digits is not None and self.kind not in (float, OPTIONAL_NUMBER):
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
        if value is None or self.digits is None:
            return value
        return round(value, self.digits)

    def read(self, value: Any) -> Any:
        """The record value of the JSON ``value`` (``ValueError``/``TypeError`` if unreadable)."""
        if self.kind is dt.date:
            return dt.date.fromisoformat(value)
        if self.kind == OPTIONAL_TEXT:
            return value or ""
        if self.kind == TEXT_LIST:
            return tuple(value)
        if self.kind == OPTIONAL_NUMBER:
            return None if value is None else float(value)
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
    def csv_fields(self) -> tuple[PlanField, ...]:
        return tuple(f for f in self.fields if f.csv)

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
