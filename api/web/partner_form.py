"""The partner form of the web application: what the manager typed <-> the API's partner body.

The form keeps every value as typed (:class:`PartnerForm`), so a refused form comes back with
nothing lost. :func:`partner_body` turns it into the API's :class:`PartnerCreate` (the same
pydantic checks as ``POST /territories/{id}/partners``, their messages in French); the store
values are then checked by :func:`api.service.routes.partners.partner_values` (a point outside
the territory, unreadable hours... give the API's own French messages).

Web-only conveniences: a decimal comma is read as a point, and a point left empty takes the
chosen commune's point (its town hall), for a manager without the map. The reception's phone is
checked here too (:func:`geo_data.phone.normalise_phone`), so that a bad number marks its field.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.service.db.models import PartnerRow
from api.service.errors import message_fr
from api.service.schemas.territories import PartnerCreate
from geo_data.parse_places import parse_day_text
from geo_data.phone import normalise_phone
from planner.errors import InvalidProblemError, InvalidTerritoryError, MiloError
from planner.hours import DAY_NAMES_FR, WeeklyHours
from planner.territory import Territory

#: amenity choices of the form: value -> (stored state, label)
AMENITY_CHOICES: dict[str, tuple[bool | None, str]] = {
    "oui": (True, "oui"),
    "non": (False, "non"),
    "a_verifier": (None, "à vérifier"),
}
#: form field -> its label (errors name the field as the form does)
LABELS = {
    "name": "Nom du lieu",
    "type": "Type",
    "commune": "Commune",
    "lon": "Longitude",
    "lat": "Latitude",
    "power": "Électricité",
    "parking": "Stationnement du véhicule",
    "phone": "Téléphone de l'accueil",
    **{f"hours_{day}": f"Horaires du {day}" for day in DAY_NAMES_FR},
}
TEXT_MAX = 200


async def read_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form (urlencoded or multipart), read once (the CSRF check read it too);
    its uploaded files are closed after the answer."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(read_form)]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_texts(hours: dict[str, Any] | None) -> dict[str, str]:
    """Stored hours -> one text per weekday (« 09:00-12:00 / 14:00-17:00 », empty: closed
    or unknown)."""
    texts = {day: "" for day in DAY_NAMES_FR}
    if not hours:
        return texts
    weekly = WeeklyHours.from_json(hours)
    if weekly.always_open:
        return texts
    for day, intervals in zip(DAY_NAMES_FR, weekly.days, strict=True):
        texts[day] = " / ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in intervals)
    if not any(texts.values()):  # never open: say it, or saving would make it unknown
        texts = {day: "fermé" for day in DAY_NAMES_FR}
    return texts


SHORT_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def hours_summary(hours: dict[str, Any] | None) -> str:
    """Stored hours in one short line: days with the same hours together (« lun.–mar., jeu.
    08:00-12:00, 13:30-17:00 ; mer. 14:00-17:00 »)."""
    if not hours:
        return "horaires inconnus"
    weekly = WeeklyHours.from_json(hours)
    if weekly.always_open:
        return "sans contrainte d'horaires"
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day, intervals in enumerate(weekly.days):
        if intervals:
            groups.setdefault(tuple(intervals), []).append(day)
    if not groups:
        return "jamais ouvert"
    parts = []
    for intervals, days in groups.items():
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = ", ".join(
            SHORT_DAYS[r[0]] if len(r) == 1 else f"{SHORT_DAYS[r[0]]}–{SHORT_DAYS[r[-1]]}"
            for r in runs
        )
        times = ", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in intervals)
        parts.append(f"{names} {times}")
    return " ; ".join(parts)


def bad_days(form: PartnerForm) -> dict[str, str]:
    """Per weekday field, the message of hours text that cannot be read (to mark the field)."""
    out = {}
    for day, text in form.hours.items():
        try:
            parse_day_text(text, where=f"le {day}")
        except InvalidTerritoryError as exc:
            out[f"hours_{day}"] = exc.message
    return out


def _state_key(value: bool | None) -> str:
    return next(k for k, (state, _) in AMENITY_CHOICES.items() if state is value)


@dataclass
class PartnerForm:
    """The partner form's values, as typed."""

    name: str = ""
    type: str = ""
    commune: str = ""
    lon: str = ""
    lat: str = ""
    hours: dict[str, str] = field(default_factory=lambda: {d: "" for d in DAY_NAMES_FR})
    power: str = "a_verifier"
    parking: str = "a_verifier"
    can_host_van: bool = True
    fixed_site: bool = False
    phone: str = ""

    @classmethod
    def from_row(cls, row: PartnerRow) -> PartnerForm:
        return cls(
            name=row.name,
            type=row.type,
            commune=row.commune,
            lon=str(row.lon),
            lat=str(row.lat),
            hours=day_texts(row.hours),
            power=_state_key(row.power),
            parking=_state_key(row.parking),
            can_host_van=bool(row.can_host_van),
            fixed_site=bool(row.fixed_site),
            phone=row.phone or "",
        )

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> PartnerForm:
        def text(name: str, default: str = "") -> str:
            value = form.get(name, default)
            return value[: TEXT_MAX * 2] if isinstance(value, str) else default

        return cls(
            name=text("name"),
            type=text("type"),
            commune=text("commune").strip(),
            lon=text("lon").strip(),
            lat=text("lat").strip(),
            hours={day: text(f"hours_{day}").strip() for day in DAY_NAMES_FR},
            power=text("power", "a_verifier"),
            parking=text("parking", "a_verifier"),
            can_host_van=text("can_host_van") == "oui",
            fixed_site=text("fixed_site") == "oui",
            phone=text("phone").strip(),
        )


class FormErrors(InvalidProblemError):
    """A refused form: a message and hint for the page, and one message per field."""

    def __init__(self, message: str, *, hint: str = "", fields: dict[str, str] | None = None):
        MiloError.__init__(self, message, hint=hint)
        self.fields: dict[str, str] = fields or {}


def _field_of(loc: tuple[Any, ...]) -> str:
    if loc and loc[0] == "opening_hours" and len(loc) > 1:
        return f"hours_{loc[1]}"
    return str(loc[0]) if loc else ""


def _phone_message(message: str) -> str:
    """The phone's message without the field's name (the form shows it next to the field)."""
    return message.removeprefix("Téléphone de l'accueil, ")


def partner_body(form: PartnerForm, territory: Territory) -> PartnerCreate:
    """The API's partner body of ``form``; :class:`FormErrors` lists what to correct."""
    fields: dict[str, str] = {}
    amenities: dict[str, bool | None] = {}
    for name in ("power", "parking"):
        if form.__dict__[name] not in AMENITY_CHOICES:
            fields[name] = "valeur inconnue, attendu oui, non ou à vérifier"
        else:
            amenities[name] = AMENITY_CHOICES[form.__dict__[name]][0]
    phone = None
    try:
        phone = normalise_phone(form.phone, where="Téléphone de l'accueil")
    except InvalidTerritoryError as exc:
        fields["phone"] = _phone_message(exc.message)
    lon, lat = form.lon.replace(",", "."), form.lat.replace(",", ".")
    communes = territory.communes
    if not lon and not lat and form.commune in communes.index:
        lon, lat = (str(float(communes.loc[form.commune, k])) for k in ("lon", "lat"))
    hours = {day: text for day, text in form.hours.items() if text}
    body = {
        "name": form.name,
        "type": form.type or None,
        "lon": lon or None,
        "lat": lat or None,
        "commune": form.commune or None,
        "opening_hours": hours or None,
        "can_host_van": form.can_host_van,
        "fixed_site": form.fixed_site,
        "phone": phone,
        **amenities,
    }
    try:
        parsed = PartnerCreate.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            name = _field_of(tuple(err.get("loc", ())))
            message = message_fr(err)
            if name == "type" and not err.get("input"):
                message = "champ obligatoire : choisissez un type dans la liste"
            elif err.get("type") == "float_type" and err.get("input") is None:
                message = "champ obligatoire : un nombre décimal, ex. 4,4281"
            elif err.get("type") == "float_parsing":
                message = f"nombre décimal attendu, ex. 4,4281 (reçu « {err.get('input')} »)"
            fields.setdefault(name, message)
        parsed = None
    if fields or parsed is None:
        listed = " ; ".join(f"{LABELS.get(k, k)} : {v}" for k, v in fields.items())
        raise FormErrors(
            f"Formulaire à corriger : {listed}.",
            hint="Corrigez les champs signalés puis enregistrez de nouveau ; vos saisies sont "
            "conservées.",
            fields=fields,
        )
    return parsed
