"""The manager's rules in a plan request: the spec's ``[planning]`` keys and per-van caps.

The values are checked by the engine's own parser (:mod:`planner.rules_table`), so the API, the
spec and ``plan.json`` accept the same keys with the same French messages; what depends on the
territory (known communes, slots, vans, the shift length) is checked by the route before the
plan is queued (:func:`planner.workflows.rules.with_overrides`).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from api.service.schemas.common import Strict
from planner.errors import InvalidSpecError
from planner.rules_table import parse_rules, parse_working_days


def _french(exc: InvalidSpecError) -> ValueError:
    return ValueError(f"{exc.message} {exc.hint}".strip())


class PinCreate(Strict):
    """A stop held on a weekday and slot (market day)."""

    commune: str = Field(max_length=10, description="Code INSEE.", examples=["21154"])
    weekday: str = Field(
        max_length=10,
        description="Jour, en toutes lettres (lundi ... dimanche).",
        examples=["jeudi"],
    )
    slot: str = Field(max_length=40, description="Créneau du territoire.", examples=["matin"])
    van: str | None = Field(
        default=None, max_length=100, description="Véhicule (par défaut : n'importe lequel)."
    )
    frequency: str = Field(
        default="weekly",
        max_length=20,
        description="weekly (défaut), fortnightly ou monthly.",
        examples=["weekly"],
    )


class PartnerPinCreate(Strict):
    """A session agreed with a partner, held by a team (« chaque premier jeudi matin »)."""

    partner: str = Field(
        max_length=100, description="Identifiant du partenaire.", examples=["fs-2497"]
    )
    weekday: str = Field(max_length=10, description="Jour, en toutes lettres.", examples=["jeudi"])
    slot: str = Field(max_length=40, description="Créneau du territoire.", examples=["matin"])
    team: str | None = Field(
        default=None, max_length=100, description="Équipe (par défaut : n'importe laquelle)."
    )
    frequency: str = Field(
        default="monthly",
        max_length=20,
        description="weekly, fortnightly ou monthly (défaut : toutes les quatre semaines).",
    )
    week_of_month: int | None = Field(
        default=None,
        description="1 à 5 : le n-ième jour de ce nom dans le mois (1 = le premier jeudi).",
        examples=[1],
    )


class EventCreate(Strict):
    """A one-off event (forum, fête, market, sports meeting) held by a van or a team."""

    id: str = Field(
        max_length=60, description="Identifiant de l'événement.", examples=["forum-emploi"]
    )
    name: str = Field(max_length=200, description="Nom affiché.", examples=["Forum de l'emploi"])
    date: str = Field(max_length=10, description="AAAA-MM-JJ.", examples=["2027-01-21"])
    start: str = Field(max_length=5, description="HH:MM.", examples=["14:00"])
    end: str = Field(max_length=5, description="HH:MM.", examples=["17:00"])
    commune: str = Field(max_length=10, description="Code INSEE (sa mairie si pas de point).")
    lon: float | None = Field(default=None, description="Longitude (degrés WGS84).")
    lat: float | None = Field(default=None, description="Latitude (degrés WGS84).")
    host: str | None = Field(default=None, max_length=200, description="Qui accueille.")
    required: bool = Field(default=True, description="Le plan doit le tenir ou dire pourquoi.")
    reperes: float | None = Field(default=None, description="Repérés attendus.")
    contacts: float | None = Field(default=None, description="Contacts attendus.")


class RulesCreate(Strict):
    """Rules that replace, key by key, the territory's ``[planning]`` rules for this plan."""

    access_minutes: int | None = Field(
        default=None,
        description="Minutes en voiture dans lesquelles un arrêt sert une commune (1 à 120).",
        examples=[15],
    )
    exploration_share: float | None = Field(
        default=None,
        description="Part des séances gardée pour explorer (0 à 1).",
        examples=[0.2],
    )
    exclude: list[str] | None = Field(
        default=None, max_length=1000, description="Communes jamais planifiées (codes INSEE)."
    )
    pins: list[PinCreate] | None = Field(
        default=None, max_length=100, description="Arrêts épinglés sur un jour et un créneau."
    )
    frequency: dict[str, str] | None = Field(
        default=None,
        max_length=1000,
        description="Fréquence imposée par commune (weekly, fortnightly, monthly, once).",
        examples=[{"21154": "weekly"}],
    )
    forbid: dict[str, list[str]] | None = Field(
        default=None,
        max_length=1000,
        description="Fréquences interdites par commune (remplacées par la suivante permise).",
        examples=[{"21425": ["weekly"]}],
    )
    partner_pins: list[PartnerPinCreate] | None = Field(
        default=None, max_length=100, description="Séances convenues avec des partenaires."
    )
    events: list[EventCreate] | None = Field(
        default=None, max_length=100, description="Événements ponctuels ajoutés au plan."
    )

    @field_validator("*")
    @classmethod
    def _one_key(cls, value: Any, info: Any) -> Any:
        if value is None:
            return value
        listed = ("pins", "partner_pins", "events")
        raw = (
            [p.model_dump(exclude_none=True) for p in value] if info.field_name in listed else value
        )
        try:
            parse_rules({info.field_name: raw}, where="rules")
        except InvalidSpecError as exc:
            raise _french(exc) from None
        return value

    @model_validator(mode="after")
    def _together(self) -> RulesCreate:
        try:
            parse_rules(self.table(), where="rules")
        except InvalidSpecError as exc:
            raise _french(exc) from None
        return self

    def table(self) -> dict[str, Any]:
        """The given keys in the :mod:`planner.rules_table` format."""
        return self.model_dump(exclude_none=True)


class VanCapsCreate(Strict):
    """Per-van caps and working days for this plan; a cap at ``null`` removes the
    territory's cap."""

    max_drive_minutes: int | None = Field(
        default=None, description="Conduite par jour au plus, en minutes.", examples=[180]
    )
    sessions_per_week: int | None = Field(
        default=None, description="Séances par semaine au plus.", examples=[6]
    )
    working_days: list[str] | None = Field(
        default=None,
        max_length=7,
        description="Jours travaillés pour ce plan, en toutes lettres (remplacent ceux du "
        "territoire ; sans la clé : ceux du territoire).",
        examples=[["lundi", "mardi", "jeudi"]],
    )

    @field_validator("max_drive_minutes", "sessions_per_week")
    @classmethod
    def _positive(cls, value: int | None, info: Any) -> int | None:
        if value is not None and value < 1:
            raise ValueError(
                f"{info.field_name} {value} invalide : un entier >= 1 est attendu (null retire "
                "le plafond du territoire)."
            )
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            raise ValueError(
                "working_days : liste non vide de jours attendue, reçu null (retirez la clé "
                "pour garder les jours du territoire)."
            )
        try:
            parse_working_days(value, "working_days")
        except InvalidSpecError as exc:
            raise _french(exc) from None
        return value
