"""Free text from users (partner names, notes...), normalised before it is stored.

:func:`clean_text` is the one rule, shared by the user files (``geo_data.user_files``) and the
API (``api/service/routes/partners.py``):

- **kept**: letters, digits, punctuation, symbols and emoji of any script (the zero-width
  joiner inside emoji included), Unicode normalised to NFC;
- **removed** (no data lost): leading and trailing spaces, a byte-order mark; each run of
  white space (tab, line break, U+2028 / U+2029, no-break space...) becomes one space;
- **refused** (with a French error naming the character): control characters (NUL, ESC, DEL,
  C1...), bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E / U+200F, U+061C: they
  make ``exe.txt`` look like ``txt.exe``), surrogates, private-use and unassigned code points;
  a text left blank.
"""

from __future__ import annotations

import re
import unicodedata

from planner.errors import InvalidTerritoryError

#: Bidirectional formatting characters (Unicode TR9): refused, they reorder what people read.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES = re.compile(r"\s+")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def clean_text(value: object, *, what: str, max_length: int = 200) -> str:
    """``value`` normalised as above; ``what`` names the field in the error (« le nom du
    partenaire p12 »).

    Raises
    ------
    InvalidTerritoryError
        For a refused character, a blank text or one longer than ``max_length``.
    """
    text = unicodedata.normalize("NFC", str(value)).replace("\ufeff", "")
    text = _SPACES.sub(" ", text).strip()
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS or category in ("Cc", "Cs", "Co", "Cn"):
            kind = "de direction du texte" if char in BIDI_CONTROLS else "de contrôle ou invalide"
            raise InvalidTerritoryError(
                f"{what[:1].upper()}{what[1:]} contient un caractère {kind} "
                f"{_describe(char)} en position {position} (texte reçu : {text[:60]!r}).",
                hint="Retirez ce caractère (souvent collé depuis un autre logiciel) et "
                "renvoyez le texte.",
            )
    if not text:
        raise InvalidTerritoryError(
            f"{what[:1].upper()}{what[1:]} est vide (reçu : {str(value)[:40]!r}).",
            hint="Donnez un nom lisible, par exemple « Mairie de Le Creusot ».",
        )
    if len(text) > max_length:
        raise InvalidTerritoryError(
            f"{what[:1].upper()}{what[1:]} fait {len(text)} caractères (au plus {max_length}).",
            hint="Raccourcissez le texte.",
        )
    return text


_VOWELS = "AEIOUYÂÊÎÔÛÉÈËÏÜŒaeiouyâêîôûéèëïüœ"


def townhall_name(commune: str) -> str:
    """The town hall's name as French writes it: « Mairie du Creusot » (Le Creusot), « Mairie
    des Bizots » (Les Bizots), « Mairie d'Autun », « Mairie de La Clayette », « Mairie de
    Blanzy »."""
    name = str(commune).strip()
    if name.startswith("Le "):
        return f"Mairie du {name[3:]}"
    if name.startswith("Les "):
        return f"Mairie des {name[4:]}"
    if name[:1] in _VOWELS:
        return f"Mairie d'{name}"
    return f"Mairie de {name}"
