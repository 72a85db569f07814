"""The A4 posters and partner sheets (``maps.kit.posters``), read back with the Debian tools:
``pdfinfo`` (one A4 page), ``pdftotext`` (what is printed), ``pdftoppm`` + ``zbarimg`` (the
QR code decodes to the page's URL). The first page of each is saved as a PNG in
``tests/artifacts/kit/`` (git-ignored) for a look."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from maps.kit import posters
from maps.kit.posters import partner_sheet, render_pdf, stop_poster
from planner.errors import InvalidPlanError
from planner.publication import PublicSession, day_fr
from planner.territory import Contact
from tests.maps.injection import CORPUS, EVALUATED
from tests.maps.kit.pdf_tools import (
    first_page_png,
    flat_of,
    pages_and_size,
    qr_of,
    squash,
    text_of,
    write,
)
from tests.planner.test_publication import BASE

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "kit"
EDITED = dt.date(2026, 12, 21)  # another year than the sessions': the footer is not a session
URL = "https://milo.example/p/creusot-montceau/lieu/71153"
PAGE_URL = "https://milo.example/p/creusot-montceau"
CONTACT = Contact(
    phone="03 85 00 00 00",
    email="contact@ml-creusot.example",
    website="https://www.ml-creusot.example",
    address="12 rue de la Gare, 71200 Le Creusot",
    hours="du lundi au vendredi, 9h–12h et 13h30–17h",
)
SITES = ("Mission Locale, Montceau-les-Mines", "Antenne, Le Creusot")
# the session of the publication tests: one van stop hosted by the town hall


def session(k: int, **changes: object) -> PublicSession:
    """The ``k``-th session at the stop, every 3 days, mornings and afternoons in turn."""
    afternoon = k % 2 == 1
    visit = replace(
        BASE,
        date=BASE.date + dt.timedelta(days=3 * k),
        start_s=48600 if afternoon else BASE.start_s,
        end_s=59400 if afternoon else BASE.end_s,
        **changes,  # type: ignore[arg-type]
    )
    return PublicSession(visit, "Le Creusot")


def poster(dates: Sequence[PublicSession], **kwargs: object) -> bytes:
    args: dict[str, object] = {
        "ml_name": "du Creusot-Montceau",
        "stop": dates[0] if dates else session(0),
        "dates": dates,
        "url": URL,
        "contact": CONTACT,
        "edited": EDITED,
    }
    return stop_poster(**{**args, **kwargs})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def poster_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dates = [session(k) for k in range(12)]
    return write(tmp_path_factory.mktemp("kit"), "poster.pdf", poster(dates))


def test_poster_is_one_a4_page(poster_pdf: Path) -> None:
    assert pages_and_size(poster_pdf) == (1, (595, 842))


def test_poster_says_where_when_and_who(poster_pdf: Path) -> None:
    text = text_of(poster_pdf)
    flat = flat_of(poster_pdf)
    assert squash("La Mission Locale vient à Place de la Mairie, Le Creusot") in flat
    assert "chez Mairie du Creusot" in text
    assert "Pour les 16-25 ans · sans rendez-vous · gratuit" in text
    lines = text.splitlines()
    shown = [session(k) for k in range(10)]
    for s in shown:  # each date as written, with its hours on the same line
        assert any(day_fr(s.date) in line and s.hours in line for line in lines), s.date
    for k in (10, 11):  # past max_dates: announced as more, not listed
        assert day_fr(session(k).date) not in text
    assert "et d'autres dates : voir la page" in text
    assert squash(URL) in flat
    for field in (CONTACT.phone, CONTACT.email, CONTACT.website, CONTACT.address, CONTACT.hours):
        assert squash(field) in flat, field
    assert "Mission Locale du Creusot-Montceau" in text
    source = "Programme publié de la Mission Locale du Creusot-Montceau, édité le "
    assert squash(source + "lundi 21 décembre 2026") in flat


def test_poster_qr_code_is_the_stop_page(poster_pdf: Path) -> None:
    png = first_page_png(poster_pdf, ARTIFACTS / "poster.png")
    assert qr_of(png) == URL


def test_poster_without_contact_shows_the_sites_only(tmp_path: Path) -> None:
    pdf = write(tmp_path, "p.pdf", poster([session(0), session(1)], contact=Contact(), sites=SITES))
    text = text_of(pdf)
    for site in SITES:
        assert site in text
    assert "Téléphone" not in text and "Courriel" not in text and "Adresse" not in text
    assert "et d'autres dates" not in text  # two dates: all shown


def test_long_texts_still_fit_one_page(tmp_path: Path) -> None:
    """The densest case: the layout tightens instead of running onto a second page."""
    place = (
        "Salle polyvalente Jean-Baptiste Dumay, quartier des Riaux, Saint-Vallier (Saône-et-Loire)"
    )
    host = " ".join(CORPUS[:3])
    dates = [session(k, stop_name=place, host=host) for k in range(12)]
    hours = CONTACT.hours + ", le samedi matin sur rendez-vous"
    contact = replace(CONTACT, hours=hours)
    pdf = write(tmp_path, "p.pdf", poster(dates, contact=contact, ml_name="du " + CORPUS[1]))
    assert pages_and_size(pdf)[0] == 1
    assert squash(place) in flat_of(pdf)


@pytest.mark.parametrize("k", range(0, len(CORPUS), 2))
def test_poster_shows_injection_strings_as_text(k: int, tmp_path: Path) -> None:
    place, host, ml = CORPUS[k], CORPUS[(k + 1) % len(CORPUS)], CORPUS[(k + 2) % len(CORPUS)]
    dates = [session(j, stop_name=place, host=host) for j in range(3)]
    pdf = write(
        tmp_path, "p.pdf", poster(dates, ml_name=ml, contact=replace(CONTACT, address=host))
    )
    assert pages_and_size(pdf)[0] == 1
    flat = flat_of(pdf)
    for value in (place, host, ml):
        assert squash(value) in flat, value
    assert EVALUATED not in flat


def test_the_html_escapes_user_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """What WeasyPrint receives: the corpus escaped, never as elements."""
    seen: list[str] = []
    real = posters._render

    def spy(html: str):  # type: ignore[no-untyped-def]
        seen.append(html)
        return real(html)

    monkeypatch.setattr(posters, "_render", spy)
    nasty = '"><script>alert(2)</script>'
    poster([session(0, stop_name=nasty, host="<img src=x onerror=alert(1)>")], ml_name="{{ 6*7 }}")
    partner_sheet(ml_name="x", host=nasty, sessions=[session(0, stop_name=nasty)],
                  page_url=PAGE_URL, contact=CONTACT, edited=EDITED)  # fmt: skip
    assert len(seen) == 2
    for html in seen:
        assert "<script" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert "{{ 6*7 }}" in seen[0] and "42-" not in seen[0]


def test_partner_sheet_lists_exactly_the_given_sessions(tmp_path: Path) -> None:
    every = [session(k, kind="partenaire" if k % 3 == 0 else "commune") for k in range(40)]
    given = [s for k, s in enumerate(every) if k % 4 != 1]  # 30 sessions: over one page
    pdf = write(tmp_path, "sheet.pdf", partner_sheet(
        ml_name="du Creusot-Montceau", host="Mairie du Creusot", sessions=given,
        page_url=PAGE_URL, contact=CONTACT, sites=SITES, edited=EDITED))  # fmt: skip
    pages, size = pages_and_size(pdf)
    assert pages >= 2 and size == (595, 842)
    text = text_of(pdf)
    lines = text.splitlines()
    dated = [line for line in lines if re.search(r"\b\d{1,2}(er)? \w+ 2027\b", line)]
    assert len(dated) == len(given)
    for s in given:
        assert any(day_fr(s.date, year=True) in line and s.hours in line for line in dated)
    for s in every:
        if s not in given:
            assert day_fr(s.date, year=True) not in text
    flat = flat_of(pdf)
    for kind in {s.kind for s in given}:  # a long label may wrap in its cell
        assert flat.count(squash(kind)) == sum(s.kind == kind for s in given), kind
    title = "Séances de la Mission Locale du Creusot-Montceau accueillies par Mairie du Creusot"
    assert squash(title) in flat
    assert squash(PAGE_URL) in flat and "03 85 00 00 00" in text
    assert all(site in text for site in SITES)
    assert squash("Ce que vous pouvez dire aux jeunes") in flat
    assert "Programme publié de la Mission Locale" in text
    png = first_page_png(pdf, ARTIFACTS / "partner-sheet.png")
    assert qr_of(png) == PAGE_URL


def test_partner_sheet_shows_injection_strings_as_text(tmp_path: Path) -> None:
    sessions = [session(k, stop_name=text) for k, text in enumerate(CORPUS)]
    pdf = write(tmp_path, "s.pdf", partner_sheet(
        ml_name=CORPUS[0], host=CORPUS[1], sessions=sessions, page_url=PAGE_URL,
        contact=Contact(), sites=CORPUS[2:4], edited=EDITED))  # fmt: skip
    flat = flat_of(pdf)
    for text in CORPUS:
        assert squash(text) in flat, text
    assert EVALUATED not in flat


def test_refusals_in_french() -> None:
    private = session(0, private=True, kind="maraude", stop_id="maraude-1")
    with pytest.raises(InvalidPlanError, match="Pas d'affiche pour une séance au lieu privé"):
        poster([private], stop=private)
    with pytest.raises(InvalidPlanError, match="Aucune date à annoncer pour Place de la Mairie"):
        poster([], stop=session(0))
    with pytest.raises(InvalidPlanError, match="ne peut pas annoncer d'autres lieux : Ailleurs"):
        poster([session(0), session(1, stop_id="x", stop_name="Ailleurs")])
    with pytest.raises(InvalidPlanError, match="Adresse de la page publique manquante"):
        poster([session(0)], url=" ")
    with pytest.raises(InvalidPlanError, match="Aucune séance accueillie par Mairie du Creusot"):
        partner_sheet(ml_name="x", host="Mairie du Creusot", sessions=[], page_url=PAGE_URL,
                      contact=CONTACT, edited=EDITED)  # fmt: skip


@pytest.mark.parametrize("url", ["https://example.invalid/logo.png", "file:///etc/hostname"])
def test_no_url_but_data_is_loaded(url: str) -> None:
    with pytest.raises(RuntimeError, match="Ressource externe refusée"):
        render_pdf(f'<p>x</p><img src="{url}">')
    assert render_pdf(f'<img src="{posters.qr_data_uri("a")}">').startswith(b"%PDF")
