"""Small readers shared by the rule tables (:mod:`.rules_table`, :mod:`.rules_sessions`).

Each names its key and says what was expected, what came and how to fix it, in French.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from planner.errors import InvalidSpecError
from planner.fleet import WEEKDAYS_FR
from planner.rules import FREQUENCIES

CODE_PATTERN = r"\d[\dAB]\d{3}"
#: codes shown in a hint before "..."
SHOWN = 12


def check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise InvalidSpecError(
            f"{where} : clé(s) inconnue(s) {', '.join(unknown)}.",
            hint=f"Clés possibles : {', '.join(allowed)} (voir le README, règles du responsable).",
        )


def parse_table(value: Any, where: str, example: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidSpecError(
            f"{where} : table attendue, reçu {value!r}.", hint=f"Écrivez par exemple {example}."
        )
    return value


def parse_code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(CODE_PATTERN, value):
        raise InvalidSpecError(
            f"{where} : code INSEE {value!r} mal formé (attendu 5 caractères, par exemple "
            "'21425').",
            hint='Écrivez le code entre guillemets : "21425".',
        )
    return value


def parse_text(value: Any, where: str, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidSpecError(
            f"{where} : texte attendu, reçu {value!r}.", hint=f'Écrivez par exemple "{example}".'
        )
    return value


def parse_weekday(value: Any, where: str) -> int:
    """A French weekday name (``"mardi"``) -> 0..6."""
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in WEEKDAYS_FR:
        raise InvalidSpecError(
            f"{where} : jour {value!r} inconnu (attendu {', '.join(WEEKDAYS_FR)}).",
            hint='Écrivez le jour en toutes lettres, par exemple weekday = "jeudi".',
        )
    return WEEKDAYS_FR.index(text)


def parse_frequency(value: Any, where: str, allowed: tuple[str, ...] = FREQUENCIES) -> str:
    if value not in allowed:
        raise InvalidSpecError(
            f"{where} : fréquence {value!r} inconnue (attendu {', '.join(allowed)}).",
            hint='Écrivez par exemple "fortnightly" (toutes les deux semaines).',
        )
    return str(value)


def listed(known: Iterable[str]) -> str:
    items = sorted(known)
    shown = ", ".join(items[:SHOWN])
    return f"{shown}, ... ({len(items)} en tout)" if len(items) > SHOWN else shown or "aucun"


def check_slot(slot: str, slot_names: list[str], key: str) -> None:
    """A pin's slot is one of the territory's."""
    if slot not in slot_names:
        raise InvalidSpecError(
            f"{key}.slot : créneau {slot!r} inconnu.",
            hint=f"Créneaux du territoire : {', '.join(slot_names)}.",
        )


def check_worked(weekday: int, working: Iterable[Any], who: str, key: str) -> None:
    """Some resource of ``working`` (vans or teams: ``working_days``) works ``weekday``;
    ``who`` names them in French (« le véhicule van-1 », « aucune équipe »)."""
    if not any(weekday in r.working_days for r in working):
        raise InvalidSpecError(
            f"{key}.weekday : le {WEEKDAYS_FR[weekday]} n'est travaillé par {who}.",
            hint="Choisissez un jour travaillé, ou ajoutez-le aux working_days du véhicule ou "
            "de l'équipe.",
        )
