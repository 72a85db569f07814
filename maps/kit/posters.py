"""A4 PDF posters: one per public stop (to pin on a notice board) and one sheet per host
partner (the sessions it hosts, to hand to its staff).

Pure functions: the published sessions (:mod:`planner.publication`) and the Mission Locale's
public contact in, PDF bytes out. The HTML comes from ``maps/templates/kit_*.html`` through a
Jinja2 environment with autoescape on (a stop or host name is data, never markup) and is
rendered by WeasyPrint with the system fonts (DejaVu Sans). The QR code is an SVG ``data:`` URI
made by segno; the only resources WeasyPrint may load are ``data:`` URIs (:class:`_DataOnly`),
so a remote URL slipped into a template stops the rendering instead of being fetched.

The caller chooses what to announce: ``dates`` and ``sessions`` are shown as given (sorted by
date and time on the poster, in the given order on the sheet); nothing is read from a file, a
database or the network, not even the clock: ``edited`` (the footer's « édité le ») is an
argument. Without a contact, the poster shows the Mission Locale's ``sites`` instead (room is
short); the sheet shows both. The poster tries denser layouts before running onto a second
page, and refuses (French error) if even the densest does not fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import segno
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from maps.documents import document_environment
from planner.errors import InvalidPlanError
from planner.publication import PublicSession, day_fr
from planner.territory import Contact

#: the poster's title shrinks in steps for long place names, so that it stays on one page
_TITLE_STEPS = ((28, "title-l"), (48, "title-m"), (80, "title-s"))
#: the poster's layouts, from the most readable to the most compact: the first on one page wins
_DENSITIES = ("normal", "compact", "tight")


class _DataOnly(URLFetcher):
    """WeasyPrint's fetcher, limited to ``data:`` URIs; any other URL stops the rendering."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), fail_on_errors=True)


_ENV = document_environment(day_fr=day_fr)


def _render(html: str) -> Document:
    try:
        return HTML(string=html, url_fetcher=_DataOnly()).render()
    except FatalURLFetchingError as error:
        # FatalURLFetchingError is a BaseException: turn it into an ordinary error.
        raise RuntimeError(f"Ressource externe refusée dans le document : {error}") from error


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``, loading ``data:`` URIs only (a ``RuntimeError`` for any other)."""
    return _pdf(_render(html))


def _pdf(document: Document) -> bytes:
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf


def qr_data_uri(url: str) -> str:
    """An SVG ``data:`` URI of a QR code encoding exactly ``url`` (quiet zone included)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(border=4, dark="#000")


def _title_class(place: str) -> str:
    for limit, name in _TITLE_STEPS:
        if len(place) <= limit:
            return name
    return "title-xs"


def _common(ml_name: str, contact: Contact, sites: Sequence[str], edited: dt.date) -> dict:
    return {
        "ml_name": ml_name,
        "contact": contact,
        "sites": list(sites),
        "edited": day_fr(edited, year=True),
    }


def _check_url(url: str) -> None:
    if not url.strip():
        raise InvalidPlanError(
            "Adresse de la page publique manquante : l'affiche renvoie vers cette page.",
            hint="Donnez l'adresse de la page publique de la Mission Locale.",
        )


def stop_poster(
    *,
    ml_name: str,
    stop: PublicSession,
    dates: Sequence[PublicSession],
    url: str,
    contact: Contact,
    edited: dt.date,
    sites: Sequence[str] = (),
    max_dates: int = 10,
) -> bytes:
    """The one-page A4 poster of a public stop: where, who hosts, the next ``max_dates`` of
    ``dates`` (the stop's sessions), a QR code of ``url`` (the stop's public page) and the
    Mission Locale's contact (or, without one, its ``sites``).

    A private place (a maraude) has no public page, hence no poster: refused, as are empty
    ``dates`` and sessions of another stop (French :class:`InvalidPlanError`).
    """
    if stop.private or any(s.private for s in dates):
        raise InvalidPlanError(
            f"Pas d'affiche pour une séance au lieu privé ({stop.place}) : "
            "son lieu exact n'est pas public et il n'a pas de page.",
            hint="Annoncez-la par la liste des séances, qui dit « dans le quartier ».",
        )
    if not dates:
        raise InvalidPlanError(
            f"Aucune date à annoncer pour {stop.place} : pas d'affiche sans date.",
            hint="Publiez un plan qui passe à ce lieu, ou choisissez un autre lieu.",
        )
    others = sorted({s.place for s in dates if s.stop_id != stop.stop_id})
    if others:
        raise InvalidPlanError(
            f"L'affiche de {stop.place} ne peut pas annoncer d'autres lieux : {', '.join(others)}.",
            hint="Donnez seulement les séances de ce lieu.",
        )
    _check_url(url)
    if max_dates < 1:
        raise InvalidPlanError(f"max_dates doit valoir au moins 1 (reçu : {max_dates}).")
    ordered = sorted(dates, key=lambda s: (s.date, s.visit.start_s))
    context: dict[str, Any] = {
        **_common(ml_name, contact, sites, edited),
        "stop": stop,
        "dates": ordered[:max_dates],
        "more": len(ordered) > max_dates,
        "url": url,
        "qr": qr_data_uri(url),
        "title_class": _title_class(stop.place),
    }
    template = _ENV.get_template("kit_poster.html")
    for density in _DENSITIES:
        document = _render(template.render(context, density=density))
        if len(document.pages) == 1:
            break
    if len(document.pages) != 1:
        raise InvalidPlanError(
            f"L'affiche de {stop.place} ne tient pas sur une page A4 "
            f"({len(document.pages)} pages) : textes trop longs.",
            hint="Raccourcissez le nom du lieu, de l'accueil ou le contact, ou baissez max_dates.",
        )
    return _pdf(document)


def partner_sheet(
    *,
    ml_name: str,
    host: str,
    sessions: Sequence[PublicSession],
    page_url: str,
    contact: Contact,
    edited: dt.date,
    sites: Sequence[str] = (),
) -> bytes:
    """The A4 sheet (one page or more) for the partner ``host``: a table of exactly
    ``sessions`` (in their order), the public page's link and QR code, the Mission Locale's
    contact and sites, and what to tell young people. Empty ``sessions`` are refused."""
    if not sessions:
        raise InvalidPlanError(
            f"Aucune séance accueillie par {host} dans ce plan : pas de fiche à faire.",
            hint="Choisissez un partenaire qui accueille au moins une séance.",
        )
    _check_url(page_url)
    context: dict[str, Any] = {
        **_common(ml_name, contact, sites, edited),
        "host": host,
        "sessions": list(sessions),
        "url": page_url,
        "qr": qr_data_uri(page_url),
        "link": page_url if page_url.startswith(("https://", "http://")) else "",
    }
    return render_pdf(_ENV.get_template("kit_partner_sheet.html").render(context))
