"""What happens after a young person is mobilised, as counts (never individuals).

The ARML's report of the Milo'Lab experiment (Bourgogne-Franche-Comté, 2020-2023) follows the
mobilised young people further than the session counts: entries into support schemes,
situations reached, and how long the mobilisation path took. These are recorded per
territory x period (a month) x approach, like the activity, and checked by one rule set:

- every count is a non-negative integer;
- repérés <= contacts is not required (a contact may be a group); mobilisés <= repérés;
- entries into schemes and situations each sum to at most the mobilised count of the row (a
  young person is counted once per family, at their first entry and latest situation);
- the path-duration bands, when given, sum exactly to the mobilised count they describe.

The column names are the file's, the API's and the store's (one definition: here); the
labels are what people read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

#: entries into support schemes after mobilisation (column -> French label)
SCHEMES: dict[str, str] = {
    "pacea": "PACEA",
    "cej_ml": "CEJ Mission Locale",
    "cej_ft": "CEJ France Travail (ex Pôle emploi)",
    "garantie_jeunes": "Garantie Jeunes (historique)",
    "parrainage": "Parrainage",
    "aij": "AIJ France Travail (ex Pôle emploi)",
    "autre_dispositif": "Autre dispositif",
}
#: situations after mobilisation
SITUATIONS: dict[str, str] = {
    "emploi": "Emploi",
    "formation": "Formation",
    "alternance": "Alternance",
    "immersion_pmsmp": "Immersion en entreprise (PMSMP)",
    "retour_scolarite": "Retour en scolarité",
    "volontariat": "Volontariat / bénévolat",
}
#: duration of the mobilisation path, by band
DURATIONS: dict[str, str] = {
    "duree_moins_3_mois": "Moins de 3 mois",
    "duree_3_6_mois": "De 3 à 6 mois",
    "duree_6_12_mois": "De 6 à 12 mois",
    "duree_12_24_mois": "De 12 à 24 mois",
    "duree_plus_24_mois": "Plus de 24 mois",
}
OUTCOME_COLUMNS: tuple[str, ...] = (*SCHEMES, *SITUATIONS, *DURATIONS)
#: the funnel's stages, from the first contact to the situation (column or family -> label)
FUNNEL: dict[str, str] = {
    "contacts": "Contacts",
    "reperes": "Jeunes repérés",
    "mobilises": "Jeunes mobilisés",
    "dispositifs": "Entrées en dispositif",
    "situations": "Situations à l'issue",
}


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (the end of a monthly row)."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def outcome_problems(row: Mapping[str, object]) -> list[str]:
    """What is wrong with one row of counts (French sentences; empty: the row is right).

    ``row`` holds ``mobilises`` (and ``reperes`` when known) and any of
    :data:`OUTCOME_COLUMNS`; an absent outcome column counts as 0, absent bands as not given.
    """
    problems: list[str] = []
    values: dict[str, int] = {}
    for column in ("contacts", "reperes", "mobilises", *OUTCOME_COLUMNS):
        if column not in row or row[column] is None:
            continue
        value = row[column]
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            problems.append(f"{column} : nombre entier attendu, reçu {value!r}")
            continue
        if value < 0:
            problems.append(f"{column} : compte positif ou nul attendu, reçu {int(value)}")
            continue
        values[column] = int(value)
    if problems:
        return problems
    mobilised = values.get("mobilises", 0)
    if "reperes" in values and mobilised > values["reperes"]:
        problems.append(
            f"{mobilised} mobilisés pour {values['reperes']} repérés : un jeune mobilisé a "
            "d'abord été repéré"
        )
    for family, columns in (("entrées en dispositif", SCHEMES), ("situations", SITUATIONS)):
        total = sum(values.get(c, 0) for c in columns)
        if total > mobilised:
            problems.append(
                f"{total} {family} pour {mobilised} mobilisés : au plus une par jeune mobilisé"
            )
    given = [c for c in DURATIONS if c in values]
    if given:
        total = sum(values[c] for c in given)
        if total != mobilised:
            problems.append(
                f"durées de parcours : {total} jeunes répartis par durée pour {mobilised} "
                "mobilisés (les tranches décrivent les mobilisés : leur somme doit être égale)"
            )
    return problems
