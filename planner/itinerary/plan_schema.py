"""The plan.json schema: every field of a plan's records, defined once.

A plan (:class:`planner.itinerary.plan.Plan`) is written as ``plan.json``: a document whose
lists hold records (``visits``, ``days``, ``dropped``, ``skipped``, for a re-plan the
``changes`` relative to the plan it repairs, and the explanations: ``stops`` (why each stop is
in the plan), ``communes`` (where each commune's young people are reached, or why not) and
``unplanned`` (« non planifiés et pourquoi »)) and whose ``solver`` object says how it was
found. Each field of a record is one :class:`PlanField` (:mod:`.plan_fields`) of the tables below:
its JSON name, JSON type, unit, French description, and where else it appears. The rest is
derived from these tables:

- ``to_json`` / ``from_json`` of the records: :meth:`Record.write` / :meth:`Record.read`;
- the columns of plan.csv: :data:`CSV_COLUMNS` (fields with ``csv``), and of the explanation
  tables (:data:`EXPLANATIONS`, French headers: the fields' ``label``);
- the API answer models ``VisitPublic`` / ``VanDayPublic`` (``api.service.schemas.plans``) and
  the properties of the visit points of plan.geojson (fields with ``geojson``);
- the columns of the ``visits`` table (``api.service.db.models``, fields with ``db``);
- the keys every plan.json record must carry, which the maps draw: :func:`check_plan_json`
  (fields with ``required``).

Clock times are seconds after the visit date's midnight; JSON carries them both as ``HH:MM``
(for people: the fields with ``clock_of``) and as ``*_s`` integers (for exact re-validation).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from planner.itinerary.plan_fields import (
    KINDS,
    OPTIONAL_NUMBER,
    OPTIONAL_TEXT,
    REQUIRED,
    SCHEMA_HINT,
    TEXT_LIST,
    PlanField,
    PlanRecord,
    Record,
    hhmm,
    plan_error,
)
from planner.travel import METHODS

__all__ = [
    "CHANGE", "COMMUNE", "CSV_COLUMNS", "DOCUMENT_KEYS", "DROPPED", "EXPLANATIONS", "KINDS",
    "OPTIONAL_NUMBER", "OPTIONAL_TEXT", "REQUIRED", "SCHEMA_HINT", "SKIPPED", "SOLVER", "STOP",
    "TEXT_LIST", "UNPLANNED", "VAN_DAY", "VISIT", "PlanField", "PlanRecord", "Record",
    "check_plan_json", "hhmm", "plan_error",
]  # fmt: skip

#: Keys every plan.json document carries (besides its records' own keys).
DOCUMENT_KEYS = ("territory", "travel_time_method", "visits", "days")


# -- the tables ----------------------------------------------------------------------------

_CLOCK = "s après minuit"

VISIT = Record(
    "visite",
    (
        PlanField("date", dt.date, "Date de la séance.", unit="AAAA-MM-JJ",
                  required=True, label="Date", csv=True, geojson=True, db=True),
        PlanField("van", str, "Véhicule / équipe.",
                  required=True, label="Véhicule / équipe", csv=True, geojson=True, db=True,
                  db_length=100),
        PlanField("slot", str, "Créneau (matin, apres-midi).",
                  required=True, label="Créneau", csv=True, geojson=True, db=True, db_length=40),
        PlanField("stop_id", str, "Arrêt (code INSEE de la commune).",
                  required=True, label="Arrêt", csv=True, geojson=True, db=True, db_length=100),
        PlanField("stop_name", str, "Nom de l'arrêt.", default="",
                  required=True, label="Nom de l'arrêt", csv=True, geojson=True, db=True,
                  db_length=200),
        PlanField("commune", str, "Code INSEE.", default="",
                  required=True, label="Code INSEE", csv=True, geojson=True, db=True, db_length=5),
        PlanField("lon", float, "Longitude du lieu de stationnement.", unit="degré WGS84",
                  digits=6, default=0.0, required=True, label="Longitude", csv=True, db=True),
        PlanField("lat", float, "Latitude du lieu de stationnement.", unit="degré WGS84",
                  digits=6, default=0.0, required=True, label="Latitude", csv=True, db=True),
        PlanField("arrival", str, "Arrivée (HH:MM).", unit="HH:MM", clock_of="arrival_s",
                  required=True, label="Arrivée", csv=True, geojson=True),
        PlanField("start", str, "Début de séance (HH:MM).", unit="HH:MM", clock_of="start_s",
                  required=True, label="Début", csv=True, geojson=True),
        PlanField("end", str, "Fin de séance (HH:MM).", unit="HH:MM", clock_of="end_s",
                  required=True, label="Fin", csv=True, geojson=True),
        PlanField("arrival_s", int, "Arrivée en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("start_s", int, "Début en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("end_s", int, "Fin en secondes après minuit.", unit=_CLOCK, db=True),
        PlanField("host", OPTIONAL_TEXT, "Partenaire qui accueille, ou null (place publique).",
                  default="", label="Partenaire d'accueil", csv=True, geojson=True, db=True,
                  db_length=200),
        PlanField("need", float, "Valeur de la visite, ce que le moteur maximise : avec les "
                  "circuits (défaut), jeunes estimés x score de besoin / 100 des communes à "
                  "portée de l'arrêt, rendements décroissants et apport de l'historique compris, "
                  "par visite ; avec la méthode need, le score de besoin de la commune (0 à 100, "
                  "celui de need.csv).", unit="jeunes pondérés par le besoin (circuits)",
                  digits=3, default=0.0, label="Valeur de la visite", csv=True, geojson=True),
        PlanField("frr_class", str, "Classe FRR de la commune.", default="inconnue",
                  label="Classe FRR", csv=True),
        PlanField("qpv", bool, "Commune avec un QPV.", default=False, label="QPV", csv=True),
        PlanField("to_check", str, "Équipements dont la séance a besoin et que personne n'a "
                  "confirmés sur le lieu (« stationnement à vérifier ») ; vide si rien.",
                  default="", label="À vérifier sur place", csv=True, geojson=True, db=True,
                  db_length=200),
        PlanField("uid", str, "Identifiant iCalendar (UID) de la visite, gardé d'une "
                  "re-planification à l'autre ; vide dans un premier plan (dérivé de la date, du "
                  "véhicule, du créneau et de l'arrêt).", default=""),
        PlanField("sequence", int, "Révision iCalendar (SEQUENCE) : 0 au premier plan, +1 à "
                  "chaque re-planification qui change la visite.", default=0),
        PlanField("kind", str, "Type de séance : commune (arrêt du véhicule), partenaire "
                  "(séance chez un partenaire), maraude, evenement.", default="commune",
                  label="Type de séance", csv=True, geojson=True, db=True, db_length=20),
        PlanField("approach", str, "Démarche (planner.taxonomy.Approach : vehicule_itinerant, "
                  "acteurs_proximite, lieu_tiers, maraude, evenements).",
                  default="vehicule_itinerant", label="Démarche", csv=True, geojson=True,
                  db=True, db_length=40),
        PlanField("resource", str, "Qui tient la séance : vehicule ou equipe.",
                  default="vehicule", label="Ressource", csv=True, geojson=True, db=True,
                  db_length=20),
        PlanField("private", bool, "Lieu exact gardé hors des sorties publiques (maraude "
                  "marquée privée par le responsable).", default=False, label="Lieu privé",
                  csv=True, db=True),
        PlanField("locked", bool, "Visite verrouillée par le responsable : une "
                  "re-planification (minimale ou complète) la garde telle quelle, et refuse de "
                  "l'annuler ou de la déplacer (PUT /plans/{id}/locks).", default=False),
        PlanField("moved_from", OPTIONAL_TEXT, "Visite déplacée par le responsable : date de "
                  "la visite qu'elle remplace (pour un arrêt régulier, la répétition de son "
                  "jour habituel), ou null.", unit="AAAA-MM-JJ", default=""),
        PlanField("moved_from_van", OPTIONAL_TEXT, "Visite déplacée : véhicule d'origine, ou "
                  "null.", default=""),
        PlanField("moved_from_slot", OPTIONAL_TEXT, "Visite déplacée : créneau d'origine, ou "
                  "null.", default=""),
    ),
)  # fmt: skip

VAN_DAY = Record(
    "journée",
    (
        PlanField("van", str, "Véhicule.", required=True),
        PlanField("date", dt.date, "Jour.", unit="AAAA-MM-JJ", required=True),
        PlanField("leave_base", str, "Départ de la base (HH:MM).", unit="HH:MM",
                  clock_of="leave_base_s", required=True),
        PlanField("return_base", str, "Retour à la base (HH:MM).", unit="HH:MM",
                  clock_of="return_base_s", required=True),
        PlanField("leave_base_s", int, "Départ en secondes après minuit.", unit=_CLOCK),
        PlanField("return_base_s", int, "Retour en secondes après minuit.", unit=_CLOCK),
        PlanField("drive_s", int, "Temps de conduite (s).", unit="s", required=True),
        PlanField("drive_m", int, "Distance (m).", unit="m", required=True),
        PlanField("stops", TEXT_LIST, "Arrêts dans l'ordre.", default=()),
    ),
)  # fmt: skip

DROPPED = Record(
    "arrêt écarté",
    (
        PlanField("stop_id", str, "Arrêt écarté."),
        PlanField("stop_name", str, "Nom de l'arrêt.", default=""),
        PlanField("reason", str, "Raison, en français."),
        PlanField("required", bool, "Arrêt obligatoire qui n'a pu être placé.", default=False),
    ),
)

SKIPPED = Record(
    "répétition sautée",
    (
        PlanField("stop_id", str, "Arrêt."),
        PlanField("date", dt.date, "Date sans journée de véhicule.", unit="AAAA-MM-JJ"),
        PlanField("reason", str, "Raison, en français (jour férié, fermeture...)."),
    ),
)

CHANGE = Record(
    "changement",
    (
        PlanField("change", str, "Nature du changement : removed (visite retirée), added "
                  "(visite ajoutée), moved (date, créneau ou véhicule changé), retimed "
                  "(même séance, heure d'arrivée changée par la tournée du jour)."),
        PlanField("label", str, "Libellé en français (visite annulée, visite déplacée...)."),
        PlanField("stop_id", str, "Arrêt."),
        PlanField("stop_name", str, "Nom de l'arrêt.", default=""),
        PlanField("date", dt.date, "Date de la visite dans le plan d'origine (ajout : dans le "
                  "nouveau plan).", unit="AAAA-MM-JJ"),
        PlanField("van", str, "Véhicule (plan d'origine ; ajout : nouveau plan)."),
        PlanField("slot", str, "Créneau (plan d'origine ; ajout : nouveau plan)."),
        PlanField("new_date", OPTIONAL_TEXT, "Nouvelle date d'une visite déplacée, ou null.",
                  unit="AAAA-MM-JJ", default=""),
        PlanField("new_van", OPTIONAL_TEXT, "Nouveau véhicule d'une visite déplacée, ou null.",
                  default=""),
        PlanField("new_slot", OPTIONAL_TEXT, "Nouveau créneau d'une visite déplacée, ou null.",
                  default=""),
        PlanField("reason", str, "Pourquoi, en français.", default=""),
        PlanField("uid", str, "Identifiant iCalendar de la visite concernée (vide : fichier "
                  "antérieur).", default=""),
        PlanField("sequence", int, "Révision iCalendar de l'événement après le changement "
                  "(une visite retirée : celle de son annulation).", default=0),
    ),
)  # fmt: skip

SOLVER = Record(
    "information du solveur",
    (
        PlanField("name", str, "Moteur (local, pyvrp, ortools, greedy)."),
        PlanField("seed", int, "Graine : même graine, même plan."),
        PlanField("time_s", float, "Temps de calcul.", unit="s", digits=3),
        PlanField("time_limit_s", float, "Limite de calcul.", unit="s", default=0.0),
        PlanField("objective", int, "Valeur (entière) de l'objectif du plan."),
        PlanField("bound", int, "Borne supérieure valide de l'objectif."),
        PlanField("gap_pct", float, "Écart entre l'objectif et la borne.", unit="%", digits=4),
        PlanField("iterations", int, "Itérations de la recherche.", default=0),
    ),
)

# -- explanations (filled by planner.workflows.explain; absent from older plan files) ---------

_ACCESS = "à moins du temps d'accès (15 min par défaut)"
_YOUNG = "Jeunes de 16 à 25 ans estimés de la commune."
_NEED = "Score de besoin de la commune (0 à 100, le même que need.csv)."
_KIND = "Type de séance : commune (arrêt du véhicule), partenaire, maraude, evenement."
_APPROACH = "Démarche (planner.taxonomy.Approach)."

STOP = Record(
    "arrêt du plan",
    (
        PlanField("stop_id", str, "Arrêt (code INSEE de la commune).", label="Arrêt",
                  required=True, csv=True),
        PlanField("stop_name", str, "Nom de l'arrêt.", label="Nom", required=True, csv=True),
        PlanField("commune", str, "Code INSEE.", label="Code INSEE", csv=True),
        PlanField("host", OPTIONAL_TEXT, "Partenaire qui accueille, ou null (place publique).",
                  default="", label="Hôte", csv=True),
        PlanField("visits", int, "Visites sur l'horizon.", label="Visites",
                  required=True, csv=True),
        PlanField("frequency", str, "Fréquence prévue (chaque semaine, toutes les deux "
                  "semaines, toutes les quatre semaines, une fois, ponctuelle).",
                  label="Fréquence", required=True, csv=True),
        PlanField("regular", bool, "Présence régulière : au moins une visite toutes les deux "
                  "semaines en moyenne.", label="Présence régulière", required=True, csv=True),
        PlanField("weekday", str, "Jour de la semaine, quand toutes les visites (deux ou "
                  "plus) le partagent ; sinon vide.", default="", label="Jour", csv=True),
        PlanField("slot", str, "Créneau, quand toutes les visites (deux ou plus) le "
                  "partagent ; sinon vide.", default="", label="Créneau", csv=True),
        PlanField("van", str, "Véhicule(s) de l'arrêt.", default="", label="Véhicule", csv=True),
        PlanField("need", float, _NEED, unit="points sur 100", digits=3, default=0.0,
                  label="Besoin (sur 100)", csv=True),
        PlanField("young_within", float, f"Jeunes de 16 à 25 ans estimés des communes {_ACCESS} "
                  "de l'arrêt.", digits=1, default=0.0, label="Jeunes à portée", csv=True),
        PlanField("communes_within", int, f"Communes {_ACCESS} de l'arrêt.", default=0,
                  label="Communes à portée", csv=True),
        PlanField("kind", str, _KIND, default="commune", label="Type de séance", csv=True),
        PlanField("approach", str, _APPROACH, default="vehicule_itinerant", label="Démarche",
                  csv=True),
        PlanField("why", TEXT_LIST, "Pourquoi l'arrêt est dans le plan (phrases en français).",
                  default=(), label="Pourquoi", required=True, csv=True),
    ),
)  # fmt: skip

COMMUNE = Record(
    "commune desservie",
    (
        PlanField("commune", str, "Code INSEE.", label="Code INSEE", required=True, csv=True),
        PlanField("name", str, "Nom de la commune.", label="Commune", required=True, csv=True),
        PlanField("young", float, _YOUNG, digits=1, label="Jeunes 16-25 ans", csv=True),
        PlanField("need", float, _NEED, unit="points sur 100", digits=3,
                  label="Besoin (sur 100)", csv=True),
        PlanField("reached", bool, f"Un arrêt du plan ou un point fixe {_ACCESS}.",
                  label="Atteinte", required=True, csv=True),
        PlanField("regular", bool, f"Une présence régulière (arrêt au moins toutes les deux "
                  f"semaines, base ou point fixe) {_ACCESS}.", label="Présence régulière",
                  required=True, csv=True),
        PlanField("by", OPTIONAL_TEXT, "Lieu qui atteint la commune (non atteinte : le plus "
                  "proche), ou null.", default="", label="Atteinte par", required=True, csv=True),
        PlanField("by_kind", OPTIONAL_TEXT, "Nature de ce lieu : arrêt régulier, arrêt "
                  "ponctuel, base, point fixe.", default="", label="Type de lieu", csv=True),
        PlanField("minutes", OPTIONAL_NUMBER, "Minutes de la commune à ce lieu, ou null.",
                  unit="min", digits=1, default=None, label="Minutes", csv=True),
        PlanField("why_not", OPTIONAL_TEXT, "Non atteinte : pourquoi, en français ; sinon null.",
                  default="", label="Pourquoi non atteinte", required=True, csv=True),
    ),
)  # fmt: skip

UNPLANNED = Record(
    "non planifié",
    (
        PlanField("stop_id", str, "Arrêt candidat sans visite.", label="Arrêt",
                  required=True, csv=True),
        PlanField("commune", str, "Code INSEE.", label="Code INSEE", csv=True),
        PlanField("name", str, "Nom de la commune.", label="Commune", required=True, csv=True),
        PlanField("young", float, _YOUNG, digits=1, default=0.0, label="Jeunes 16-25 ans",
                  csv=True),
        PlanField("need", float, _NEED, unit="points sur 100", digits=3, default=0.0,
                  label="Besoin (sur 100)", csv=True),
        PlanField("reason", str, "Pourquoi, en français.", label="Raison", required=True, csv=True),
        PlanField("engine_reason", OPTIONAL_TEXT, "Raison donnée par le moteur (liste "
                  "dropped), ou null.", default="", label="Raison du moteur", csv=True),
        PlanField("by", OPTIONAL_TEXT, "Lieu que cite la raison (sinon le plus proche), ou null.",
                  default="", label="Lieu", csv=True),
        PlanField("minutes", OPTIONAL_NUMBER, "Minutes de la commune à ce lieu, ou null.",
                  unit="min", digits=1, default=None, label="Minutes", csv=True),
        PlanField("kind", str, _KIND, default="commune", label="Type de séance", csv=True),
        PlanField("approach", str, _APPROACH, default="vehicule_itinerant", label="Démarche",
                  csv=True),
    ),
)  # fmt: skip

#: The explanation sections of plan.json: (document key, record, French file and table name).
EXPLANATIONS = (
    ("stops", STOP, "arrets"),
    ("communes", COMMUNE, "communes"),
    ("unplanned", UNPLANNED, "non-planifies"),
)

#: The columns of plan.csv, in order.
CSV_COLUMNS = VISIT.csv_columns


def _check_items(plan: dict[str, Any], key: str, record: Record, source: str) -> None:
    items = plan[key]
    if not isinstance(items, list):
        raise plan_error(source, f"« {key} » doit être une liste", type(items).__name__)
    dates = [f for f in record.fields if f.required and f.kind is dt.date]
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise plan_error(source, f"{key}[{i}] doit être un objet", item)
        missing = [k for k in record.required_keys if k not in item]
        if missing:
            raise plan_error(source, f"{key}[{i}] sans {', '.join(missing)}", sorted(item))
        for f in dates:
            try:
                dt.date.fromisoformat(str(item[f.name]))
            except ValueError:
                what = f"{key}[{i}] : {f.name} attendue {f.unit}"
                raise plan_error(source, what, item[f.name]) from None


def check_plan_json(plan: Any, *, source: str = "fourni") -> None:
    """Raise :class:`InvalidPlanError` when ``plan`` does not follow the plan.json schema.

    Checks what every reader relies on: the document keys, the travel-time method, the
    required keys, dates and WGS84 positions of the visits and van days, and the required keys
    of the explanation sections when the document has them.
    """
    if not isinstance(plan, dict):
        raise plan_error(source, "un objet JSON est attendu", type(plan).__name__)
    missing = [k for k in DOCUMENT_KEYS if k not in plan]
    if missing:
        raise plan_error(source, f"clé(s) absente(s) : {', '.join(missing)}", sorted(plan))
    if plan["travel_time_method"] not in METHODS:
        raise plan_error(
            source, "travel_time_method doit valoir osm ou estimate", plan["travel_time_method"]
        )
    _check_items(plan, "visits", VISIT, source)
    _check_items(plan, "days", VAN_DAY, source)
    for key, record, _ in EXPLANATIONS:  # older plan files have none: nothing to check
        if key in plan:
            _check_items(plan, key, record, source)
    for i, v in enumerate(plan["visits"]):
        lon, lat = v["lon"], v["lat"]
        ok = all(isinstance(x, int | float) and math.isfinite(x) for x in (lon, lat))
        if not ok or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise plan_error(source, f"visits[{i}] : lon/lat hors des bornes WGS84", (lon, lat))
