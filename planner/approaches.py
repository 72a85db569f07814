"""Kinds of candidate session, who can hold them, and the defaults per partner type.

The field report (Milo'Lab, BFC 2020-2023) tested six approaches; four of them are sessions
this planner places on the calendar (social networks have no place, and a van stop is the
itinerant vehicle):

========== =============================== ========================= =====================
kind       place                           held by                   approach
========== =============================== ========================= =====================
commune    the commune's host or square    a van (``vehicule``)      vehicule_itinerant
partenaire a partner's premises (its hours) a team (``equipe``)      per partner type
maraude    a QPV or a named public place   a team, on foot there     maraude
evenement  a forum, fête, market, match    a van or a team           evenements
========== =============================== ========================= =====================

**Defaults per partner type** (:data:`SESSION_DEFAULTS`, overridable per territory in the
spec's ``[partner_types.<type>]``): session length, the weekdays when the young people the
partner sees are there, the approach, and a *prior* of repérés and contacts per session, used
until the partner's own history says otherwise. The regional report gives only the overall
figure (5,133 repérés in 256 sessions hors les murs or nomadic, about 20 per session, events
and four years of regular presence included), not a figure per type; the priors below are
therefore the project's stated assumptions, deliberately below that average (a first session
at a partner finds few young people; a second contact is what mobilises), ranked by how many
16-25 year olds each kind of place receives in a half-day. ``grounds`` says why, per type.
Mairies and France Services are not partner sessions by default: they host the van's commune
stops and are fixed contact points; any partner pinned by the manager becomes a candidate.

**Value** of a session in the engine's units (need-weighted young reached, the unit of the
van's circuits, :mod:`planner.workflows.circuits`): ``VALUE_PER_REPERE`` x expected repérés per
session. A demo hub session reaches about 40 need-weighted young and finds about 2 repérés, so
one expected repéré is worth about 20 of them, as the circuits' history weight says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.errors import InvalidSpecError
from planner.taxonomy import Approach, PartnerType

#: need-weighted young (the circuits' unit) per expected repéré in one session
VALUE_PER_REPERE = 20.0
#: sessions of history worth as much as the prior (gamma-Poisson shrinkage of a place's rate)
PRIOR_SESSIONS = 4.0


class CandidateKind(StrEnum):
    """What a candidate session is (see the module table)."""

    COMMUNE = "commune"
    PARTENAIRE = "partenaire"
    MARAUDE = "maraude"
    EVENEMENT = "evenement"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def served_by(self) -> frozenset[str]:
        """The resource kinds (:data:`planner.fleet.RESOURCE_KINDS`) that can hold it."""
        return SERVED_BY[self]


KIND_LABELS: dict[CandidateKind, str] = {
    CandidateKind.COMMUNE: "Arrêt du véhicule",
    CandidateKind.PARTENAIRE: "Séance chez un partenaire",
    CandidateKind.MARAUDE: "Maraude",
    CandidateKind.EVENEMENT: "Événement",
}

SERVED_BY: dict[CandidateKind, frozenset[str]] = {
    CandidateKind.COMMUNE: frozenset({"vehicule"}),
    CandidateKind.PARTENAIRE: frozenset({"equipe"}),
    CandidateKind.MARAUDE: frozenset({"equipe"}),
    CandidateKind.EVENEMENT: frozenset({"vehicule", "equipe"}),
}


@dataclass(frozen=True)
class SessionDefaults:
    """How sessions at one type of place are held by default, and what they are expected to find.

    ``best_days`` are weekdays (0 = Monday) when sessions are planned (the partner's opening
    hours bound them further); ``reperes`` and ``contacts`` the prior per session.
    """

    session_min: int
    best_days: tuple[int, ...]
    approach: str
    reperes: float
    contacts: float
    grounds: str

    def __post_init__(self) -> None:
        if not 30 <= self.session_min <= 600:
            raise InvalidSpecError(
                f"Durée de séance {self.session_min!r} min invalide (attendu 30 à 600 min).",
                hint="Par exemple session_minutes = 120 (deux heures).",
            )
        if not self.best_days or any(d not in range(7) for d in self.best_days):
            raise InvalidSpecError(
                f"Jours de séance {self.best_days!r} invalides.",
                hint='Listez des jours, par exemple days = ["mardi", "jeudi"].',
            )
        if self.approach not in {a.value for a in Approach}:
            raise InvalidSpecError(
                f"Démarche {self.approach!r} inconnue.",
                hint=f"Démarches : {', '.join(a.value for a in Approach)}.",
            )
        if not (0 <= self.reperes <= self.contacts):
            raise InvalidSpecError(
                f"A priori {self.reperes!r} repérés pour {self.contacts!r} contacts invalide.",
                hint="Donnez 0 <= repérés <= contacts par séance.",
            )


_P = Approach.ACTEURS_PROXIMITE.value
_T = Approach.LIEU_TIERS.value
#: defaults per partner type (see the module docstring); mairie and France Services are absent
SESSION_DEFAULTS: dict[str, SessionDefaults] = {
    PartnerType.AGENCE_INTERIM: SessionDefaults(
        120, (1, 3), _P, 2.0, 5.0,
        "les agences inscrivent les candidats le matin en milieu de semaine (le lundi sert aux "
        "missions de la semaine) ; ponts avec l'intérim de la Nièvre et de la Bresse",
    ),
    PartnerType.CENTRE_SOCIAL: SessionDefaults(
        180, (2, 4), _P, 3.0, 8.0,
        "accueil jeunesse le mercredi (pas d'école l'après-midi) et le vendredi ; une demi-"
        "journée pour se faire connaître des habitués",
    ),
    PartnerType.MEDIATHEQUE: SessionDefaults(
        120, (2, 4), _T, 2.0, 5.0,
        "lieu tiers : fréquentation des jeunes le mercredi et en fin de semaine",
    ),
    PartnerType.TIERS_LIEU_NUMERIQUE: SessionDefaults(
        120, (1, 3), _T, 2.0, 5.0,
        "lieu tiers : ateliers numériques en semaine ; les démarches en ligne amènent des "
        "jeunes sans suivi",
    ),
    PartnerType.CLUB_SPORTIF: SessionDefaults(
        120, (2,), _P, 2.0, 6.0,
        "entraînements des jeunes le mercredi après-midi (CDOS et clubs du rapport)",
    ),
    PartnerType.AUTO_ECOLE: SessionDefaults(
        90, (2, 5), _P, 2.0, 4.0,
        "séances de code le mercredi et le samedi ; la mobilité est le frein central",
    ),
    PartnerType.RESIDENCE_SOCIALE: SessionDefaults(
        120, (1, 3), _P, 3.0, 6.0,
        "résidents jeunes (FJT, résidences sociales) présents en fin de matinée et l'après-midi",
    ),
    PartnerType.EPICERIE_SOCIALE: SessionDefaults(
        120, (1, 4), _P, 2.0, 5.0,
        "les jours de distribution (souvent mardi et vendredi) réunissent les bénéficiaires",
    ),
    PartnerType.ASSOCIATION_CARITATIVE: SessionDefaults(
        120, (1, 3), _P, 2.0, 5.0, "permanences d'accueil en semaine"
    ),
    PartnerType.ASSOCIATION_CULTURELLE: SessionDefaults(
        120, (2,), _P, 2.0, 5.0, "activités des jeunes le mercredi"
    ),
    PartnerType.COMMERCE: SessionDefaults(
        120, (2, 5), _P, 1.0, 4.0, "jours d'affluence (mercredi, samedi)"
    ),
    PartnerType.RESTAURATION_RAPIDE: SessionDefaults(
        120, (2, 4), _P, 1.0, 5.0, "fréquentation des jeunes autour de midi"
    ),
    PartnerType.SDIS: SessionDefaults(
        120, (2,), _P, 1.0, 3.0, "jeunes sapeurs-pompiers le mercredi"
    ),
    PartnerType.ETABLISSEMENT_SCOLAIRE: SessionDefaults(
        120, (0, 1, 3, 4), _P, 3.0, 8.0,
        "décrocheurs et élèves de terminale, hors vacances scolaires ; rentrée et fin "
        "d'année scolaire sont les meilleures périodes",
    ),
}  # fmt: skip
#: town halls and France Services are partner sessions only when the manager pins them
PINNED_DEFAULTS: dict[str, SessionDefaults] = {
    PartnerType.FRANCE_SERVICES: SessionDefaults(
        120, (0, 1, 2, 3, 4), _P, 2.0, 5.0,
        "permanence de la Mission Locale dans l'espace France Services : les jeunes venus pour "
        "une démarche administrative la rencontrent sur place",
    ),
    PartnerType.MAIRIE: SessionDefaults(
        120, (0, 1, 2, 3, 4), _P, 1.0, 3.0,
        "permanence en mairie (salle du conseil, accueil) : peu de passage des 16-25 ans",
    ),
}  # fmt: skip
#: a partner of another type, when the manager pins it
OTHER_DEFAULTS = SessionDefaults(
    120, (0, 1, 2, 3, 4), _P, 1.0, 3.0, "type sans valeur par défaut : séances en semaine"
)
#: a maraude (street outreach) in a QPV or a named public place: two hours on foot, in daylight
MARAUDE_DEFAULTS = SessionDefaults(
    120, (0, 1, 2, 3, 4), Approach.MARAUDE.value, 3.0, 8.0,
    "aller au-devant des jeunes dans l'espace public du quartier, de jour ; plus de contacts "
    "qu'une séance en salle, moins de repérés (premier contact)",
)  # fmt: skip
#: an event when the manager does not say what it is expected to find
EVENT_DEFAULTS = SessionDefaults(
    180, (0, 1, 2, 3, 4, 5, 6), Approach.EVENEMENTS.value, 6.0, 20.0,
    "forums, fêtes, marchés et rencontres sportives réunissent beaucoup de jeunes en une fois",
)  # fmt: skip


def session_defaults(
    partner_type: str,
    overrides: dict[str, SessionDefaults] | None = None,
    *,
    pinned: bool = False,
) -> SessionDefaults | None:
    """The defaults of ``partner_type`` (a territory's override first); None for types that
    are not partner sessions by default (mairie, France Services, autre) unless ``pinned``."""
    if overrides and partner_type in overrides:
        return overrides[partner_type]
    found = SESSION_DEFAULTS.get(partner_type)
    if found is None and pinned:
        return PINNED_DEFAULTS.get(partner_type, OTHER_DEFAULTS)
    return found


def shrunk_rate(prior: float, sessions: float, found: float) -> float:
    """A place's rate per session: its prior moved by its own record (gamma-Poisson, the prior
    worth :data:`PRIOR_SESSIONS` sessions)."""
    return (PRIOR_SESSIONS * prior + found) / (PRIOR_SESSIONS + sessions)


@dataclass(frozen=True)
class MaraudePlace:
    """A public place for a maraude: a QPV's heart, a square, a station forecourt.

    ``private``: the manager keeps its exact itinerary off the public page (the public page
    then says « maraude dans le quartier » without the place).
    """

    id: str
    name: str
    lon: float
    lat: float
    commune: str = ""
    qpv: str = ""
    private: bool = False
    session_min: int = MARAUDE_DEFAULTS.session_min
