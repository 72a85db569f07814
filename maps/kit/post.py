"""The weekly post for the Mission Locale's social networks: two images of the week's sessions
(1080 x 1080 for a feed, 1080 x 1920 for a story) and the text to paste with them; and the
link preview image (Open Graph, 1200 x 630) of the public page.

Each image has the territory's outline with its communes and a numbered marker per public
stop, the list of the sessions by day with the same numbers, the public page's address and
the map data's source. Rendered offline with matplotlib (its own DejaVu fonts, no tile
service, no network); the drawn markers and list rows are read back from the figure
(:attr:`PostImage.markers`, :attr:`PostImage.rows`) so that a test checks what was drawn.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle
from pyproj import Transformer

from planner.errors import InvalidPlanError
from planner.publication import PublicSession, by_day, day_fr, numbering
from planner.territory import Territory

INK = "#1b2a3a"
BRAND = "#0b4f6c"
MARKER = "#b3261e"
LAND = "#e3ebf0"
OUTLINE = "#0b4f6c"
MUTED = "#4a5a68"
FONT = "DejaVu Sans"
DPI = 100
LEADING = 1.5
#: the feed and story sizes, in pixels
SIZES = {"carre": (1080, 1080), "story": (1080, 1920)}
OG_SIZE = (1200, 630)
_TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
Line = tuple[str, str, int | None]


@dataclass(frozen=True)
class PostImage:
    """One rendered image and what it shows (read back from the drawn figure)."""

    name: str
    size: tuple[int, int]
    png: bytes
    #: the numbers of the markers drawn on the map, in drawing order
    markers: tuple[int, ...]
    #: the session rows drawn in the list
    rows: int


def map_sources(territory: Territory) -> str:
    """The source of the outlines drawn (the territory's contour layer), for the caption."""
    contours = [s for s in territory.sources if s.lower().startswith("contours")]
    return "Fond : " + ("; ".join(contours) if contours else "contours des communes")


def week_label(sessions: Sequence[PublicSession]) -> str:
    """« du lundi 4 au vendredi 8 janvier 2027 » (from the first to the last day with a
    session; « le mardi 5 janvier 2027 » for a single day)."""
    first, last = min(s.date for s in sessions), max(s.date for s in sessions)
    if first == last:
        return f"le {day_fr(first, year=True)}"
    if (first.year, first.month) == (last.year, last.month):
        head = day_fr(first).rsplit(" ", 1)[0]
    else:
        head = day_fr(first, year=first.year != last.year)
    return f"du {head} au {day_fr(last, year=True)}"


def post_text(
    ml_name: str, monday: dt.date, sessions: Sequence[PublicSession], page_url: str
) -> str:
    """The post's text in French, ready to paste, with the public page's link."""
    _require(sessions, monday)
    lines = [
        f"📍 Cette semaine, la Mission Locale {ml_name} vient près de chez vous, "
        f"{week_label(sessions)} !",
        "",
    ]
    for day, items in by_day(sessions):
        lines.append(day_fr(day).capitalize())
        lines += [f"• {s.hours} : {_place(s)}" for s in items]
        lines.append("")
    lines += [
        "Pour les 16-25 ans, sans rendez-vous et gratuit : emploi, formation, logement, santé, "
        "mobilité… ou simplement pour en parler.",
        f"Toutes les dates et les lieux : {page_url}",
        "#MissionLocale #Jeunes",
    ]
    return "\n".join(lines) + "\n"


def post_images(
    territory: Territory, monday: dt.date, sessions: Sequence[PublicSession], page_url: str
) -> list[PostImage]:
    """The feed (1080 x 1080) and story (1080 x 1920) images of the week's ``sessions``."""
    _require(sessions, monday)
    return [_week_image(territory, sessions, page_url, name, size) for name, size in SIZES.items()]


def preview_image(
    territory: Territory, sessions: Sequence[PublicSession], page_url: str
) -> PostImage:
    """The public page's link preview (1200 x 630): the title, the count of coming places, the
    page's address, and the outline with the numbered stops (the outline alone with none)."""
    fig = _figure(OG_SIZE)
    _band(fig, height=0.34, title_size=30, territory=territory)
    count = len(numbering(sessions))
    lead = (
        f"{count} lieu{'x' if count > 1 else ''} de rencontre\ndans les 14 prochains jours"
        if count
        else "Les prochaines venues\nprès de chez vous"
    )
    _text(fig, 0.04, 0.58, lead, fontsize=26, color=INK, family=FONT, weight="bold", va="top")
    _text(fig, 0.04, 0.30, "Pour les 16-25 ans\nsans rendez-vous · gratuit", fontsize=20,
             color=INK, family=FONT, va="top")  # fmt: skip
    _text(fig, 0.04, 0.06, _short_url(page_url), fontsize=18, color=BRAND, family=FONT)
    markers = _map(fig.add_axes((0.56, 0.05, 0.42, 0.58)), territory, sessions, marker=14)
    _text(fig, 0.99, 0.66, map_sources(territory), fontsize=8, color="white", family=FONT,
             ha="right", va="bottom")  # fmt: skip
    return PostImage("apercu.png", OG_SIZE, _png(fig), markers, 0)


def _place(s: PublicSession) -> str:
    """« Salle des fêtes, Blanzy (Centre social) »: the place and its host; the host alone when
    it names the place (« Mairie de Blanzy » for a stop named « Blanzy »), the place alone when
    it names the host."""
    place, host = s.short_place, s.host
    if not host or host.casefold() in place.casefold():
        return place
    core = re.sub(r"^(le |la |les |l')", "", place.casefold())
    if core in host.casefold():  # « Les Bizots » is named by « Mairie des Bizots »
        return host
    return f"{place} ({host})"


def _require(sessions: Sequence[PublicSession], monday: dt.date) -> None:
    if not sessions:
        raise InvalidPlanError(
            f"Aucune séance publiée la semaine du {day_fr(monday, year=True)} : rien à annoncer.",
            hint="Choisissez une semaine du plan publié qui a des séances.",
        )


def _text(fig: Figure, x: float, y: float, text: str, **style: Any) -> None:
    """A text in figure coordinates, drawn as written: user text is never read as mathtext
    (``$...$``) or any markup; characters the font has no glyph for (emoji) are left out."""
    shown = "".join(c for c in text if ord(c) in _glyphs() or c == "\n")
    fig.text(x, y, shown, parse_math=False, **style)


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points DejaVu Sans (matplotlib's own copy) can draw."""
    path = font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def _figure(size: tuple[int, int]) -> Figure:
    fig = Figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()


def _short_url(url: str) -> str:
    return url.split("://", 1)[-1]


def _band(fig: Figure, *, height: float, title_size: float, territory: Territory) -> None:
    """The title band across the top: « Où trouver la Mission Locale cette semaine ? » and the
    Mission Locale's name."""
    fig.add_artist(
        Rectangle(
            (0, 1 - height),
            1,
            height,
            transform=fig.transFigure,
            facecolor=BRAND,
            edgecolor="none",
            zorder=0,
        )  # fmt: skip
    )
    _text(fig, 0.04, 1 - height * 0.12, "Où trouver la Mission Locale\ncette semaine ?",
             fontsize=title_size, color="white", family=FONT, weight="bold", va="top",
             linespacing=1.15)  # fmt: skip
    _text(fig, 0.04, 1 - height * 0.92, f"Mission Locale {territory.name}",
             fontsize=title_size * 0.6, color="white", family=FONT, va="bottom")  # fmt: skip


def _map(
    ax: Axes, territory: Territory, sessions: Sequence[PublicSession], *, marker: float
) -> tuple[int, ...]:
    """The communes, the territory's outline and a numbered marker per public stop (markers
    that would overlap are pushed apart, with a line to their place); the numbers drawn, read
    back from the axes."""
    metric = gpd.GeoSeries(territory.communes.geometry, crs=territory.communes.crs).to_crs(
        "EPSG:2154"
    )
    metric.plot(ax=ax, facecolor=LAND, edgecolor="white", linewidth=0.8)
    # a 50 m buffer closes the slivers between simplified neighbours before the outline
    outline = metric.buffer(50).union_all().buffer(-50)
    gpd.GeoSeries([outline], crs=metric.crs).boundary.plot(ax=ax, color=OUTLINE, linewidth=2.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.margins(0.05)
    ax.autoscale_view()
    ax.apply_aspect()
    firsts = {s.stop_id: s for s in reversed(sessions) if not s.private}
    numbers = numbering(sessions)
    places = np.array(
        [_TO_METRIC.transform(firsts[k].visit.lon, firsts[k].visit.lat) for k in numbers]
    ).reshape(-1, 2)
    shown = ax.transData.inverted().transform(
        _spread(ax.transData.transform(places), marker * DPI / 72 * 2.5)
    )
    badge = {"boxstyle": "circle,pad=0.3", "facecolor": MARKER, "edgecolor": "white",
             "linewidth": 2}  # fmt: skip
    for n, (x0, y0), (x, y) in zip(numbers.values(), places, shown, strict=True):
        if abs(x - x0) + abs(y - y0) > 1:
            ax.plot([x0, x], [y0, y], color=MARKER, linewidth=1.5, zorder=4)
            ax.plot([x0], [y0], "o", color=MARKER, markersize=4, zorder=4)
        ax.text(x, y, str(n), fontsize=marker, color="white", weight="bold", family=FONT,
                ha="center", va="center", gid="stop-marker", zorder=5, bbox=badge)  # fmt: skip
    return tuple(int(t.get_text()) for t in ax.texts if t.get_gid() == "stop-marker")


def _spread(points: np.ndarray, gap: float, rounds: int = 60) -> np.ndarray:
    """``points`` (pixels) moved apart until no two are closer than ``gap``: each round pushes
    every too-close pair apart by half the shortfall each (a pair at the same place splits
    along a fixed direction). Deterministic."""
    out = points.astype(float).copy()
    for _ in range(rounds):
        moved = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                delta = out[j] - out[i]
                dist = float(np.hypot(*delta))
                if dist >= gap:
                    continue
                direction = delta / dist if dist > 1e-6 else np.array([0.8, 0.6])
                push = (gap - dist) / 2 * direction
                out[i] -= push
                out[j] += push
                moved = True
        if not moved:
            break
    return out


def _list_lines(sessions: Sequence[PublicSession], chars: int) -> list[Line]:
    """The list as lines of at most ``chars`` characters: (``"day"`` | ``"row"`` | ``"more"``,
    text, number or None). A row is the hours and the place (the host is in the post's text
    and on the public page)."""
    numbers = numbering(sessions)
    lines: list[Line] = []
    for day, items in by_day(sessions):
        lines.append(("day", day_fr(day).capitalize(), None))
        for s in items:
            wrapped = textwrap.wrap(f"{s.hours}  {s.short_place}", width=chars)
            lines.append(("row", wrapped[0], None if s.private else numbers[s.stop_id]))
            lines += [("more", w, None) for w in wrapped[1:]]
    return lines


def _week_image(
    territory: Territory,
    sessions: Sequence[PublicSession],
    page_url: str,
    name: str,
    size: tuple[int, int],
) -> PostImage:
    fig = _figure(size)
    story = size[1] > size[0]
    band = 0.13 if story else 0.2
    _band(fig, height=band, title_size=42 if story else 40, territory=territory)
    label = week_label(sessions).capitalize()
    # bold DejaVu Sans is about 0.64 em per character: the label keeps within 92 % of the width
    fit = 0.92 * size[0] / (len(label) * 0.64 * DPI / 72)
    _text(fig, 0.04, 1 - band - 0.02, label, fontsize=min(26.0, fit), color=INK, family=FONT,
          weight="bold", va="top")  # fmt: skip
    if story:
        map_box, list_box = (0.03, 0.55, 0.94, 0.28), (0.05, 0.115, 0.92, 0.43)
    else:
        map_box, list_box = (0.01, 0.14, 0.40, 0.58), (0.42, 0.15, 0.57, 0.59)
    markers = _map(fig.add_axes(map_box), territory, sessions, marker=16 if story else 13)
    rows = _draw_list(fig, sessions, list_box, size)
    low = 0.04 if story else 0.0
    _text(fig, 0.04, 0.085 - low / 2, "Pour les 16-25 ans · sans rendez-vous · gratuit",
             fontsize=24, color=INK, family=FONT, weight="bold")  # fmt: skip
    _text(fig, 0.04, 0.048 - low / 2, f"Toutes les dates : {_short_url(page_url)}", fontsize=18,
             color=BRAND, family=FONT)  # fmt: skip
    _text(fig, 0.04, 0.012, map_sources(territory), fontsize=9, color=MUTED, family=FONT)
    return PostImage(f"{name}.png", size, _png(fig), markers, rows)


def _draw_list(
    fig: Figure,
    sessions: Sequence[PublicSession],
    box: tuple[float, float, float, float],
    size: tuple[int, int],
) -> int:
    """Draw the list in ``box`` (figure fraction) with the largest font that fits (24 pt at
    most, 28 on a story, 11 at least); the session rows drawn, read back from the figure."""
    left, bottom, width, height = box
    px_per_pt = DPI / 72
    indent = 0.055
    font, lines = 11.0, _list_lines(sessions, 200)
    for size_pt in range(28 if size[1] > size[0] else 24, 10, -1):
        # DejaVu Sans averages about 0.55 em per character
        chars = int((width - indent) * size[0] / (size_pt * px_per_pt * 0.58))
        lines = _list_lines(sessions, chars)
        if len(lines) * size_pt * LEADING * px_per_pt <= height * size[1]:
            font = float(size_pt)
            break
    step = font * LEADING * px_per_pt / size[1]
    y = bottom + height
    badge = {"boxstyle": "circle,pad=0.25", "facecolor": MARKER, "edgecolor": "none"}
    for kind, text, number in lines:
        y -= step
        if kind == "day":
            _text(fig, left, y, text, fontsize=font * 1.05, color=BRAND, family=FONT,
                     weight="bold", gid="list-day")  # fmt: skip
            continue
        if number is not None:
            _text(fig, left + 0.022, y + step * 0.2, str(number), fontsize=font * 0.8,
                     color="white", weight="bold", family=FONT, ha="center", va="center",
                     gid="list-number", bbox=badge)  # fmt: skip
        _text(fig, left + indent, y, text, fontsize=font, color=INK, family=FONT,
                 gid=f"list-{kind}")  # fmt: skip
    return sum(1 for t in fig.texts if t.get_gid() == "list-row")
