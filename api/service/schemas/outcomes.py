"""Outcome counts (what became of the mobilised young people): bodies and answers.

Counts only (no free text, no individual). The outcome fields are built from
:data:`planner.outcomes.OUTCOME_COLUMNS` and their French labels, so that the API, the store
and the file share one list; the rules across fields are :func:`planner.outcomes.
outcome_problems` (checked by :mod:`api.service.outcome_store`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field, StrictInt, create_model

from api.service.schemas.common import Strict
from planner.outcomes import DURATIONS, SCHEMES, SITUATIONS

#: Most young people one row (a territory, a month, an approach) may count: a Mission Locale
#: follows a few thousand young people a year, so more is a typing error.
MAX_MONTHLY = 10_000
#: A count: a JSON integer only (true, 3.0 and "3" are refused), from 0 to :data:`MAX_MONTHLY`.
MonthlyCount = Annotated[StrictInt, Field(ge=0, le=MAX_MONTHLY)]

_MOBILISES = (
    "Jeunes mobilisés que la ligne décrit (mois et démarche) : les entrées en dispositif et "
    "les situations en comptent au plus autant, les tranches de durée exactement autant."
)


def _outcome_fields(optional: bool) -> dict[str, Any]:
    """The pydantic fields of the outcome columns (``optional``: ``None`` allowed)."""
    kind: Any = MonthlyCount | None if optional else int | None
    fields: dict[str, Any] = {}
    for family, columns, absent in (
        ("Entrée en dispositif", SCHEMES, "0"),
        ("Situation", SITUATIONS, "0"),
        ("Durée du parcours", DURATIONS, "non renseignée"),
    ):
        for name, label in columns.items():
            text = f"{family} : {label}. Absent : {absent}."
            fields[name] = (kind, Field(default=None, description=text))
    return fields


if TYPE_CHECKING:  # the outcome fields are built from planner.outcomes: typed Any for mypy

    class OutcomeCounts(Strict):
        mobilises: int

        def __getattr__(self, name: str) -> Any: ...

    class OutcomePublic(BaseModel):
        def __getattr__(self, name: str) -> Any: ...

else:
    OutcomeCounts = create_model(
        "OutcomeCounts",
        __base__=Strict,
        __doc__="Counts of one territory x month x approach (replaces the whole row).",
        mobilises=(MonthlyCount, Field(description=_MOBILISES, examples=[12])),
        **_outcome_fields(optional=True),
    )
    OutcomePublic = create_model(
        "OutcomePublic",
        __doc__="One stored row of outcome counts.",
        id=(int, Field(description="Identifiant de la ligne.")),
        territory_id=(str, Field(description="Territoire.")),
        month=(str, Field(description="Mois (AAAA-MM).", examples=["2024-03"])),
        approach=(str, Field(description="Démarche d'aller-vers (planner.taxonomy.Approach).")),
        mobilises=(int, Field(description=_MOBILISES)),
        **_outcome_fields(optional=False),
        revision=(int, Field(description="1 à la saisie, +1 à chaque correction.")),
        recorded_at=(dt.datetime, Field(description="Dernière saisie ou correction (UTC).")),
        recorded_by=(int | None, Field(description="Jeton de la dernière saisie, ou null.")),
        recorded_user=(int | None, Field(description="Compte de la dernière saisie, ou null.")),
        recorded_role=(str, Field(description="Rôle de la dernière saisie.")),
    )


class OutcomesPublic(BaseModel):
    territory_id: str = Field(description="Territoire.")
    data: list[OutcomePublic] = Field(description="Une ligne par mois et démarche, par mois.")
    count: int = Field(description="Nombre de lignes.")


class OutcomeRefusedRowPublic(BaseModel):
    line: int = Field(description="Ligne du fichier (l'en-tête est la ligne 1).", examples=[3])
    id: str | None = Field(description="Mois et démarche de la ligne, quand lisibles.")
    message: str = Field(description="Pourquoi la ligne est refusée.")
    hint: str = Field(description="Comment la corriger.")


class OutcomesImportPublic(BaseModel):
    added: int = Field(description="Lignes ajoutées (mois et démarche nouveaux).", examples=[10])
    updated: int = Field(description="Lignes remplacées (mois et démarche déjà enregistrés).")
    refused: list[OutcomeRefusedRowPublic] = Field(
        description="Lignes refusées, dans l'ordre du fichier ; les autres sont enregistrées."
    )
    count: int = Field(description="Nombre de lignes refusées.", examples=[1])
