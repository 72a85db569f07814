"""Page rendering: the Jinja2 environment (autoescape everywhere) and the page context.

Every page gets ``viewer`` (the logged-in person or None), ``csrf`` (the token the forms and
HTMX requests send back), ``nav`` (the links of the viewer's role) and ``title``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.service.auth import Role
from api.service.web_sessions import Viewer
from geo_data.phone import phone_href

TEMPLATES_DIR = Path(__file__).with_name("templates")
PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_fr(value: dt.date | str | None, *, weekday: bool = True) -> str:
    """« mardi 6 janvier 2027 », « vendredi 1er janvier 2027 »."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS_FR[value.month - 1]} {value.year}"
    return f"{WEEKDAYS_FR[value.weekday()]} {text}" if weekday else text


def moment_fr(value: dt.datetime | None) -> str:
    """« mardi 6 mai 2025 à 14:05 », Europe/Paris (a naive value is UTC, as SQLite gives it)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    here = value.astimezone(PARIS)
    return f"{date_fr(here.date())} à {here:%H:%M}"


def number_fr(value: float | int | None, digits: int = 0) -> str:
    """« 1 234,5 » (narrow no-break space for thousands, decimal comma)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_fr"] = date_fr
    env.filters["number_fr"] = number_fr
    env.filters["moment_fr"] = moment_fr
    env.filters["tel_href"] = phone_href
    return env


templates = Jinja2Templates(env=_environment())


def nav_for(viewer: Viewer | None) -> list[tuple[str, str]]:
    """(label, href) of the main navigation of the viewer's role."""
    if viewer is None:
        return []
    who = viewer.principal
    if who.role in (Role.MANAGER,) and who.territory_id:
        t = who.territory_id
        return [
            ("Territoire", f"/territoires/{t}"),
            ("Partenaires", f"/territoires/{t}/partenaires"),
            ("Planifier", f"/territoires/{t}/planifier"),
            ("Plans", f"/territoires/{t}/plans"),
            ("Activité", f"/territoires/{t}/activite"),
            ("Équipe", f"/territoires/{t}/equipe"),
            ("Journal", f"/territoires/{t}/journal"),
        ]
    if who.role is Role.CONSEILLER and who.territory_id:
        return [
            ("Aujourd'hui", "/terrain"),
            ("La semaine", "/terrain/semaine"),
            ("Activité", f"/territoires/{who.territory_id}/activite"),
        ]
    region = [
        ("Comparaison", "/region/comparaison"),
        ("Carte", "/region/carte"),
        ("Parcours et saisons", "/region/parcours"),
    ]
    if who.role is Role.ARML:
        return [("Région", "/region"), *region]
    return [("Territoires", "/admin"), *region, ("Comptes", "/admin/comptes")]


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None,
    title: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page (or an HTMX fragment) from ``template``."""
    path = request.url.path
    return templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "csrf": viewer.csrf if viewer is not None else context.pop("csrf", ""),
            "nav": nav_for(viewer),
            "current": path,
            "title": title,
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
