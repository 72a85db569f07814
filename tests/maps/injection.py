"""Injection strings: each must reach a page as plain text (shown as written, never run).

Used by the map tests (every text field of a territory and a plan) and the service tests. Every
string is a valid name once normalised (no control character: those are refused at input, see
``geo_data.user_files`` and ``tests/api/service``), so each goes all the way to the page.
"""

from __future__ import annotations

CORPUS: tuple[str, ...] = (
    "<img src=x onerror=alert(1)>",
    '"><script>alert(2)</script>',
    "</script><svg onload=alert(3)>`${alert(4)}`",
    "Café associatif L`Escale",
    "'; alert(5); //",
    "Lieu\u2028ligne\u2029paragraphe",
    "fin \\u0041 \\x41 \\",
    "{{ 6*7 }}-evalue ${7*7} {% raw %} {# c",
    '<a href="javascript:alert(6)">lien</a>',
    "🚐 Milo Mobile 👩🏽‍🎓 ¡Olé!",
    "</title><style>*{display:none}</style>",
    "&amp; &lt;b&gt; « guillemets » ' \"",
)

#: What ``{{ 6*7 }}-evalue`` becomes if a template engine evaluates it on the server.
EVALUATED = "42-evalue"

#: Elements an injection would create; none may exist in a page built from :data:`CORPUS`.
INJECTED_SELECTOR = (
    "img[src='x'], svg[onload], [onerror], [onload], a[href^='javascript'], "
    "body style, .leaflet-popup-content script, .leaflet-tooltip script"
)


def poisoned(i: int) -> str:
    """The ``i``-th string of the corpus, cyclically (to fill a column)."""
    return CORPUS[i % len(CORPUS)]
