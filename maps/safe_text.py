"""User text on a map, inert: tooltips, popups and GeoJSON tooltips that pass text as data.

Folium splices a tooltip's text raw into a JavaScript template literal (`` `...` ``) and a
popup's HTML into another one after escaping backticks only: a partner named
``</script><svg onload=...>`` ends the page's script, ``${...}`` runs as code, and a harmless
backtick or ``\\u`` in a name is a syntax error that blanks the whole map. Its GeoJSON
tooltips write property values into ``innerHTML`` unescaped.

Here every text is HTML-escaped (:func:`maps.base.esc`) by the caller or by
:class:`SafeTooltip`, then handed to Leaflet as a JSON string literal (Jinja's ``tojson``
escapes ``<``, ``>``, ``&`` and ``'`` as ``\\u00XX``, and non-ASCII such as U+2028 as
``\\uXXXX``): no user text is ever JavaScript or markup. ``tests/maps`` walks every map for a
folium ``Tooltip``, ``Popup`` or ``GeoJsonTooltip`` left (:func:`unsafe_elements`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import folium
import folium.template
from branca.element import Element, MacroElement
from folium.features import GeoJsonDetail
from folium.template import Template

#: HTML-escapes a value in the browser (GeoJSON properties reach ``innerHTML``).
_ESCAPE_JS = (
    "let _miloEsc = v => String(v).replace(/[&<>\"'`]/g, c => '&#' + c.charCodeAt(0) + ';');\n"
)


#: The opening of a Jinja tag: ``{{``, ``{%`` or ``{#``.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def _no_jinja(text: str) -> str:
    """``text`` (JSON) with each ``{`` that opens a Jinja tag written ``\\u007b``.

    Valid JSON never has such a ``{`` outside a string (an object's ``{`` is followed by a key,
    ``}`` or a space), and inside a string ``\\u007b`` decodes to the same ``{``.
    """
    return _JINJA_OPEN.sub(r"\\u007b", text)


def inert_json(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` whose output never holds a Jinja tag (the ``tojson`` policy below)."""
    return _no_jinja(json.dumps(obj, **kwargs))


def _install() -> None:
    """Make folium's JSON output free of Jinja tags.

    branca renders each element's script, then parses that output as a new Jinja template
    (``Element(script(...))``) and renders it again with the default, unsandboxed environment:
    a commune or partner named ``{{ 7*7 }}`` showed 49, and
    ``{{ cycler.__init__.__globals__.os.getpid() }}`` ran on the server. Every user text
    reaches folium's templates as JSON (``tojson``, ``tojavascript``): written without
    ``{{``, ``{%`` or ``{#`` it is inert in the second pass. Idempotent.
    """
    env = folium.template.Template("").environment  # one cached environment for all
    env.policies["json.dumps_function"] = inert_json
    escaped = folium.template._to_escaped_json
    if not getattr(escaped, "milo_inert", False):

        def to_escaped_json(obj: Any) -> str:
            return _no_jinja(escaped(obj))

        to_escaped_json.milo_inert = True  # type: ignore[attr-defined]
        folium.template._to_escaped_json = to_escaped_json


_install()


def esc(value: object) -> str:
    """HTML-escaped text of ``value`` (quotes included, so it is safe in an attribute too)."""
    return html.escape(str(value), quote=True)


class SafeTooltip(folium.Tooltip):
    """A tooltip of plain ``text`` (escaped here), bound as a JSON string, never as code."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindTooltip({{ this.html|tojson }},"
        " {{ this.options|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: object, *, sticky: bool = True) -> None:
        MacroElement.__init__(self)  # not folium's: it keeps the text for its template literal
        self._name = "SafeTooltip"
        self.html = f"<div>{esc(text)}</div>"
        self.options = {"sticky": sticky}


class SafePopup(folium.Popup):
    """A popup of ``markup`` that the caller built from escaped text, set as a JSON string.

    A subclass so that folium's ``Marker(popup=...)`` keeps it as is; folium's ``Popup.render``
    renders this template straight into the page's script.
    """

    _template = Template(
        "var {{ this.get_name() }} = L.popup({{ this.options|tojson }})"
        ".setContent({{ this.markup|tojson }});"
        "{{ this._parent.get_name() }}.bindPopup({{ this.get_name() }});"
    )

    def __init__(self, markup: str, *, max_width: int = 320) -> None:
        MacroElement.__init__(self)  # not folium's: it would splice markup into a template literal
        self._name = "SafePopup"
        self.markup = markup
        self.options = {"maxWidth": max_width}


class SafeGeoJsonTooltip(folium.GeoJsonTooltip):
    """Folium's GeoJSON tooltip with each property value HTML-escaped before ``innerHTML``."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this._parent.get_name() }}.bindTooltip("
        + GeoJsonDetail.base_template.replace("return feature;", "return _miloEsc(feature);")
        .replace("return JSON.stringify(feature);", "return _miloEsc(JSON.stringify(feature));")
        .replace("let handleObject", _ESCAPE_JS + "let handleObject", 1)
        + ",{{ this.tooltip_options | tojavascript }});{% endmacro %}"
    )


_UNSAFE = (folium.Tooltip, folium.Popup, folium.GeoJsonTooltip, folium.GeoJsonPopup)


def unsafe_elements(root: Element) -> list[str]:
    """Names of the folium elements under ``root`` that would splice text into code."""
    found: list[str] = []
    stack: list[Element] = [root]
    while stack:
        node = stack.pop()
        if type(node) in _UNSAFE:
            found.append(node.get_name())
        stack.extend(node._children.values())
    return found
