"""One week's communication kit of a published plan, as named files: the post images and text,
a poster per stop of the week, a sheet per partner hosting sessions, and a « LISEZMOI.txt »
that names the week, the public page and the sources. The CLI writes them to a folder
(``milo kit``), the web workbench sends them as a zip."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from maps.kit.post import map_sources, post_images, post_text, week_label
from planner.errors import InvalidSpecError
from planner.itinerary.plan import Plan
from planner.publication import hosts_of, public_sessions, stops_of, week_sessions
from planner.territory import Territory


@dataclass(frozen=True)
class PublicUrls:
    """The public addresses of a territory under the service's address ``base``."""

    base: str
    territory: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.base):
            raise InvalidSpecError(
                f"Adresse publique du service {self.base[:80]!r} illisible "
                "(attendu https://nom-du-service.fr).",
                hint="Donnez l'adresse à laquelle le public ouvre le service (MILO_PUBLIC_URL).",
            )

    @property
    def page(self) -> str:
        return f"{self.base.rstrip('/')}/public/{quote(self.territory, safe='')}"

    def stop(self, stop_id: str) -> str:
        return f"{self.page}/arrets/{quote(stop_id, safe='')}"


def slug(text: str) -> str:
    """« Mairie de Saint-Éloi » -> ``mairie-de-saint-eloi`` (a file name)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "lieu"


def week_kit(
    territory: Territory, plan: Plan, week: int, urls: PublicUrls, *, edited: dt.date
) -> dict[str, bytes]:
    """The kit of week ``week`` (1-based) of ``plan``: file name -> content."""
    from maps.kit.posters import partner_sheet, stop_poster

    names = territory.communes["name"].astype(str).to_dict()
    monday, sessions = week_sessions(plan, names, week)
    images = post_images(territory, monday, sessions, urls.page)
    files = {f"semaine-{week}-{image.name}": image.png for image in images}
    text = post_text(territory.name, monday, sessions, urls.page)
    files[f"semaine-{week}-texte.txt"] = text.encode()
    ahead = public_sessions(plan, names, first=monday, last=dt.date.max)
    sites = [b.name for b in territory.bases]
    for stop in stops_of(sessions):
        dates = [s for s in ahead if s.stop_id == stop.stop_id]
        files[f"affiches/{slug(stop.place)}-{slug(stop.stop_id)}.pdf"] = stop_poster(
            ml_name=territory.name,
            stop=stop,
            dates=dates,
            url=urls.stop(stop.stop_id),
            contact=territory.contact,
            sites=sites,
            edited=edited,
        )
    hosts_this_week = {s.host for s in sessions if s.host}
    for host, hosted in hosts_of(plan, names).items():
        if host in hosts_this_week:
            files[f"partenaires/{slug(host)}.pdf"] = partner_sheet(
                ml_name=territory.name,
                host=host,
                sessions=hosted,
                page_url=urls.page,
                contact=territory.contact,
                sites=sites,
                edited=edited,
            )
    files["LISEZMOI.txt"] = _readme(territory, plan, week, sessions, urls, edited).encode()
    return files


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def _readme(
    territory: Territory, plan: Plan, week: int, sessions: list, urls: PublicUrls, edited: dt.date
) -> str:
    return "\n".join(
        [
            f"Kit de communication · Mission Locale {territory.name}",
            f"Semaine {week} du plan publié ({week_label(sessions)}) : {len(sessions)} séance(s).",
            f"Édité le {edited.strftime('%d/%m/%Y')}, depuis le plan publié (jamais un brouillon).",
            "",
            f"semaine-{week}-carre.png (1080 x 1080) et semaine-{week}-story.png (1080 x 1920) : "
            "les images à publier ;",
            f"semaine-{week}-texte.txt : le texte à coller avec elles ;",
            "affiches/ : une affiche A4 par lieu de la semaine (prochaines dates, code QR vers "
            "sa page publique) ;",
            "partenaires/ : une fiche A4 par partenaire qui accueille des séances.",
            "",
            f"Page publique : {urls.page}",
            map_sources(territory),
            f"Plan : {plan.territory}, à partir du {plan.start.strftime('%d/%m/%Y')}, "
            f"{plan.weeks} semaine(s).",
            "",
        ]
    )
