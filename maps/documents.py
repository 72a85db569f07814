"""The Jinja2 environment of the project's printed documents (the kit's posters and partner
sheets, the regional report): ``maps/templates/``, every value escaped (autoescape on, also for
templates given as strings), an undefined name an error, and each shown text on one line (the
line and paragraph separators U+2028 and U+2029 become spaces: a name is one line of text, and
the fonts have no glyph for them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def one_line(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\u2028", " ").replace("\u2029", " ")
    return value


def document_environment(**filters: Callable[..., Any]) -> Environment:
    """The environment, with the given ``filters``."""
    env = Environment(
        finalize=one_line,
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters)
    return env
