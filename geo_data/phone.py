"""A partner's public phone number: the switchboard of an institution, never a person's.

One rule for every way a phone comes in (the official directories, a partners file, the API,
the web form): a French number, 10 digits starting with 0 (« 03 80 61 01 94 »; spaces, dots
or dashes between the digits are allowed) or +33 followed by the 9 digits without the 0
(« +33 3 80 61 01 94 »). It is kept in one form, « 03 80 61 01 94 », and dialled as
``tel:+33380610194`` (E.164, RFC 3966).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from planner.errors import InvalidTerritoryError

#: The longest phone text the store keeps (« 03 80 61 01 94 » is 14 characters).
PHONE_MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s.\-]")
_NATIONAL = re.compile(r"0[1-9][0-9]{8}")
_INTERNATIONAL = re.compile(r"\+33[1-9][0-9]{8}")
EXPECTED = (
    "un numéro français à 10 chiffres commençant par 0 (par exemple 03 80 61 01 94 ; espaces, "
    "points ou tirets permis) ou +33 suivi de 9 chiffres (+33 3 80 61 01 94)"
)
HINT = (
    "Écrivez le numéro du standard public du lieu (accueil de la mairie, de la structure), "
    "jamais un numéro personnel ; laissez la case vide s'il n'y en a pas."
)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def normalise_phone(value: object, *, where: str) -> str | None:
    """``value`` as « 03 80 61 01 94 », or None when it is empty.

    ``where`` names the value in a message (« Partenaires (p.csv) : ligne 3, colonne
    telephone »).

    Raises
    ------
    InvalidTerritoryError
        When ``value`` is not a French number (the message names ``where``, says what was
        expected and what came).
    """
    if _blank(value):
        return None
    text = str(value).strip()
    digits = _SEPARATORS.sub("", text)
    if _INTERNATIONAL.fullmatch(digits):
        digits = "0" + digits[3:]
    if not _NATIONAL.fullmatch(digits):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise InvalidTerritoryError(
            f"{where}, valeur « {shown} » illisible (attendu {EXPECTED}).", hint=HINT
        )
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def official_phone(value: object) -> str | None:
    """A phone of an official directory (Annuaire de l'administration, ANCT list) as
    « 03 80 61 01 94 », or None when it is empty or unreadable: one mistyped number of a
    national file must not refuse a whole territory, and a number that cannot be dialled is
    better not shown (the page says « non renseigné »)."""
    try:
        return normalise_phone(value, where="annuaire")
    except InvalidTerritoryError:
        return None


def phone_column(values: Iterable[object], index: pd.Index) -> pd.Series:
    """Phones as a frame's column: text, or None where there is none (object dtype: pandas
    would read a column of texts as ``str`` and turn None into NaN)."""
    return pd.Series(
        [v if isinstance(v, str) and v else None for v in values], index=index, dtype=object
    )


def phone_href(phone: str | None) -> str | None:
    """The ``tel:`` link of a phone: « 03 80 61 01 94 » -> ``tel:+33380610194``; None when
    there is no phone or it cannot be dialled (a page then shows « non renseigné »)."""
    national = official_phone(phone)
    if national is None:
        return None
    return "tel:+33" + national.replace(" ", "")[1:]
