"""The weekly post (``maps.kit.post``): the images have their sizes and show every session of
the week (markers and rows read back from the drawn figure), private places have no marker,
user text is drawn as written, the text is ready to paste with the public link."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from geo_data.demo import load_demo_territory
from maps.kit.post import SIZES, post_images, post_text, preview_image, week_label
from planner.errors import InvalidPlanError
from planner.itinerary.plan import Plan
from planner.publication import numbering, week_sessions
from planner.territory import Territory
from planner.workflows.planning import plan_territory
from tests.maps.injection import CORPUS

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "kit"
URL = "https://milo.example.fr/public/creusot-montceau"
MONDAY = dt.date(2027, 1, 4)


@pytest.fixture(scope="module")
def creusot() -> Territory:
    return load_demo_territory("creusot-montceau")


@pytest.fixture(scope="module")
def plan(creusot) -> Plan:
    """A real two-week plan of the demo (the engine's quick greedy solver)."""
    return plan_territory(creusot, start=MONDAY, weeks=2, time_limit=1, solver="greedy")


def names(t: Territory) -> dict[str, str]:
    return t.communes["name"].astype(str).to_dict()


def test_the_images_show_every_session_of_the_week(creusot, plan):
    monday, sessions = week_sessions(plan, names(creusot), 1)
    assert monday == MONDAY and len(sessions) >= 10
    images = post_images(creusot, monday, sessions, URL)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stops = len(numbering(sessions))
    assert [(i.name, i.size) for i in images] == [(f"{k}.png", v) for k, v in SIZES.items()]
    for image in images:
        (ARTIFACTS / f"semaine-1-{image.name}").write_bytes(image.png)
        with Image.open(io.BytesIO(image.png)) as png:
            assert png.size == image.size and png.format == "PNG"
        assert image.markers == tuple(range(1, stops + 1))
        assert image.rows == len(sessions)


def test_a_private_place_has_a_row_and_no_marker(creusot, plan):
    monday, sessions = week_sessions(plan, names(creusot), 1)
    hidden = sessions[0].stop_id
    visits = [
        dataclasses.replace(v, private=True, kind="maraude", stop_name="Square caché")
        if v.stop_id == hidden
        else v
        for v in plan.visits
    ]
    _, sessions = week_sessions(dataclasses.replace(plan, visits=tuple(visits)), names(creusot), 1)
    assert hidden not in numbering(sessions)
    image = post_images(creusot, monday, sessions, URL)[0]
    assert image.rows == len(sessions)
    assert image.markers == tuple(range(1, len(numbering(sessions)) + 1))
    text = post_text(creusot.name, monday, sessions, URL)
    assert "Square caché" not in text and "dans le quartier" in text


def test_the_post_text_lists_each_session_and_the_link(creusot, plan):
    monday, sessions = week_sessions(plan, names(creusot), 1)
    text = post_text(creusot.name, monday, sessions, URL)
    assert text.startswith("📍 Cette semaine, la Mission Locale Creusot-Montceau vient près")
    assert week_label(sessions) in text and f"Toutes les dates et les lieux : {URL}" in text
    bullets = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(bullets) == len(sessions)
    for line, s in zip(bullets, sessions, strict=True):
        assert line.startswith(f"• {s.hours} : ") and s.short_place in line or s.host in line
    (ARTIFACTS / "semaine-1-texte.txt").write_text(text)
    assert "Les Bizots (Mairie des Bizots)" not in text and "• 14h–17h : Mairie des Bizots" in text


def test_user_text_is_drawn_as_written(creusot, plan):
    """Names with ``$`` (mathtext), markup or odd characters render as text, never fail."""
    monday, sessions = week_sessions(plan, names(creusot), 1)
    visits = [
        dataclasses.replace(s.visit, stop_name=CORPUS[k % len(CORPUS)] + " $x^2$")
        for k, s in enumerate(sessions)
    ]
    odd = dataclasses.replace(plan, visits=tuple(visits))
    _, sessions = week_sessions(odd, names(creusot), 1)
    image = post_images(creusot, monday, sessions, URL)[0]
    assert image.rows == len(sessions)
    assert CORPUS[1] + " $x^2$" in post_text(creusot.name, monday, sessions, URL)


def test_the_link_preview_and_an_empty_week(creusot, plan):
    _, sessions = week_sessions(plan, names(creusot), 1)
    preview = preview_image(creusot, sessions, URL)
    with Image.open(io.BytesIO(preview.png)) as png:
        assert png.size == (1200, 630)
    assert preview.markers == tuple(range(1, len(numbering(sessions)) + 1))
    (ARTIFACTS / "apercu.png").write_bytes(preview.png)
    assert preview_image(creusot, [], URL).markers == ()  # the outline alone
    with pytest.raises(InvalidPlanError, match="Aucune séance publiée la semaine du lundi 4"):
        post_images(creusot, MONDAY, [], URL)
