"""The spec's ``[contact]``: the Mission Locale's public contact, shown on the public page, the
posters and the posts.

```toml
[contact]                                 # optional; every key optional
phone = "03 85 77 00 00"                  # the public switchboard (never a person's number)
email = "contact@mission-locale.example"  # a public address
website = "https://www.mission-locale.example"
address = "12 rue de la Gare, 71200 Le Creusot"
hours = "du lundi au vendredi, 9h-12h et 14h-17h"
```

Only public, institutional contact: the same phone rule as the partners
(:mod:`geo_data.phone`), an e-mail address of the form ``name@domain.tld``, a website in
``https://``. Nothing is invented when the section is absent: the pages then give the
Mission Locale's sites (the spec's bases) only.
"""

from __future__ import annotations

import re
from typing import Any

from geo_data.phone import normalise_phone
from planner.errors import InvalidSpecError, InvalidTerritoryError
from planner.territory import Contact

KEYS = ("phone", "email", "website", "address", "hours")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_WEBSITE = re.compile(r"https?://[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(:\d+)?(/[^\s<>\"']*)?")
#: the longest text kept for the address and the hours
TEXT_MAX = 200


def parse_contact(table: Any) -> Contact:
    """Check a ``[contact]`` table (absent: an empty contact)."""
    if table is None:
        return Contact()
    if not isinstance(table, dict):
        raise InvalidSpecError(
            "[contact] : table attendue.", hint='Écrivez [contact] puis phone = "03 ...".'
        )
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise InvalidSpecError(
            f"Clé(s) inconnue(s) {unknown} dans [contact] du fichier de territoire.",
            hint=f"Clés possibles : {', '.join(KEYS)} (voir le README).",
        )
    for key, value in table.items():
        if not isinstance(value, str):
            raise InvalidSpecError(
                f"contact.{key} : texte attendu, reçu {value!r}.",
                hint=f'Écrivez {key} = "..." entre guillemets.',
            )
    values = {k: str(table.get(k, "")).strip() for k in KEYS}
    try:
        phone = normalise_phone(values["phone"], where="contact.phone") or ""
    except InvalidTerritoryError as exc:
        raise InvalidSpecError(exc.message, hint=exc.hint) from None
    email, website = values["email"], values["website"]
    if email and not _EMAIL.fullmatch(email):
        raise InvalidSpecError(
            f"contact.email : adresse {email[:80]!r} mal formée (attendu nom@domaine.fr).",
            hint="Donnez l'adresse publique de la Mission Locale, sans espace.",
        )
    if website and not _WEBSITE.fullmatch(website):
        raise InvalidSpecError(
            f"contact.website : adresse {website[:80]!r} mal formée "
            "(attendu https://www.exemple.fr).",
            hint="Donnez l'adresse complète du site, commençant par https://.",
        )
    for key in ("address", "hours"):
        if len(values[key]) > TEXT_MAX or "\n" in values[key]:
            raise InvalidSpecError(
                f"contact.{key} : une ligne de {TEXT_MAX} caractères au plus attendue, "
                f"reçu {len(values[key])} caractères.",
                hint="Écrivez-la sur une seule ligne, sans retour à la ligne.",
            )
    return Contact(
        phone=phone,
        email=email,
        website=website,
        address=values["address"],
        hours=values["hours"],
    )
